using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Data;
using MlNetLstm.Persistence;
using MlNetLstm.Tests.Volatility.Neural;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Layout version 2 of MlNetLstm.LstmVolatilityForecaster (exogenous inputs and the GARCH input): tests/data/persistence/v2/
/// holds a file written by it and the forecasts it made. Written once with MLNETLSTM_WRITE_PERSISTENCE_FIXTURES=1; never
/// regenerated to "fix" this test.
/// </summary>
public class VolatilityFormatV2Tests
{
    private static string FileOf(string name) => PersistenceTestData.File("v2", name);

    private static (double[] Returns, ExogenousSeries Exogenous) Data()
    {
        (double[] r, double[] iv) = ExogenousInputTests.StochasticVolatility(300, 12);
        return (r, ExogenousSeries.FromColumns([new("iv", iv), new("volume", iv.Select(v => 5e5 + 1e5 * v).ToArray())]));
    }

    [Fact]
    public void Writes_the_fixture_when_asked()
    {
        if (Environment.GetEnvironmentVariable("MLNETLSTM_WRITE_PERSISTENCE_FIXTURES") != "1") return;
        Directory.CreateDirectory(PersistenceTestData.File("v2"));
        (double[] r, ExogenousSeries x) = Data();
        LstmVolatilityForecaster f = new LstmVolatilityModel(new LstmVolatilityOptions
        {
            Epochs = 2, HiddenSize = 4, SequenceLength = 64, BurnIn = 16, ContextLength = 64, Anchor = VolatilityAnchor.Blend,
        }).Fit(r, x);
        ModelSerializer.Save(FileOf("lstm_volatility_forecaster_exog_garch.mlnl"), f);
        var expected = new JsonObject
        {
            ["kind_version"] = ModelKinds.LstmVolatilityForecasterVersion,
            ["forecast_variance4"] = new JsonArray(f.ForecastVariance(r, x, 4).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
        };
        File.WriteAllText(FileOf("expected.json"), expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    [Fact]
    public void A_version_2_file_with_exogenous_and_garch_inputs_loads_and_forecasts_what_it_forecast_when_written()
    {
        JsonElement expected = JsonDocument.Parse(File.ReadAllText(FileOf("expected.json"))).RootElement;
        (double[] r, ExogenousSeries x) = Data();
        LstmVolatilityForecaster f = ModelSerializer.LoadVolatilityForecaster(FileOf("lstm_volatility_forecaster_exog_garch.mlnl"));
        ModelFile.Load(FileOf("lstm_volatility_forecaster_exog_garch.mlnl")).KindVersion.Should().Be(expected.GetProperty("kind_version").GetInt32()).And.Be(2);
        f.ExogenousNames.Should().Equal("iv", "volume");
        f.Inputs.Garch.Should().NotBeNull();
        f.Inputs.Anchor.Should().Be(VolatilityAnchor.Blend);
        double[] want = PersistenceTestData.Doubles(expected.GetProperty("forecast_variance4"));
        double[] got = f.ForecastVariance(r, x, 4);
        for (int i = 0; i < want.Length; i++) got[i].Should().BeApproximately(want[i], 1e-5 * want[i], $"forecast {i}");
    }
}
