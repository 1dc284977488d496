using MlNetLstm.Evaluation;

namespace MlNetLstm.Tests.Evaluation;

public class VarBacktestTests
{
    private static readonly bool[] Hits = [false, true, true, false, false, false, true, true, false, false];

    private static double Chi1PValue(double x) => MathNet.Numerics.SpecialFunctions.Erfc(Math.Sqrt(x / 2));

    [Fact]
    public void Kupiec_MatchesHandComputedValue()
    {
        // n = 10, x = 4, α = 0.1: LR = -2[6 ln 0.9 + 4 ln 0.1 - 6 ln 0.6 - 4 ln 0.4]
        var k = VarBacktest.Kupiec(Hits, 0.1);
        k.Statistic.Should().BeApproximately(6.224773591661148, 1e-10);
        k.DegreesOfFreedom.Should().Be(1);
        k.PValue.Should().BeApproximately(Chi1PValue(6.224773591661148), 1e-10);
    }

    [Fact]
    public void Christoffersen_MatchesHandComputedValues()
    {
        // transitions: n00 = 3, n01 = 2, n10 = 2, n11 = 2
        var r = VarBacktest.Summarize(Hits, 0.1);
        (r.N00, r.N01, r.N10, r.N11).Should().Be((3, 2, 2, 2));
        r.Violations.Should().Be(4);
        r.Independence.Statistic.Should().BeApproximately(0.09001426417969327, 1e-10);
        r.Independence.PValue.Should().BeApproximately(Chi1PValue(0.09001426417969327), 1e-10);
        double cc = 6.224773591661148 + 0.09001426417969327;
        r.ConditionalCoverage.Statistic.Should().BeApproximately(cc, 1e-10);
        r.ConditionalCoverage.DegreesOfFreedom.Should().Be(2);
        r.ConditionalCoverage.PValue.Should().BeApproximately(Math.Exp(-cc / 2), 1e-10); // χ²(2) tail
    }

    [Fact]
    public void NoHits_IsHandledWithZeroLogZero()
    {
        var r = VarBacktest.Summarize(new bool[50], 0.01);
        // LR_uc = -2 · 50 · ln 0.99
        r.Kupiec.Statistic.Should().BeApproximately(-100 * Math.Log(0.99), 1e-12);
        r.Independence.Statistic.Should().Be(0);
        double.IsFinite(r.ConditionalCoverage.PValue).Should().BeTrue();
    }

    [Fact]
    public void Quantiles_UseDistributionAndVariance()
    {
        var q = VarBacktest.ValueAtRisk([4.0, 1.0], 0.01);
        q[0].Should().BeApproximately(2 * -2.3263478740408408, 1e-9);
        q[1].Should().BeApproximately(-2.3263478740408408, 1e-9);
        // Unit-variance t(5): the 1% quantile is t_5^{-1}(0.01) · sqrt(3/5) = -3.3649 · 0.7746.
        VarBacktest.ValueAtRisk([1.0], 0.01, StandardizedDistribution.StudentT(5))[0].Should().BeApproximately(-3.36493 * Math.Sqrt(0.6), 1e-4);
    }

    [Fact]
    public void CorrectVarianceForecasts_PassCoverage_WrongOnesFail()
    {
        var (r, v) = EvalTestData.Garch(5000, 3);
        var good = VarBacktest.Run(r, v, 0.05);
        good.HitRate.Should().BeApproximately(0.05, 0.01);
        good.Kupiec.PValue.Should().BeGreaterThan(0.01);
        var tooLow = VarBacktest.Run(r, v.Select(x => x * 0.5).ToArray(), 0.05);
        tooLow.Kupiec.PValue.Should().BeLessThan(1e-6);
        // A constant (unconditional) variance produces clustered hits: the independence test notices.
        double uncond = v.Average();
        var constant = VarBacktest.Run(r, Enumerable.Repeat(uncond, r.Length).ToArray(), 0.05);
        constant.Independence.Statistic.Should().BeGreaterThan(good.Independence.Statistic);
        constant.Independence.PValue.Should().BeLessThan(0.01);
        constant.ConditionalCoverage.PValue.Should().BeLessThan(0.05);
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        FluentActions.Invoking(() => VarBacktest.Kupiec(Hits, 1.5)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*alpha*");
        FluentActions.Invoking(() => VarBacktest.ValueAtRisk([1.0, -1.0], 0.05)).Should().Throw<ArgumentException>().WithMessage("varianceForecasts[1]*");
        FluentActions.Invoking(() => VarBacktest.Hits([1.0], [1.0, 2.0])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => StandardizedDistribution.StudentT(2)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
