using System.Text.Json;
using MlNetLstm.Persistence;
using MlNetLstm.Volatility;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// tests/data/persistence/v5/ holds GARCH-family fits in layout 5 of <c>MlNetLstm.ArchFitResult</c> (each part stored by its
/// registered name and settings), one per built-in process family, with their answers (expected.json), written once by
/// tests/data/persistence/write_arch_v5.cs (a script, never a test). Every later version of the library must load them and
/// answer the same.
/// </summary>
public class ArchFormatV5Tests
{
    private static readonly Lazy<JsonElement> Expected =
        new(() => JsonDocument.Parse(File.ReadAllText(PersistenceTestData.File("v5", "expected.json"))).RootElement);

    [Theory]
    [InlineData("garch21_normal.mlnl")]
    [InlineData("ar1_gjr211_t.mlnl")]
    [InlineData("zero_egarch_ged.mlnl")]
    [InlineData("ewma097_skewt.mlnl")]
    public void Layout_5_files_load_to_the_same_model(string file)
    {
        Expected.Value.GetProperty("layout_version").GetInt32().Should().Be(5);
        JsonElement e = Expected.Value.GetProperty(file);
        string path = PersistenceTestData.File("v5", file);
        ModelFile.Load(path).KindVersion.Should().Be(5);
        ArchFitResult fit = ModelSerializer.LoadArchFit(path).Result;
        new ArchSpecification(fit.Model.Mean, fit.Model.Volatility, fit.Model.Distribution).ToString().Should().Be(e.GetProperty("specification").GetString());
        fit.Values.Should().Equal(PersistenceTestData.Doubles(e.GetProperty("values")));
        fit.LogLikelihood.Should().Be(e.GetProperty("log_likelihood").GetDouble());
        Close(fit.Forecast(10).Mean, PersistenceTestData.Doubles(e.GetProperty("mean10")), 1e-12, "mean");
        Close(fit.Forecast(10, new ForecastOptions { Simulations = 500 }).ReturnVariance, PersistenceTestData.Doubles(e.GetProperty("return_variance10")), 1e-10, "return variance");
    }

    private static void Close(IReadOnlyList<double> actual, double[] expected, double relative, string what)
    {
        actual.Should().HaveCount(expected.Length, what);
        for (int i = 0; i < expected.Length; i++)
            Math.Abs(actual[i] - expected[i]).Should().BeLessThanOrEqualTo(relative * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs stored {expected[i]}");
    }
}
