#:project ../src/MlNetLstm/MlNetLstm.csproj
// The regime-adaptive LSTM volatility model ("lstm-regime"): its forget gate gets an extra term -beta * |r_t|, so a
// large return closes the gate and the cell forgets the calm regime. Trained on S&P 500 daily returns before the
// largest shock of the sample (October 1987), then explained around it. Run from the repository root.
using System.Globalization;
using MlNetLstm.Volatility.Neural;

double[] sp = File.ReadLines("tests/data/real/sp500dge.csv").Skip(1)
    .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
int crash = Enumerable.Range(2000, sp.Length - 2100).OrderByDescending(t => Math.Abs(sp[t])).First();
var model = new LstmVolatilityModel(new LstmVolatilityOptions { Epochs = 10, Seed = 7 });
LstmVolatilityForecaster fitted = model.Fit(sp.AsSpan(crash - 2000, 1800));
Console.WriteLine($"largest shock at day {crash}: return {sp[crash]:P1}; learned beta (mean over units) {fitted.RegimeBeta.Average():F2}; {fitted.Training.StopReason}");

VolatilityTelemetry tel = fitted.Explain(sp.AsSpan(crash - 100, 130));
Console.WriteLine("day   return   forget  input  output  regime term  variance forecast");
foreach (int k in new[] { -10, -2, -1, 0, 1, 2, 5, 10, 20 })
{
    int t = 100 + k;
    Console.WriteLine($"{k,3} {sp[crash + k],8:P1} {tel.ForgetGate[t],8:F3} {tel.InputGate[t],6:F3} {tel.OutputGate[t],7:F3} {tel.RegimeTerm[t],12:F3} {tel.Forecast[t],18:E2}");
}
double calmF = tel.ForgetGate[..100].Average();
Console.WriteLine($"mean forget gate over the 100 calm days {calmF:F3}; on the shock day {tel.ForgetGate[100]:F3}");
// Expected output (regime term = -beta*|r_t| on the forget-gate pre-activation):
// largest shock at day 16076: return -22.8 %; learned beta (mean over units) 0.50; completed 10 epochs
// day   return   forget  input  output  regime term  variance forecast
// -10    0.0 %    0.730  0.507   0.493       -0.002          9.24E-005
//  -2   -2.4 %    0.411  0.517   0.457       -1.327          1.89E-004
//  -1   -5.4 %    0.170  0.502   0.421       -3.021          3.48E-004
//   0  -22.8 %    0.061  0.487   0.388       -5.047          3.33E-003
//   1    5.2 %    0.158  0.474   0.555       -2.908          2.62E-003
//   2    8.7 %    0.081  0.421   0.562       -4.875          2.70E-003
//   5   -8.6 %    0.065  0.464   0.367       -4.838          3.33E-003
//  10    1.6 %    0.428  0.458   0.452       -0.874          2.24E-003
//  20    0.5 %    0.603  0.492   0.456       -0.252          1.33E-003
// mean forget gate over the 100 calm days 0.643; on the shock day 0.061
