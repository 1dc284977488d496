using MlNetLstm.Evaluation;

namespace MlNetLstm.Tests.Evaluation;

public class DieboldMarianoTests
{
    [Fact]
    public void Statistic_MatchesHandComputation_WithAndWithoutHln()
    {
        double[] l1 = [1.0, 2.0, 0.5, 3.0, 1.5, 2.5];
        double[] l2 = [0.5, 1.0, 1.0, 1.0, 0.5, 2.0];
        var d = l1.Zip(l2, (a, b) => a - b).ToArray();
        double mean = d.Average();
        double g0 = d.Sum(v => (v - mean) * (v - mean)) / d.Length;
        double raw = mean / Math.Sqrt(g0 / d.Length);

        var plain = DieboldMariano.Test(l1, l2, new DieboldMarianoOptions { HarveyCorrection = false, Lags = 0 });
        plain.Statistic.Should().BeApproximately(raw, 1e-12);
        plain.MeanDifference.Should().BeApproximately(mean, 1e-15);
        plain.PValue.Should().BeApproximately(2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(raw)), 1e-12);

        var hln = DieboldMariano.Test(l1, l2, new DieboldMarianoOptions { Lags = 0 });
        int n = d.Length;
        hln.Statistic.Should().BeApproximately(raw * Math.Sqrt((n + 1 - 2 + 0.0) / n), 1e-12);
        hln.PValue.Should().BeApproximately(2 * MathNet.Numerics.Distributions.StudentT.CDF(0, 1, n - 1, -Math.Abs(hln.Statistic)), 1e-12);
        hln.PValue.Should().BeGreaterThan(plain.PValue, "the t(n-1) reference and HLN factor are more conservative");
        DieboldMariano.Test(l1, l2).Lags.Should().Be(NeweyWest.RuleOfThumbLags(n), "the default is max(h - 1, rule of thumb)");
        DieboldMariano.Test(new double[500], Enumerable.Range(0, 500).Select(i => (double)(i % 3)).ToArray(), new DieboldMarianoOptions { Horizon = 12 })
            .Lags.Should().Be(11);
    }

    [Fact]
    public void RejectionRate_IsNearNominal_UnderEqualAccuracy()
    {
        var rng = new Random(2024);
        const int reps = 400, n = 250;
        int rejections = 0;
        var l1 = new double[n];
        var l2 = new double[n];
        for (int rep = 0; rep < reps; rep++)
        {
            for (int t = 0; t < n; t++)
            {
                double e1 = EvalTestData.Normal(rng), e2 = EvalTestData.Normal(rng);
                l1[t] = e1 * e1;
                l2[t] = e2 * e2;
            }
            if (DieboldMariano.Test(l1, l2).PValue < 0.05) rejections++;
        }
        ((double)rejections / reps).Should().BeInRange(0.025, 0.075);
    }

    [Fact]
    public void RejectionRate_IsNearNominal_ForMultiStepOverlappingErrors()
    {
        // h = 3: the loss differential is MA(2); DM with h - 1 = 2 Newey-West lags and HLN should keep its size.
        var rng = new Random(77);
        const int reps = 400, n = 300, h = 3;
        int rejections = 0;
        var l1 = new double[n];
        var l2 = new double[n];
        var u = new double[n + h];
        var v = new double[n + h];
        for (int rep = 0; rep < reps; rep++)
        {
            for (int t = 0; t < n + h; t++) { u[t] = EvalTestData.Normal(rng); v[t] = EvalTestData.Normal(rng); }
            for (int t = 0; t < n; t++)
            {
                double e1 = u[t] + u[t + 1] + u[t + 2], e2 = v[t] + v[t + 1] + v[t + 2];
                l1[t] = e1 * e1;
                l2[t] = e2 * e2;
            }
            if (DieboldMariano.Test(l1, l2, new DieboldMarianoOptions { Horizon = h }).PValue < 0.05) rejections++;
        }
        ((double)rejections / reps).Should().BeInRange(0.025, 0.085);
    }

    [Fact]
    public void HasPower_WhenOneForecastIsClearlyBetter()
    {
        var rng = new Random(99);
        const int reps = 200, n = 250;
        int rejections = 0;
        var l1 = new double[n];
        var l2 = new double[n];
        for (int rep = 0; rep < reps; rep++)
        {
            for (int t = 0; t < n; t++)
            {
                double e1 = EvalTestData.Normal(rng), e2 = 0.75 * EvalTestData.Normal(rng);
                l1[t] = e1 * e1;
                l2[t] = e2 * e2;
            }
            var r = DieboldMariano.Test(l1, l2);
            if (r.PValue < 0.05 && r.Statistic > 0) rejections++;
        }
        ((double)rejections / reps).Should().BeGreaterThan(0.9);
    }

    [Fact]
    public void ConstantDifferential_GivesDefinedResult()
    {
        var same = DieboldMariano.Test([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]);
        same.Statistic.Should().Be(0);
        same.PValue.Should().Be(1);
        var shifted = DieboldMariano.Test([2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0]);
        shifted.PValue.Should().Be(0);
        double.IsPositiveInfinity(shifted.Statistic).Should().BeTrue();
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        FluentActions.Invoking(() => DieboldMariano.Test([1.0, 2.0, 3.0], [1.0, 2.0])).Should().Throw<ArgumentException>().WithMessage("*same length*");
        FluentActions.Invoking(() => DieboldMariano.Test([1.0, 2.0], [1.0, 2.0])).Should().Throw<ArgumentException>().WithMessage("*at least 3*");
        FluentActions.Invoking(() => DieboldMariano.Test([1.0, double.NaN, 3.0], [1.0, 2.0, 3.0])).Should().Throw<ArgumentException>().WithMessage("loss1[1]*");
        FluentActions.Invoking(() => DieboldMariano.Test(new double[10], new double[10], new DieboldMarianoOptions { Lags = 10 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Lags*");
    }
}
