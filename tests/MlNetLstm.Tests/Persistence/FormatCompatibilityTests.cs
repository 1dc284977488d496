using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Ssa;
using MlNetLstm.Training;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Files written by every released format version must stay loadable. tests/data/persistence/v1/ holds one file per model
/// kind written by format version 1, with the predictions they made when written (expected.json). They are frozen: the code
/// that wrote them is in the git history, and a new layout gets its own folder (tests/data/persistence/write_fixtures.cs).
/// </summary>
public class FormatCompatibilityTests
{
    private const string Version = "v1";

    private static string FileOf(string name) => PersistenceTestData.File(Version, name);

    private static JsonArray Json(IEnumerable<double> v) => new(v.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());

    private static JsonArray Json(IEnumerable<float> v) => Json(v.Select(x => (double)x));

    private static readonly float[] NetworkInput = PersistenceFixtures.Random(2 * 5 * 3, 77);
    private static readonly float[] NetworkExtra = PersistenceFixtures.Random(2 * 5, 78);

    private static readonly Lazy<JsonElement> Expected = new(() => JsonDocument.Parse(File.ReadAllText(FileOf("expected.json"))).RootElement);

    private static JsonElement E(string kind, string what) => Expected.Value.GetProperty(kind).GetProperty(what);

    private static void Close(IEnumerable<double> actual, JsonElement expected, double relative, string what)
    {
        double[] a = actual.ToArray(), e = PersistenceTestData.Doubles(expected);
        a.Should().HaveCount(e.Length, what);
        for (int i = 0; i < e.Length; i++)
            Math.Abs(a[i] - e[i]).Should().BeLessThanOrEqualTo(relative * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: {a[i]} vs stored {e[i]}");
    }

    private static void Close(IEnumerable<float> actual, JsonElement expected, string what) => Close(actual.Select(x => (double)x), expected, 1e-5, what);

    [Fact]
    public void Version_1_files_of_every_kind_load_and_predict_what_they_predicted_when_written()
    {
        Expected.Value.GetProperty("format_version").GetInt32().Should().Be(1);

        var net = ModelSerializer.LoadRecurrentNetwork(FileOf("recurrent_network.mlnl"));
        Close(net.Forward(NetworkInput, 2, 5, NetworkExtra).Values.ToArray(), E("recurrent_network", "output"), "network output");
        // The container-level reader written into the network class itself reads the same file.
        RecurrentNetwork.FromArchive(ModelFile.Load(FileOf("recurrent_network.mlnl"))).Parameters.ToArray().Should().Equal(net.Parameters.ToArray());

        var f = ModelSerializer.LoadForecastModel(FileOf("lstm_forecast_model.mlnl"));
        Close(f.Predict(ForecastSeries.AsSpan(^8..)), E("lstm_forecast_model", "predict"), "forecaster predict");
        Close(f.Forecast(ForecastSeries, 5), E("lstm_forecast_model", "forecast5"), "forecaster forecast");

        var v = ModelSerializer.LoadVolatilityForecaster(FileOf("lstm_volatility_forecaster.mlnl"));
        Close(v.ForecastVariance(VolatilityReturns, 4), E("lstm_volatility_forecaster", "forecast_variance4"), 1e-5, "lstm variance");

        var g = ModelSerializer.LoadArchFit(FileOf("garch.mlnl")).Result;
        Close(g.Values, E("garch", "values"), 0, "garch parameters");
        Close(g.Forecast(10).ResidualVariance, E("garch", "variance10"), 1e-10, "garch variance");
        Close(g.Forecast(10).Mean, E("garch", "mean10"), 1e-10, "garch mean");
        Close(g.Forecast(ArchReturns.AsSpan(0, 500), 3).ResidualVariance, E("garch", "history_variance3"), 1e-10, "garch variance from a history");

        var s = ModelSerializer.LoadSsaForecaster(FileOf("ssa.mlnl"));
        Close(s.Forecast().Values, E("ssa", "forecast"), 1e-9, "ssa forecast");
        Close(s.Forecast().UpperBounds, E("ssa", "upper"), 1e-9, "ssa bounds");

        var h = ModelSerializer.LoadHarModel(FileOf("har.mlnl"));
        Close(h.Forecast(HarProxy, 5), E("har", "forecast5"), 1e-9, "har forecast");

        var c = TrainingCheckpoint.Load(FileOf("training_checkpoint.mlnl"));
        c.OptimizerSteps.Should().Be(E("training_checkpoint", "optimizer_steps").GetInt64());
        Close(c.AdamFirstMoment.ToArray(), E("training_checkpoint", "adam_m"), "adam m");
        Close(c.Network.Parameters.ToArray(), E("training_checkpoint", "parameters"), "checkpoint parameters");
    }

    [Fact]
    public void Every_kind_has_a_version_1_file_and_the_generic_loader_reads_them_all()
    {
        string[] files = Directory.GetFiles(PersistenceTestData.File(Version), "*.mlnl");
        var kinds = files.Select(p => ModelFile.Load(p).Kind).ToHashSet();
        kinds.Should().BeEquivalentTo(new[]
        {
            ModelKinds.RecurrentNetwork, ModelKinds.LstmForecastModel, ModelKinds.LstmVolatilityForecaster, ModelKinds.ArchFit,
            ModelKinds.SsaForecaster, ModelKinds.HarModel, ModelKinds.TrainingCheckpoint,
        });
        foreach (string p in files) ModelSerializer.Load(p).Should().NotBeNull(p);
    }
}
