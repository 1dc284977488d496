using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Persistence;
using MlNetLstm.Tests.Volatility.Neural;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Layout version 3 of MlNetLstm.LstmVolatilityForecaster (direct multi-horizon heads and the training loss,
/// <c>options/horizons</c> and <c>options/loss</c>): tests/data/persistence/v3/ holds a file written by it (three heads, Gaussian
/// NLL, GARCH anchor) and the forecasts it made. Written once by the code of layout 3 (frozen; see the git
/// history); never regenerated to "fix" this test. Files of versions 1 and 2 load with one
/// head and QLIKE.
/// </summary>
public class VolatilityFormatV3Tests
{
    private const string FixtureName = "lstm_volatility_forecaster_heads3_nll.mlnl";

    private static string FileOf(string name) => PersistenceTestData.File("v3", name);

    private static double[] Returns() => MultiHorizonTests.Garch(300, 12, 0.3, 0.5);

    private static JsonArray Json(IEnumerable<double> v) => new(v.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());

    [Fact]
    public void A_version_3_file_with_three_heads_and_the_gaussian_nll_loads_and_forecasts_what_it_forecast_when_written()
    {
        JsonElement expected = JsonDocument.Parse(File.ReadAllText(FileOf("expected.json"))).RootElement;
        ModelFile.Load(FileOf(FixtureName)).KindVersion.Should().Be(expected.GetProperty("kind_version").GetInt32()).And.Be(3);
        LstmVolatilityForecaster f = ModelSerializer.LoadVolatilityForecaster(FileOf(FixtureName));
        f.Options.Horizons.Should().Be(expected.GetProperty("horizons").GetInt32()).And.Be(3);
        f.Options.LossFunction.Should().Be(Loss.GaussianNll);
        f.Options.Anchor.Should().Be(VolatilityAnchor.Garch);
        f.Network.Spec.OutputSize.Should().Be(3);
        f.Training.TrainLoss.Should().Equal(PersistenceTestData.Doubles(expected.GetProperty("train_loss")), "losses are stored as written");
        f.Training.TrainLoss.Should().OnlyContain(v => v < -2, "Gaussian NLL in nats of returns of about 1%");
        double[] want = PersistenceTestData.Doubles(expected.GetProperty("forecast_variance5"));
        double[] got = f.ForecastVariance(Returns(), 5);
        for (int i = 0; i < want.Length; i++) got[i].Should().BeApproximately(want[i], 1e-5 * want[i], $"forecast {i}");
    }

    [Fact]
    public void Version_1_and_2_files_load_with_one_head_and_qlike()
    {
        LstmVolatilityForecaster v1 = ModelSerializer.LoadVolatilityForecaster(PersistenceTestData.File("v1", "lstm_volatility_forecaster.mlnl"));
        LstmVolatilityForecaster v2 = ModelSerializer.LoadVolatilityForecaster(PersistenceTestData.File("v2", "lstm_volatility_forecaster_exog_garch.mlnl"));
        foreach (LstmVolatilityForecaster f in new[] { v1, v2 })
        {
            f.Options.Horizons.Should().Be(1);
            f.Options.LossFunction.Should().Be(Loss.Qlike);
            f.Network.Spec.OutputSize.Should().Be(1);
        }
        // Re-saved, an old model is a version 3 file with the same meaning.
        LstmVolatilityForecaster again = ModelSerializer.ReadVolatilityForecaster(ModelFile.FromBytes(ModelFile.ToBytes(ModelSerializer.ToArchive(v1))));
        again.Options.Should().Be(v1.Options);
        again.ForecastVariance(VolatilityReturns, 4).Should().Equal(v1.ForecastVariance(VolatilityReturns, 4));
    }

    [Fact]
    public void Inconsistent_or_missing_head_and_loss_entries_are_rejected()
    {
        ModelArchive a = ModelSerializer.ToArchive(ModelSerializer.LoadVolatilityForecaster(FileOf(FixtureName)));
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(a, "options/horizons", b => b.AddScalar("options/horizons", 2))))
            .Should().Throw<InvalidDataException>().WithMessage("*stored network*O=3*does not match the stored options*O=2*");
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(a, "options/horizons", b => b.AddScalar("options/horizons", 0))))
            .Should().Throw<InvalidDataException>().WithMessage("*options are invalid*Horizons*");
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(a, "options/loss", b => b.AddText("options/loss", "Huber"))))
            .Should().Throw<InvalidDataException>().WithMessage("*'options/loss' = 'Huber' is not a known VolatilityLoss*");
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(a, "options/loss", null)))
            .Should().Throw<InvalidDataException>().WithMessage("*options/loss*");
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(a, "options/horizons", null, kindVersion: ModelKinds.CurrentVersion + 1)))
            .Should().Throw<InvalidDataException>().WithMessage("*version 5 is newer*");
    }
}
