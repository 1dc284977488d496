using System.Text.Json;
using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// tests/data/persistence/v4/ holds one file of every kind in layout version 4 with the inputs each model was asked about and
/// its answers (expected.json), written once by tests/data/persistence/write_fixtures.cs (a script, never a test). Every later
/// version of the library must load them and answer the same.
/// </summary>
public class FormatV4Tests
{
    private static string FileOf(string name) => PersistenceTestData.File("v4", name);

    private static readonly Lazy<JsonElement> Expected = new(() => JsonDocument.Parse(File.ReadAllText(FileOf("expected.json"))).RootElement);

    private static JsonElement E(string kind, string what) => Expected.Value.GetProperty(kind).GetProperty(what);

    private static double[] D(string kind, string what) => PersistenceTestData.Doubles(E(kind, what));

    private static float[] F(string kind, string what) => PersistenceTestData.Floats(E(kind, what));

    private static void Close(IReadOnlyList<double> actual, double[] expected, double relative, string what)
    {
        actual.Should().HaveCount(expected.Length, what);
        for (int i = 0; i < expected.Length; i++)
            Math.Abs(actual[i] - expected[i]).Should().BeLessThanOrEqualTo(relative * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs stored {expected[i]}");
    }

    [Fact]
    public void Every_kind_has_a_layout_4_file()
    {
        Expected.Value.GetProperty("layout_version").GetInt32().Should().Be(4);
        var files = Directory.GetFiles(PersistenceTestData.File("v4"), "*.mlnl");
        foreach (string f in files) ModelFile.Load(f).KindVersion.Should().Be(4, f);
        files.Select(f => ModelFile.Load(f).Kind).Should().BeEquivalentTo(new[]
        {
            ModelKinds.RecurrentNetwork, ModelKinds.LstmForecastModel, ModelKinds.LstmVolatilityForecaster, ModelKinds.ArchFit,
            ModelKinds.SsaForecaster, ModelKinds.HarModel, ModelKinds.TrainingCheckpoint, ModelKinds.CombinedVarianceForecaster,
        });
    }

    [Fact]
    public void Layout_4_files_of_every_kind_load_and_answer_what_they_answered_when_written()
    {
        var net = ModelSerializer.LoadRecurrentNetwork(FileOf("recurrent_network.mlnl"));
        Close(net.Forward(F("recurrent_network", "input"), 2, 5, F("recurrent_network", "extra")).Values.ToArray().Select(x => (double)x).ToArray(),
            D("recurrent_network", "output"), 1e-6, "network output");

        var f = ModelSerializer.LoadForecastModel(FileOf("lstm_forecast_model.mlnl"));
        f.Options.CellType.Should().Be(CellType.Gru);
        Close(f.Forecast(F("lstm_forecast_model", "series"), 5).Select(x => (double)x).ToArray(), D("lstm_forecast_model", "forecast5"), 1e-5, "forecaster");

        var v = ModelSerializer.LoadVolatilityForecaster(FileOf("lstm_volatility_forecaster.mlnl"));
        (v.Options.Anchor, v.Options.LossFunction, v.Options.Horizons).Should().Be((VolatilityAnchor.Blend, Loss.GaussianNll, 2));
        Close(v.ForecastVariance(D("lstm_volatility_forecaster", "returns"), 4), D("lstm_volatility_forecaster", "forecast_variance4"), 1e-5, "lstm variance");

        StoredArchFit g = ModelSerializer.LoadArchFit(FileOf("garch.mlnl"));
        g.Result.Model.Volatility.Name.Should().Be("gjr");
        Close(g.Result.Values, D("garch", "values"), 0, "garch parameters");
        g.LogLikelihood.Should().Be(E("garch", "log_likelihood").GetDouble());
        Close(g.Result.Forecast(10).ResidualVariance, D("garch", "variance10"), 1e-12, "garch variance");

        SsaForecaster s = ModelSerializer.LoadSsaForecaster(FileOf("ssa.mlnl"));
        Close(s.Forecast().Values, D("ssa", "forecast"), 1e-12, "ssa forecast");
        Close(s.Forecast().UpperBounds, D("ssa", "upper"), 1e-12, "ssa bounds");
        SsaForecastEngine engine = s.CreateEngine();
        engine.Update(0.25);
        Close(engine.Forecast().Values, D("ssa", "after_update_0.25"), 1e-9, "adaptive ssa after an update");

        HarModel h = ModelSerializer.LoadHarModel(FileOf("har.mlnl"));
        Close(h.Forecast(D("har", "history"), 5), D("har", "forecast5"), 1e-12, "har forecast");
        Close(h.Regression.HacStandardErrors, D("har", "hac_se"), 0, "har HAC standard errors");

        TrainingCheckpoint c = TrainingCheckpoint.Load(FileOf("training_checkpoint.mlnl"));
        c.OptimizerSteps.Should().Be(E("training_checkpoint", "optimizer_steps").GetInt64()).And.BeGreaterThan(uint.MaxValue);
        Close(c.AdamSecondMoment.ToArray().Select(x => (double)x).ToArray(), D("training_checkpoint", "adam_v"), 0, "adam v");
        Close(c.Network.Parameters.ToArray().Select(x => (double)x).ToArray(), D("training_checkpoint", "parameters"), 0, "checkpoint parameters");

        var ensemble = ModelSerializer.LoadCombinedForecaster(FileOf("combined.mlnl"));
        Close(ensemble.ForecastVariance(D("lstm_volatility_forecaster", "returns"), 3), D("combined", "forecast_variance3"), 1e-5, "ensemble variance");
    }
}
