using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility;

namespace MlNetLstm.Tests.Volatility;

public class ArchVarianceModelTests
{
    private static double[] Dem2Gbp([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return CsvSeriesReader.ReadFile(Path.Combine(dir!.FullName, "tests", "data", "real", "dem2gbp.csv"), "dem2gbp").ToArray();
    }

    [Fact]
    public void Garch_adapter_one_step_forecast_is_the_garch_recursion_on_the_filtered_history()
    {
        double[] r = Dem2Gbp();
        var fitted = (ArchVarianceForecaster)((IVarianceModel)ArchVarianceModel.Garch()).Fit(r.AsSpan(0, 1000));
        fitted.Fit.Convergence.Converged.Should().BeTrue();
        var p = fitted.Fit.Parameters;
        (double[] e, double[] h) = fitted.Fit.Filter(r.AsSpan(0, 1500));
        double expected = p["omega"] + p["alpha"] * e[^1] * e[^1] + p["beta"] * h[^1];
        fitted.ForecastVariance(r.AsSpan(0, 1500), 1)[0].Should().BeApproximately(expected, 1e-12 * expected);
        // Multi-step: h_{T+k} -> omega / (1 - alpha - beta) monotonically.
        double[] path = fitted.ForecastVariance(r.AsSpan(0, 1500), 200);
        double longRun = p["omega"] / (1 - p["alpha"] - p["beta"]);
        Math.Abs(path[199] - longRun).Should().BeLessThan(Math.Abs(path[0] - longRun));
    }

    [Fact]
    public void Named_adapters_fit_and_forecast_positive_finite_variances()
    {
        double[] r = Dem2Gbp();
        foreach (ArchVarianceModel m in new[] { ArchVarianceModel.Garch(), ArchVarianceModel.Gjr(), ArchVarianceModel.Egarch() })
        {
            IFittedVarianceModel f = ((IVarianceModel)m).Fit(r.AsSpan(0, 800));
            f.ForecastVariance(r.AsSpan(0, 900), 5).Should().OnlyContain(v => double.IsFinite(v) && v > 0, m.Name);
        }
        new[] { ArchVarianceModel.Garch().Name, ArchVarianceModel.Gjr().Name, ArchVarianceModel.Egarch().Name }.Should().Equal("garch", "gjr", "egarch");
    }

    [Fact]
    public void Ewma_is_the_riskmetrics_recursion()
    {
        double[] r = Dem2Gbp().Take(300).ToArray();
        var ewma = new EwmaVarianceModel();
        double h = r.Sum(x => x * x) / r.Length; // the start rule: mean r² of the history
        foreach (double x in r) h = 0.94 * h + 0.06 * x * x;
        IFittedVarianceModel f = ewma.Fit(r);
        f.ForecastVariance(r, 3).Should().HaveCount(3).And.OnlyContain(v => Math.Abs(v - h) <= 1e-13 * h);
        f.ForecastVariance(new double[500], 1)[0].Should().BePositive("an all-zero history still gives a positive variance");
    }

    [Fact]
    public void Bad_names_and_inputs_fail_early_with_clear_messages()
    {
        Action badProcess = () => new ArchVarianceModel("x", volatility: "figarch");
        badProcess.Should().Throw<ArgumentException>().WithMessage("*bad token 'figarch'*not a known volatility process*garch*");
        Action badLambda = () => new EwmaVarianceModel(1.5);
        badLambda.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("lambda");
        new EwmaVarianceModel().Invoking(e => e.ForecastVariance(new[] { 1.0, double.NaN }, 1)).Should().Throw<ArgumentException>().WithMessage("*history[1] is NaN*");
    }
}
