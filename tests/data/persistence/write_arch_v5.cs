#:project ../../../src/MlNetLstm/MlNetLstm.csproj
// Writes the layout-5 fixtures of MlNetLstm.ArchFitResult (parts stored by registered name and settings) into
// tests/data/persistence/v5/, plus expected.json with what each model answered. ArchFormatV5Tests loads them and checks the
// answers, so later changes cannot silently break files of this layout.
//
//   dotnet run tests/data/persistence/write_arch_v5.cs            (from the repository root)
//
// It refuses to touch an existing folder: fixtures of a released layout are never regenerated (FORMAT.md, "Versioning policy").
using System.Text.Json.Nodes;
using MlNetLstm.Persistence;
using MlNetLstm.Volatility;

string folder = Path.Combine("tests", "data", "persistence", "v5");
if (!Directory.Exists(Path.Combine("tests", "data", "persistence"))) { Console.Error.WriteLine("Run from the repository root."); return 2; }
if (Directory.Exists(folder)) { Console.Error.WriteLine($"{folder} exists: fixtures of a released layout are never regenerated."); return 1; }
Directory.CreateDirectory(folder);

static double[] GarchReturns(int n, int seed)
{
    var rng = new Random(seed);
    var r = new double[n];
    double h = 0.05 / (1 - 0.98), e = 0;
    for (int t = 0; t < n; t++)
    {
        h = 0.05 + 0.08 * e * e + 0.9 * h;
        double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        e = Math.Sqrt(h) * z;
        r[t] = 0.02 + e;
    }
    return r;
}
static JsonArray Json(IEnumerable<double> v) => new(v.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());

var expected = new JsonObject { ["layout_version"] = ModelKinds.ArchFitVersion };
double[] returns = GarchReturns(800, 31);
// One fitted model per built-in process family, with every distribution and mean kind somewhere.
(string File, string Spec)[] models =
[
    ("garch21_normal.mlnl", "garch(2,1)"),
    ("ar1_gjr211_t.mlnl", "ar(1):gjr(2,1,1)-t"),
    ("zero_egarch_ged.mlnl", "zero:egarch(1,1,1)-ged"),
    ("ewma097_skewt.mlnl", "ewma(0.97)-skewt"),
];
foreach (var (file, text) in models)
{
    ArchFitResult fit = ArchSpecification.Parse(text).Create(returns).Fit();
    ModelSerializer.Save(Path.Combine(folder, file), fit);
    expected[file] = new JsonObject
    {
        ["specification"] = ArchSpecification.Parse(text).ToString(),
        ["values"] = Json(fit.Values),
        ["log_likelihood"] = fit.LogLikelihood,
        ["mean10"] = Json(fit.Forecast(10).Mean),
        ["return_variance10"] = Json(fit.Forecast(10, new ForecastOptions { Simulations = 500 }).ReturnVariance),
    };
}

File.WriteAllText(Path.Combine(folder, "expected.json"), expected.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"wrote {folder}");
return 0;
