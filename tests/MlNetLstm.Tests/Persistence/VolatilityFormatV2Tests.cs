using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Data;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Tests.Volatility.Neural;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Layout version 2 of MlNetLstm.LstmVolatilityForecaster (exogenous inputs and the GARCH input): tests/data/persistence/v2/
/// holds a file written by it and the forecasts it made. Written once by the code of that version (frozen; see the git history); never
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
