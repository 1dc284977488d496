using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Tests.Volatility;

public class GradientAndForecastTests
{
    public static TheoryData<string> Models => new() { "constant-garch-normal", "ar1-garch-t", "constant-gjr-normal", "zero-ewma-normal" };

    private static (ArchModel Model, double[] Theta) Build(string spec)
    {
        var y = GarchTestData.Dem2Gbp;
        return spec switch
        {
            "constant-garch-normal" => (ArchModel.Create(y, new ConstantMean(), new Garch(), new Normal()), new[] { 0.01, 0.02, 0.12, 0.8 }),
            "ar1-garch-t" => (ArchModel.Create(y, new ArMean(1), new Garch(), new StudentsT()), new[] { 0.01, 0.05, 0.02, 0.12, 0.8, 6.0 }),
            "constant-gjr-normal" => (ArchModel.Create(y, new ConstantMean(), new GjrGarch(), new Normal()), new[] { -0.01, 0.02, 0.1, 0.05, 0.8 }),
            _ => (ArchModel.Create(y, new ConstantMean(), new Ewma(), new Normal()), new[] { 0.02 }),
        };
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void AnalyticGradientMatchesCentralDifferences(string spec)
    {
        var (model, theta) = Build(spec);
        var analytic = model.Gradient(theta);
        var numeric = model.NumericalGradient(theta);
        for (int i = 0; i < theta.Length; i++)
        {
            analytic[i].Should().BeApproximately(numeric[i], 1e-4 * Math.Max(1, Math.Abs(numeric[i])), $"parameter {model.Parameters[i].Name}");
        }
    }

    [Fact]
    public void AnalyticGarchForecastMatchesMonteCarloAverage()
    {
        var fit = Arch.Fit(GarchTestData.Dem2Gbp);
        var analytic = fit.Forecast(10).ResidualVariance;
        var simulated = fit.Forecast(10, new ForecastOptions { Method = ForecastMethod.Simulation, Simulations = 20000, Seed = 7 }).ResidualVariance;
        simulated[0].Should().BeApproximately(analytic[0], 1e-12); // one step ahead is deterministic
        for (int k = 1; k < 10; k++)
        {
            simulated[k].Should().BeApproximately(analytic[k], 0.03 * analytic[k]);
        }

        // Multi-step forecasts revert towards omega / (1 - alpha - beta).
        double uncond = fit.Parameters["omega"] / (1 - fit.Parameters["alpha"] - fit.Parameters["beta"]);
        Math.Abs(analytic[9] - uncond).Should().BeLessThan(Math.Abs(analytic[0] - uncond));
    }

    [Fact]
    public void SimulationForecastIsReproducibleForTheSameSeed()
    {
        var fit = ArchModel.Create(GarchTestData.Dem2Gbp, new ConstantMean(), new Egarch(), new Normal()).Fit();
        var o = new ForecastOptions { Simulations = 500, Seed = 3 };
        fit.Forecast(5, o).ResidualVariance.Should().Equal(fit.Forecast(5, o).ResidualVariance);
        fit.Forecast(5, o with { Method = ForecastMethod.Bootstrap }).ResidualVariance.Should().OnlyContain(v => v > 0 && double.IsFinite(v));
    }
}
