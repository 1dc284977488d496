#:project ../../../src/MlNetLstm/MlNetLstm.csproj
// Accuracy evaluation of issue 19, second round: the anchor chosen per training window (EWMA / GARCH / GJR by validation
// QLIKE), shrinkage of the network's correction chosen on validation (w in {0, .25, .5, .75, 1}; w = 0 is the anchor alone),
// with ablations, on the nine daily series (tests/data/eval/*.csv and the two bundled series in tests/data/real). Walk-forward
// like `mlnetlstm backtest` (rolling window min(2500, n/2), refit every 250, one-step QLIKE against r²), five-seed ensembles.
// The decision rule is stated in README ("Accuracy across series", second round) and was committed before this ran.
//
//   dotnet run tests/data/eval/evaluate.cs -- [--seeds 5] [--threads 2] [--series DAX,SMI,...] [--out results.json] [--smoke]
//
// Each trained configuration is fitted once per window and seed; its shrinkage views (w chosen on validation, w = 1, w = 0)
// share that fit (LstmVolatilityForecaster.WithCorrectionWeight), so the views differ only in w, never in training.
// --smoke: 2 epochs, for checking the harness only (its numbers mean nothing).
using System.Collections.Concurrent;
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
bool smoke = false;
string? only = null, outPath = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seeds": seeds = int.Parse(args[++i]); break;
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--series": only = args[++i]; break;
        case "--out": outPath = args[++i]; break;
        case "--smoke": smoke = true; break;
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

// Trained configurations (every one fitted with Shrinkage = Validation, so the fit records the chosen w; the w = 1 and w = 0
// views of the same fit are the "no shrinkage" and "anchor alone" ablations). "old" is the first round's default.
var baseOptions = new LstmVolatilityOptions { Shrinkage = CorrectionShrinkage.Validation, Anchor = VolatilityAnchor.Blend, RegimeForm = RegimeTermForm.AbsoluteShock, RegimeAdaptive = true };
if (smoke) baseOptions = baseOptions with { Epochs = 2 };
var trained = new (string Name, LstmVolatilityOptions Options)[]
{
    ("blend", baseOptions),
    ("sel", baseOptions with { Anchor = VolatilityAnchor.Selected }),
    ("plain-sel", baseOptions with { Anchor = VolatilityAnchor.Selected, RegimeAdaptive = false }),
    ("rel-sel", baseOptions with { Anchor = VolatilityAnchor.Selected, RegimeForm = RegimeTermForm.RelativeShock }),
    ("lev-sel", baseOptions with { Anchor = VolatilityAnchor.Selected, RegimeForm = RegimeTermForm.Leverage }),
};
// Views: (row name, trained configuration, weight: null = the w chosen on validation, else that fixed w).
const string Candidate = "sel+shrink", Old = "old";
var views = new (string Name, string Trained, double? Weight)[]
{
    (Old, "blend", 1),                  // first-round default: Blend anchor, no shrinkage
    ("blend+shrink", "blend", null),    // shrinkage alone
    ("sel", "sel", 1),                  // anchor selection alone
    (Candidate, "sel", null),           // the candidate default: both
    ("sel-anchor", "sel", 0),           // the selected anchor alone (the network switched off)
    ("plain-sel+shrink", "plain-sel", null),
    ("rel-sel+shrink", "rel-sel", null),
    ("lev-sel+shrink", "lev-sel", null),
};
string[] baselines = ["garch", "gjr", "ewma", "har", "ssa"];
string[] lstmRows = views.Select(v => v.Name).ToArray();

var all = new JsonArray();
var wall = Stopwatch.StartNew();
var dm = new Dictionary<string, List<(string Series, DieboldMarianoResult Dm)>>();
void AddDm(string key, string s, DieboldMarianoResult r) { if (!dm.TryGetValue(key, out var l)) dm[key] = l = []; l.Add((s, r)); }
var chosenAnchors = new JsonObject();
foreach (var (name, returns) in series)
{
    var caches = trained.ToDictionary(t => t.Name, t => new FitCache(t.Options));
    var models = new List<IVarianceModel>();
    foreach (var (vn, tn, w) in views)
        models.Add(new CombinedVarianceModel(vn, Enumerable.Range(0, seeds).Select(k => (IVarianceModel)new CachedView($"{vn}#{k}", caches[tn], k, w))));
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
        var row = new JsonObject { ["model"] = m.Name, ["qlike"] = m.Qlike, ["fallbacks"] = m.FallbackCount };
        foreach (var (refName, key) in new[] { (best, "BestBaseline"), (Candidate, "Candidate"), (Old, "Old"), ("plain-sel+shrink", "Plain") })
        {
            if (m.Name == refName) continue;
            if (key == "Plain" && !lstmRows.Contains(m.Name)) continue;
            DieboldMarianoResult r = Dm(m.Name, refName);
            row["dmVs" + key] = r.Statistic; row["pVs" + key] = r.PValue;
            if (lstmRows.Contains(m.Name) || key != "BestBaseline") AddDm($"{m.Name} vs {(key == "BestBaseline" ? "best baseline" : refName)}", name, r);
        }
        rows.Add(row);
    }
    // Which anchor and weight the fits chose, per trained configuration (counts over windows and seeds).
    var choice = new JsonObject();
    foreach (var (tn, cache) in caches)
        choice[tn] = new JsonObject
        {
            ["anchor"] = JsonSerializer.SerializeToNode(cache.Fits.GroupBy(f => f.Inputs.Anchor.ToString()).ToDictionary(g => g.Key, g => g.Count())),
            ["weight"] = JsonSerializer.SerializeToNode(cache.Fits.GroupBy(f => f.CorrectionWeight.ToString("F2", CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count())),
        };
    chosenAnchors[name] = choice;
    all.Add(new JsonObject
    {
        ["series"] = name, ["returns"] = returns.Length, ["train"] = train, ["forecasts"] = report.Origins.Count, ["bestBaseline"] = best,
        ["seconds"] = sw.Elapsed.TotalSeconds, ["models"] = rows, ["choices"] = choice.DeepClone(),
    });
    Console.WriteLine($"\n{name}: {returns.Length} returns, train {train}, {report.Origins.Count} forecasts, best baseline {best}, {sw.Elapsed.TotalSeconds:F0} s");
    Console.WriteLine($"  {"model",-18} {"QLIKE",10} {"DM vs " + best,12} {"p",6} {"DM vs cand.",12} {"p",6} {"DM vs old",10} {"p",6} {"fallbacks",9}");
    foreach (JsonNode? r in rows)
        Console.WriteLine($"  {(string)r!["model"]!,-18} {(double)r["qlike"]!,10:F4} {Num(r["dmVsBestBaseline"]),12} {Num(r["pVsBestBaseline"], "F3"),6} {Num(r["dmVsCandidate"]),12} {Num(r["pVsCandidate"], "F3"),6} {Num(r["dmVsOld"]),10} {Num(r["pVsOld"], "F3"),6} {(int)r["fallbacks"]!,9}");
    foreach (var (tn, c) in choice) Console.WriteLine($"  fits of {tn}: anchors {c!["anchor"]!.ToJsonString()}, weights {c["weight"]!.ToJsonString()}");
}

// Pooled: Stouffer's combination of the per-series DM statistics, z = sum(DM_i) / sqrt(k) (two-sided p from the normal),
// with the counts of series where the row's model is ahead (DM < 0) and significantly ahead / behind (p < 0.05).
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
foreach (var (key, list) in dm)
{
    var p = Pool(list); pooled[key] = p;
    Console.WriteLine($"  {key,-40} z {(double)p["stoufferZ"]!,6:F2} (p {(double)p["p"]!:F3}), ahead {p["ahead"]}/{list.Count}, sig. ahead {p["significantlyAhead"]}, sig. behind {p["significantlyBehind"]}");
}
Console.WriteLine($"\nseeds {seeds} (42..{41 + seeds}), threads {threads}, total {wall.Elapsed.TotalSeconds:F0} s{(smoke ? " (SMOKE: 2 epochs, numbers meaningless)" : "")}");
if (outPath is not null)
    File.WriteAllText(outPath, new JsonObject { ["seeds"] = seeds, ["smoke"] = smoke, ["seconds"] = wall.Elapsed.TotalSeconds, ["series"] = all, ["pooled"] = pooled }
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

/// <summary>One fit per (window, seed) of a configuration, shared by its views. Thread-safe.</summary>
sealed class FitCache(LstmVolatilityOptions options)
{
    private readonly ConcurrentDictionary<(int Length, double First, double Last, double Sum, int Seed), Lazy<LstmVolatilityForecaster>> _fits = new();

    public IEnumerable<LstmVolatilityForecaster> Fits => _fits.Values.Select(l => l.Value);

    public LstmVolatilityForecaster Get(ReadOnlySpan<double> returns, int seedOffset)
    {
        double sum = 0;
        foreach (double r in returns) sum += r;
        double[] copy = returns.ToArray();
        return _fits.GetOrAdd((copy.Length, copy[0], copy[^1], sum, seedOffset),
            _ => new Lazy<LstmVolatilityForecaster>(() => new LstmVolatilityModel(options with { Seed = options.Seed + seedOffset }).Fit(copy),
                LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }
}

/// <summary>A view of a cached fit: the fitted forecaster with the w it chose (weight null) or a fixed w.</summary>
sealed class CachedView(string name, FitCache cache, int seedOffset, double? weight) : IVarianceModel
{
    public string Name => name;

    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns)
    {
        LstmVolatilityForecaster f = cache.Get(returns, seedOffset);
        return weight is double w ? f.WithCorrectionWeight(w) : f;
    }
}
