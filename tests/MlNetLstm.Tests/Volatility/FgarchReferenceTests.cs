using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using MlNetLstm.Volatility;

namespace MlNetLstm.Tests.Volatility;

/// <summary>Against R fGarch golden values (tests/data/garch/generate_reference.R → fgarch_reference.json).</summary>
public class FgarchReferenceTests
{
    private static JsonObject Reference([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "tests", "data", "garch", "fgarch_reference.json")))!.AsObject();
    }

    private static void Relative(double actual, double expected, double tolerance, string what) =>
        Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(tolerance * Math.Abs(expected), what);

    [Fact]
    public void Normal_fit_conditional_variances_and_forecasts_match_fgarch()
    {
        JsonObject r = Reference();
        ArchFitResult fit = Arch.Create(GarchTestData.Dem2Gbp).Fit();
        JsonNode p = r["normal"]!["parameters"]!;
        Relative(fit.Parameters["mu"], (double)p["mu"]!, 1e-5, "mu");
        Relative(fit.Parameters["omega"], (double)p["omega"]!, 1e-5, "omega");
        Relative(fit.Parameters["alpha"], (double)p["alpha1"]!, 1e-5, "alpha");
        Relative(fit.Parameters["beta"], (double)p["beta1"]!, 1e-5, "beta");
        fit.LogLikelihood.Should().BeApproximately((double)r["normal"]!["logLikelihood"]!, 1e-6);

        double[] first = r["normalConditionalVarianceFirst10"]!.AsArray().Select(v => (double)v!).ToArray();
        double[] last = r["normalConditionalVarianceLast10"]!.AsArray().Select(v => (double)v!).ToArray();
        for (int i = 0; i < 10; i++)
        {
            Relative(fit.ConditionalVariances[i], first[i], 2e-5, $"h[{i}]");
            Relative(fit.ConditionalVariances[fit.ConditionalVariances.Count - 10 + i], last[i], 2e-5, $"h[n-{10 - i}]");
        }

        double[] sd = r["normalForecastStdDev10"]!.AsArray().Select(v => (double)v!).ToArray();
        ArchForecast f = fit.Forecast(10);
        for (int k = 0; k < 10; k++) Relative(Math.Sqrt(f.ResidualVariance[k]), sd[k], 2e-5, $"forecast sd step {k + 1}");
    }

    [Fact]
    public void Ged_fit_matches_fgarch()
    {
        JsonObject r = Reference();
        ArchFitResult fit = Arch.Create(GarchTestData.Dem2Gbp, "constant", "garch", "ged").Fit();
        JsonNode p = r["ged"]!["parameters"]!;
        Relative(fit.Parameters["omega"], (double)p["omega"]!, 2e-3, "omega");
        Relative(fit.Parameters["alpha"], (double)p["alpha1"]!, 2e-3, "alpha");
        Relative(fit.Parameters["beta"], (double)p["beta1"]!, 1e-3, "beta");
        Relative(fit.Parameters["nu"], (double)p["shape"]!, 1e-3, "shape");
        fit.Parameters["mu"].Should().BeApproximately((double)p["mu"]!, 2e-4, "mu is tiny and weakly identified");
        fit.LogLikelihood.Should().BeApproximately((double)r["ged"]!["logLikelihood"]!, 1e-3);
    }
}
