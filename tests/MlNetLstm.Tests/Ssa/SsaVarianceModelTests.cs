using MlNetLstm.Ssa;
using MlNetLstm.Tests.Evaluation;

namespace MlNetLstm.Tests.Ssa;

public class SsaVarianceModelTests
{
    [Fact]
    public void Forecasts_ArePositive_AndTrackRecentVolatility()
    {
        var (r, _) = EvalTestData.Garch(1200, 21);
        var model = new SsaVarianceModel();
        model.Name.Should().Be("ssa");
        var fitted = model.Fit(r.AsSpan(0, 1000));
        var f = fitted.ForecastVariance(r.AsSpan(0, 1000), 10);
        f.Should().HaveCount(10).And.OnlyContain(x => x > 0 && double.IsFinite(x));

        // Same history except a calm or a turbulent last fortnight.
        var calm = r[..1000].ToArray();
        var wild = r[..1000].ToArray();
        for (int i = 986; i < 1000; i++) { calm[i] = 0.1 * Math.Sign(r[i]); wild[i] = 4.0 * Math.Sign(r[i]); }
        fitted.ForecastVariance(wild, 1)[0].Should().BeGreaterThan(3 * fitted.ForecastVariance(calm, 1)[0]);
    }

    [Fact]
    public void Forecast_DependsOnlyOnTheRecentTail_AndMatchesTheUnderlyingSsa()
    {
        var (r, _) = EvalTestData.Garch(800, 22);
        var options = new SsaOptions { WindowSize = 10, Rank = 2 };
        var model = new SsaVarianceModel(options, smoothingWindow: 3);
        var fitted = model.Fit(r.AsSpan(0, 600));
        var full = fitted.ForecastVariance(r.AsSpan(0, 700), 4);
        fitted.ForecastVariance(r.AsSpan(650, 50), 4).Should().Equal(full);

        // Independent reconstruction of the adapter's documented formula.
        double meanSq = r[..600].Average(x => x * x), eps = 0.01 * meanSq;
        double[] LogProxy(double[] x) => x.Select((_, t) => Math.Log(eps + x[Math.Max(0, t - 2)..(t + 1)].Average(v => v * v))).ToArray();
        var y = LogProxy(r[..600]);
        double scale = meanSq / y.Average(Math.Exp);
        var ssa = SsaForecaster.Fit(y, options);
        var yh = LogProxy(r[..700]);
        var expected = ssa.Forecast(yh, 4).Values.Select(v => Math.Max(scale * Math.Exp(v), 1e-3 * meanSq)).ToArray();
        for (int h = 0; h < 4; h++) full[h].Should().BeApproximately(expected[h], 1e-9 * expected[h]);
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        FluentActions.Invoking(() => new SsaVarianceModel(smoothingWindow: 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new SsaVarianceModel().Fit(new double[100])).Should().Throw<ArgumentException>().WithMessage("*all zero*");
        FluentActions.Invoking(() => new SsaVarianceModel().Fit(new double[10])).Should().Throw<ArgumentException>().WithMessage("returns*");
    }
}
