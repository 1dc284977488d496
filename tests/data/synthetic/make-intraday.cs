#:project ../../../src/MlNetLstm/MlNetLstm.csproj
// Writes intraday-synthetic.csv (and intraday-synthetic-truth.csv) beside this script: SYNTHETIC intraday prices, not market data.
// SyntheticIntraday.Generate with its defaults (seed 2026): 1,500 trading days of 10-minute prices, 09:30-16:00 New York (times in UTC),
// two-factor stochastic volatility with a U-shaped intraday pattern, leverage, jumps, an overnight gap, 2 bp microstructure noise and
// about 1 % half days. The truth file has each day's integrated variance, jump variation and overnight variance.
// Run from the repository root: dotnet run tests/data/synthetic/make-intraday.cs
// The test SyntheticIntradayDataSetTests regenerates both files and compares them byte for byte.
using System.Globalization;
using MlNetLstm.Realized;

string dir = Path.Combine("tests", "data", "synthetic");
if (!Directory.Exists(dir)) { Console.Error.WriteLine("Run from the repository root."); return 2; }
SyntheticIntradayData data = SyntheticIntraday.Generate(new SyntheticIntradayOptions());
using (var w = new StreamWriter(Path.Combine(dir, "intraday-synthetic.csv"))) data.WriteCsv(w);
using (var w = new StreamWriter(Path.Combine(dir, "intraday-synthetic-truth.csv"))) data.WriteTruthCsv(w);
Console.WriteLine($"{data.Prices.Count:N0} prices over {data.Days.Count:N0} days written to {dir}.");
return 0;
