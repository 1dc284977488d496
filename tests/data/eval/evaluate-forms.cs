#:project ../../../src/MlNetLstm/MlNetLstm.csproj
// First round of issue 19 (kept to reproduce results-seeds5.json / results-auto-seeds5.json; the second round is evaluate.cs):
// every regime-term form, the asymmetric input, the plain LSTM and the baselines on the
// nine daily series (tests/data/eval/*.csv and the two bundled series in tests/data/real), walk-forward like
// `mlnetlstm backtest` (rolling window min(2500, n/2), refit every 250, one-step QLIKE against r², the Blend anchor),
// per series and pooled. The decision rule it reports was fixed in README ("Accuracy across series") before the full run.
//
//   dotnet run tests/data/eval/evaluate-forms.cs -- [--seeds 5] [--threads 2] [--series DAX,SMI,...] [--lstms regime-abs,auto,...] [--out results.json]
// "auto" (not a default; added after the first run, see README) chooses per training window among the default LSTM
// ensemble, GJR, GARCH and EWMA by validation QLIKE on the window's last 20 % (ValidationSelectedVarianceModel).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility.Neural;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int seeds = 5, threads = 2;
string? only = null, outPath = null, lstmFilter = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seeds": seeds = int.Parse(args[++i]); break;
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--series": only = args[++i]; break;
        case "--out": outPath = args[++i]; break;
        case "--lstms": lstmFilter = args[++i]; break;
        default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
    }
}
string root = FindRoot();
var series = new List<(string Name, double[] Returns)>();
void Prices(string file, string column, string name)
{
    double[] p = CsvSeriesReader.ReadFile(Path.Combine(root, "tests/data/eval", file), column, new CsvSeriesOptions { RequirePositive = true }).ToArray();
    series.Add((name, PriceReturns.FromPrices(p)));
}
Prices("eustockmarkets.csv", "DAX", "DAX"); Prices("eustockmarkets.csv", "SMI", "SMI"); Prices("eustockmarkets.csv", "CAC", "CAC");
Prices("eustockmarkets.csv", "FTSE", "FTSE"); Prices("nysesw.csv", "nyse", "NYSE"); Prices("djia8012.csv", "djia", "DJIA");
Prices("msci_switzerland.csv", "msci", "MSCI-CH");
series.Add(("S&P500", CsvSeriesReader.ReadFile(Path.Combine(root, "tests/data/real/sp500dge.csv"), "sp500_ret").ToArray()));
series.Add(("DEM/GBP", CsvSeriesReader.ReadFile(Path.Combine(root, "tests/data/real/dem2gbp.csv"), "dem2gbp").ToArray()));
if (only is not null)
{
    var keep = only.Split(',');
    series = series.Where(s => keep.Contains(s.Name)).ToList();
}

// The reference is today's default lstm-regime (AbsoluteShock, no asymmetric input); every other LSTM is an ablation.
const string Reference = "regime-abs";
var o = new LstmVolatilityOptions { Anchor = VolatilityAnchor.Blend, Shrinkage = CorrectionShrinkage.None }; // the defaults of that round
var lstms = new (string Name, LstmVolatilityOptions Options)[]
{
    (Reference, o),
    ("regime-rel", o with { RegimeForm = RegimeTermForm.RelativeShock }),
    ("regime-lev", o with { RegimeForm = RegimeTermForm.Leverage }),
    ("regime-abs+asym", o with { AsymmetricInput = true }),
    ("regime-lev+asym", o with { RegimeForm = RegimeTermForm.Leverage, AsymmetricInput = true }),
    ("plain", o with { RegimeAdaptive = false }),
    ("plain+asym", o with { RegimeAdaptive = false, AsymmetricInput = true }),
    ("auto", o),
};
if (lstmFilter is not null)
{
    var keep = lstmFilter.Split(',');
    if (!keep.Contains(Reference)) throw new ArgumentException($"--lstms must include the reference {Reference}.");
    lstms = lstms.Where(l => keep.Contains(l.Name)).ToArray();
}
string[] baselines = ["garch", "gjr", "ewma", "har", "ssa"];
var all = new JsonArray();
var wall = Stopwatch.StartNew();
var dmVsRef = lstms.Skip(1).Select(l => l.Name).Concat(baselines).ToDictionary(n => n, _ => new List<(string, DieboldMarianoResult)>());
var dmVsBest = lstms.Select(l => l.Name).ToDictionary(n => n, _ => new List<(string, DieboldMarianoResult)>());
foreach (var (name, returns) in series)
{
    var models = new List<IVarianceModel>();
    IVarianceModel Ensemble(string n, LstmVolatilityOptions opt) =>
        new CombinedVarianceModel(n, Enumerable.Range(0, seeds).Select(k => new LstmVolatilityModel(opt with { Seed = opt.Seed + k })));
    foreach (var (n, opt) in lstms)
        models.Add(n == "auto"
            ? new ValidationSelectedVarianceModel(n, [Ensemble("lstm-regime", opt), ArchVarianceModel.Gjr(), ArchVarianceModel.Garch(), new EwmaVarianceModel()])
            : Ensemble(n, opt));
    models.AddRange([ArchVarianceModel.Garch(), ArchVarianceModel.Gjr(), new EwmaVarianceModel(), new HarVarianceModel(), new SsaVarianceModel()]);
    int train = Math.Min(2500, returns.Length / 2);
    var sw = Stopwatch.StartNew();
    WalkForwardReport report = WalkForward.Run(returns, models, new WalkForwardOptions
    {
        TrainSize = train, RefitEvery = 250, Threads = threads, InvalidForecasts = InvalidForecastPolicy.Fallback,
    });
    double[] proxy = report.Proxy.ToArray();
    string best = baselines.MinBy(b => report[b].Qlike)!;
    DieboldMarianoResult Dm(string a, string b) => DieboldMariano.Test(Loss.Qlike, report[a].Forecasts.ToArray(), report[b].Forecasts.ToArray(), proxy);
    var rows = new JsonArray();
    foreach (WalkForwardModelResult m in report.Models)
    {
        DieboldMarianoResult? vr = m.Name == Reference ? null : Dm(m.Name, Reference);
        DieboldMarianoResult? vb = m.Name == best ? null : Dm(m.Name, best);
        if (vr is not null && dmVsRef.ContainsKey(m.Name)) dmVsRef[m.Name].Add((name, vr));
        if (vb is not null && dmVsBest.ContainsKey(m.Name)) dmVsBest[m.Name].Add((name, vb));
        rows.Add(new JsonObject
        {
            ["model"] = m.Name, ["qlike"] = m.Qlike, ["fallbacks"] = m.FallbackCount,
            ["dmVsReference"] = vr?.Statistic, ["pVsReference"] = vr?.PValue, ["dmVsBestBaseline"] = vb?.Statistic, ["pVsBestBaseline"] = vb?.PValue,
        });
    }
    all.Add(new JsonObject
    {
        ["series"] = name, ["returns"] = returns.Length, ["train"] = train, ["forecasts"] = report.Origins.Count, ["bestBaseline"] = best,
        ["seconds"] = sw.Elapsed.TotalSeconds, ["models"] = rows,
    });
    Console.WriteLine($"\n{name}: {returns.Length} returns, train {train}, {report.Origins.Count} forecasts, best baseline {best}, {sw.Elapsed.TotalSeconds:F0} s");
    Console.WriteLine($"  {"model",-16} {"QLIKE",10} {"DM vs " + Reference,16} {"p",6} {"DM vs " + best,12} {"p",6} {"fallbacks",9}");
    foreach (JsonNode? r in rows)
        Console.WriteLine($"  {(string)r!["model"]!,-16} {(double)r["qlike"]!,10:F4} {Num(r["dmVsReference"]),16} {Num(r["pVsReference"], "F3"),6} {Num(r["dmVsBestBaseline"]),12} {Num(r["pVsBestBaseline"], "F3"),6} {(int)r["fallbacks"]!,9}");
}

// Pooled: Stouffer's combination of the per-series DM statistics, z = sum(DM_i) / sqrt(k) (two-sided p from the normal),
// with the counts of series where the model is ahead (DM < 0) and significantly behind (DM > 0, p < 0.05).
static JsonObject Pool(List<(string Series, DieboldMarianoResult Dm)> list)
{
    double z = list.Sum(x => x.Dm.Statistic) / Math.Sqrt(list.Count);
    return new JsonObject
    {
        ["series"] = list.Count, ["stoufferZ"] = z, ["p"] = 2 * NormalTail(Math.Abs(z)),
        ["ahead"] = list.Count(x => x.Dm.Statistic < 0), ["significantlyAhead"] = list.Count(x => x.Dm.Statistic < 0 && x.Dm.PValue < 0.05),
        ["significantlyBehind"] = list.Count(x => x.Dm.Statistic > 0 && x.Dm.PValue < 0.05),
    };
}
var pooled = new JsonObject();
Console.WriteLine($"\nPooled over {series.Count} series (Stouffer z of the DM statistics; ahead = DM < 0):");
foreach (var (n, list) in dmVsRef)
{
    var p = Pool(list); pooled["vsReference:" + n] = p;
    Console.WriteLine($"  {n,-16} vs {Reference}: z {(double)p["stoufferZ"]!,6:F2} (p {(double)p["p"]!:F3}), ahead on {p["ahead"]}, significantly ahead {p["significantlyAhead"]}, significantly behind {p["significantlyBehind"]}");
}
foreach (var (n, list) in dmVsBest)
{
    var p = Pool(list); pooled["vsBestBaseline:" + n] = p;
    Console.WriteLine($"  {n,-16} vs best baseline: z {(double)p["stoufferZ"]!,6:F2} (p {(double)p["p"]!:F3}), ahead on {p["ahead"]}, significantly ahead {p["significantlyAhead"]}, significantly behind {p["significantlyBehind"]}");
}
Console.WriteLine($"\nseeds {seeds} (42..{41 + seeds}), threads {threads}, total {wall.Elapsed.TotalSeconds:F0} s");
if (outPath is not null)
    File.WriteAllText(outPath, new JsonObject { ["seeds"] = seeds, ["seconds"] = wall.Elapsed.TotalSeconds, ["series"] = all, ["pooled"] = pooled }
        .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

static string Num(JsonNode? v, string f = "F2") => v is null ? "–" : ((double)v).ToString(f, CultureInfo.InvariantCulture);

// Upper tail of the standard normal, 1 - Phi(x).
static double NormalTail(double x) => 0.5 * Erfc(x / Math.Sqrt(2));

static double Erfc(double x)
{
    // Numerical Recipes erfcc (Chebyshev fit, fractional error < 1.2e-7).
    double z = Math.Abs(x), t = 1 / (1 + 0.5 * z);
    double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
}

static string FindRoot()
{
    for (string? d = Directory.GetCurrentDirectory(); d is not null; d = Path.GetDirectoryName(d))
        if (File.Exists(Path.Combine(d, "MlNetLstm.sln"))) return d;
    throw new DirectoryNotFoundException("Run from inside the repository (MlNetLstm.sln not found above the working directory).");
}
