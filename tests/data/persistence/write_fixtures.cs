#:project ../../../src/MlNetLstm/MlNetLstm.csproj
// Writes the layout fixtures of tests/data/persistence/v<N>/: one model file per kind in the layout this library writes
// (ModelKinds.CurrentVersion), plus expected.json with the inputs each model was asked about and what it answered.
// FormatV4Tests loads them and checks the answers, so later layout changes cannot silently break these files.
//
//   dotnet run tests/data/persistence/write_fixtures.cs            (from the repository root)
//
// Run it once per new layout version, then commit the folder. It refuses to touch an existing folder: fixtures of a
// released layout are never regenerated (FORMAT.md, "Versioning policy").
using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Neural;
using MlNetLstm.Volatility.Processes;
using MlNetLstm.Training;

string folder = Path.Combine("tests", "data", "persistence", $"v{ModelKinds.CurrentVersion}");
if (!Directory.Exists(Path.Combine("tests", "data", "persistence"))) { Console.Error.WriteLine("Run from the repository root."); return 2; }
if (Directory.Exists(folder)) { Console.Error.WriteLine($"{folder} exists: fixtures of a released layout are never regenerated."); return 1; }
Directory.CreateDirectory(folder);
string FileOf(string name) => Path.Combine(folder, name);

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
static float[] Uniform(int n, int seed)
{
    var rng = new Random(seed);
    return Enumerable.Range(0, n).Select(_ => 2f * rng.NextSingle() - 1f).ToArray();
}
static JsonArray Json(IEnumerable<double> v) => new(v.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
static JsonArray JsonF(IEnumerable<float> v) => Json(v.Select(x => (double)x));

var expected = new JsonObject { ["layout_version"] = ModelKinds.CurrentVersion };

// Network: two LSTM layers with peepholes, coupled gates and the regime forget-gate modifier.
var spec = new RecurrentNetworkSpec { InputSize = 3, HiddenSize = 4, Layers = 2, Peepholes = true, CoupledGates = true, OutputSize = 2, ForgetGateModifier = new RegimeForgetModifier(1, 0.3f) };
RecurrentNetwork net = RecurrentNetwork.Create(spec, 100);
float[] input = Uniform(2 * 5 * 3, 77), extra = Uniform(2 * 5, 78);
ModelSerializer.Save(FileOf("recurrent_network.mlnl"), net);
expected["recurrent_network"] = new JsonObject { ["input"] = JsonF(input), ["extra"] = JsonF(extra), ["output"] = JsonF(net.Forward(input, 2, 5, extra).Values.ToArray()) };

// Forecaster: GRU, AdamW, cosine schedule (enums by name).
float[] series = Enumerable.Range(0, 120).Select(t => (float)(5 + Math.Sin(t / 3.0) + 0.3 * Math.Cos(t / 7.0))).ToArray();
LstmForecastModel f = LstmForecaster.Fit(series, new LstmForecasterOptions { WindowSize = 8, Horizon = 2, HiddenSize = 5, Epochs = 3, ValidationFraction = 0.2, Threads = 1, Seed = 7, CellType = CellType.Gru, Optimizer = OptimizerKind.AdamW, Schedule = LearningRateSchedule.Cosine });
ModelSerializer.Save(FileOf("lstm_forecast_model.mlnl"), f);
expected["lstm_forecast_model"] = new JsonObject { ["series"] = JsonF(series), ["forecast5"] = JsonF(f.Forecast(series, 5)) };

// Volatility forecaster: blend anchor (GARCH input), two direct heads, Gaussian NLL.
double[] volReturns = GarchReturns(400, 11);
LstmVolatilityForecaster v = new LstmVolatilityModel(new LstmVolatilityOptions
{
    HiddenSize = 4, SequenceLength = 48, BurnIn = 12, ContextLength = 60, Epochs = 2, BatchSize = 4, Threads = 1, Seed = 3,
    Anchor = VolatilityAnchor.Blend, Horizons = 2, LossFunction = Loss.GaussianNll,
}).Fit(volReturns);
ModelSerializer.Save(FileOf("lstm_volatility_forecaster.mlnl"), v);
expected["lstm_volatility_forecaster"] = new JsonObject { ["returns"] = Json(volReturns), ["forecast_variance4"] = Json(v.ForecastVariance(volReturns, 4)) };

// GARCH family: GJR(1,1,1) with Student's t, estimated.
double[] archReturns = GarchReturns(600, 21);
ArchFitResult g = ArchModel.Create(archReturns, new ConstantMean(), new GjrGarch(1, 1, 1), new StudentsT()).Fit();
ModelSerializer.Save(FileOf("garch.mlnl"), g);
expected["garch"] = new JsonObject { ["values"] = Json(g.Values), ["log_likelihood"] = g.LogLikelihood, ["variance10"] = Json(g.Forecast(10).ResidualVariance) };

// SSA: adaptive with discounting (the stored buffer drives later re-estimation).
double[] ssaSeries = Enumerable.Range(0, 160).Select(t => Math.Sin(t / 5.0) + 0.5 * Math.Sin(t / 13.0) + 0.05 * Math.Cos(t * 1.7)).ToArray();
SsaForecaster s = SsaForecaster.Fit(ssaSeries, new SsaOptions { WindowSize = 12, Rank = 4, TrainSize = 140, Horizon = 6, SeriesLength = 100, IsAdaptive = true, DiscountFactor = 0.99 });
ModelSerializer.Save(FileOf("ssa.mlnl"), s);
SsaForecastEngine engine = s.CreateEngine();
engine.Update(0.25);
expected["ssa"] = new JsonObject { ["forecast"] = Json(s.Forecast().Values), ["upper"] = Json(s.Forecast().UpperBounds), ["after_update_0.25"] = Json(engine.Forecast().Values) };

// HAR: log-HAR, direct, five horizons.
double[] proxy = GarchReturns(300, 31).Select(x => x * x).ToArray();
HarModel h = HarModel.Fit(proxy, new HarOptions { Log = true, ForecastMethod = HarForecastMethod.Direct, MaxHorizon = 5 });
ModelSerializer.Save(FileOf("har.mlnl"), h);
expected["har"] = new JsonObject { ["history"] = Json(proxy[^40..]), ["forecast5"] = Json(h.Forecast(proxy[^40..], 5)), ["hac_se"] = Json(h.Regression.HacStandardErrors) };

// Training checkpoint with a step count beyond 32 bits.
RecurrentNetwork cnet = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 3, OutputSize = 1 }, 17);
int p = cnet.ParameterCount;
TrainingCheckpoint.ReplayShuffle(5, 10, 3, true, out int[] order);
var c = new TrainingCheckpoint
{
    Network = cnet, AdamFirstMoment = Uniform(p, 18).Select(x => 0.01f * x).ToArray(), AdamSecondMoment = Uniform(p, 19).Select(Math.Abs).ToArray(),
    OptimizerSteps = (1L << 33) + 17, CompletedEpochs = 3, Seed = 5, ShuffleOrder = order, BestParameters = Uniform(p, 20), BestLoss = 0.25,
    BestEpoch = 1, EpochsSinceBest = 1, TrainingLoss = new[] { 0.5, 0.3, 0.31 }, ValidationLoss = new[] { 0.4, 0.25, 0.26 },
    LearningRates = new[] { 1e-3f, 1e-3f, 5e-4f },
    OptionsFingerprintText = TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { Seed = 5, Epochs = 10 }), DataFingerprintValue = 0xDEADBEEF,
};
c.Save(FileOf("training_checkpoint.mlnl"));
expected["training_checkpoint"] = new JsonObject { ["optimizer_steps"] = c.OptimizerSteps, ["adam_v"] = JsonF(c.AdamSecondMoment.ToArray()), ["parameters"] = JsonF(cnet.Parameters.ToArray()) };

// Seed ensemble of two volatility forecasters.
CombinedVarianceForecaster ensemble = LstmVolatilityModel.SeedEnsemble(new LstmVolatilityOptions
{
    HiddenSize = 3, SequenceLength = 40, BurnIn = 10, ContextLength = 50, Epochs = 1, BatchSize = 4, Threads = 1, Seed = 9,
}, 2).Fit(volReturns);
ModelSerializer.Save(FileOf("combined.mlnl"), ensemble);
expected["combined"] = new JsonObject { ["forecast_variance3"] = Json(ensemble.ForecastVariance(volReturns, 3)) };

File.WriteAllText(FileOf("expected.json"), expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine($"Wrote {Directory.GetFiles(folder).Length} files to {folder}.");
return 0;
