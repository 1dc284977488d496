using MlNetLstm.Evaluation;
using MlNetLstm.Features;
using MlNetLstm.Volatility;

namespace MlNetLstm.Tests.Evaluation;

/// <summary>The one EWMA recursion and start rule (<see cref="RiskMetrics"/>) and the implementations that call it.</summary>
public class RiskMetricsTests
{
    private static double[] Returns(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => 0.01 * (rng.NextDouble() - 0.5)).ToArray();
    }

    [Fact]
    public void Filter_is_the_recursion_from_the_given_start()
    {
        double[] x = [1, -2, 0.5];
        var h = new double[3];
        double last = RiskMetrics.Filter(x, 0.9, 4, h);
        h[0].Should().Be(0.9 * 4 + 0.1 * 1);
        h[1].Should().Be(0.9 * h[0] + 0.1 * 1 * 4);
        h[2].Should().Be(0.9 * h[1] + 0.1 * 0.5 * 0.5);
        last.Should().Be(h[2]);
        RiskMetrics.Filter([], 0.9, 4, []).Should().Be(4, "an empty input leaves the start");
        RiskMetrics.StartVariance([1, -2, 3]).Should().Be(14.0 / 3);
        RiskMetrics.Update(2, 3, 0.5).Should().Be(RiskMetrics.UpdateWithSquare(2, 9, 0.5)).And.Be(5.5);
    }

    [Fact]
    public void Bad_arguments_name_the_argument()
    {
        FluentActions.Invoking(() => RiskMetrics.Filter([1.0], 1.0, 1, new double[1])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("lambda");
        FluentActions.Invoking(() => RiskMetrics.Filter([1.0, 2], 0.9, 1, new double[1])).Should().Throw<ArgumentException>()
            .WithParameterName("destination").WithMessage("destination has 1 elements; it needs at least 2.*");
        FluentActions.Invoking(() => RiskMetrics.StartVariance([])).Should().Throw<ArgumentException>().WithParameterName("sample");
        FluentActions.Invoking(() => RiskMetrics.Forecast([])).Should().Throw<ArgumentException>().WithMessage("history is empty.*");
        FluentActions.Invoking(() => RiskMetrics.Forecast([0.1, double.NaN])).Should().Throw<ArgumentException>().WithMessage("history[1] is NaN*");
    }

    [Fact]
    public void Every_implementation_gives_the_same_numbers_as_the_one_recursion_and_start_rule()
    {
        double[] r = Returns(200, 7);
        double h0 = r.Sum(v => v * v) / r.Length;
        double expected = h0;
        foreach (double v in r) expected = 0.94 * expected + 0.06 * v * v;
        double forecast = RiskMetrics.Forecast(r);
        forecast.Should().BeApproximately(expected, 1e-14 * expected);

        // Forecasts from a history with nothing fitted: the "ewma" model and the walk-forward fallback (bit-identical).
        new EwmaVarianceModel().ForecastVariance(r, 2).Should().Equal(forecast, forecast);
        WalkForward.FallbackVariance(r).Should().Be(forecast);

        // A feature: start x_0², so the first output is x_0²; batch and streaming agree bit for bit.
        var batch = new double[r.Length];
        EwmaVariance.Compute(r, RiskMetrics.Lambda, batch);
        var expectedFeature = new double[r.Length];
        RiskMetrics.Filter(r, RiskMetrics.Lambda, r[0] * r[0], expectedFeature);
        batch.Should().Equal(expectedFeature);
        batch[0].Should().Be(r[0] * r[0]);
        var online = new OnlineEwmaVariance(RiskMetrics.Lambda);
        r.Select(online.Update).Should().Equal(batch);
    }

    [Fact]
    public void The_arch_style_ewma_process_starts_at_the_engine_backcast_the_mean_square_of_the_estimation_sample()
    {
        double[] r = Returns(300, 11);
        ArchFitResult fit = Arch.Create(r, mean: "zero", volatility: "ewma").Fit();
        (double[] e, double[] h) = fit.Filter(r);
        h[0].Should().Be(RiskMetrics.StartVariance(e));
        var expected = new double[e.Length - 1];
        RiskMetrics.Filter(e.AsSpan(0, e.Length - 1), RiskMetrics.Lambda, h[0], expected);
        h.Skip(1).Should().Equal(expected);
    }
}
