using MlNetLstm.Realized;

namespace MlNetLstm.Tests.Realized;

public class RealizedMeasuresTests
{
    private static readonly double[] R = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02];

    [Fact]
    public void Rv_subsampled_and_kernel_match_their_formulas_on_a_hand_example()
    {
        double rv = R.Sum(x => x * x);
        RealizedMeasures.Variance(R).Should().BeApproximately(rv, 1e-18);
        RealizedMeasures.Subsampled(R, 1).Should().BeApproximately(rv, 1e-18, "K = 1 is RV");
        // K = 2: overlapping 2-step returns at ends 2..6, scaled by m / (K (m - K + 1)) = 6 / 10.
        double[] two = [R[0] + R[1], R[1] + R[2], R[2] + R[3], R[3] + R[4], R[4] + R[5]];
        RealizedMeasures.Subsampled(R, 2).Should().BeApproximately(two.Sum(x => x * x) * 6.0 / 10.0, 1e-18);
        RealizedMeasures.Kernel(R, 0).Should().BeApproximately(rv, 1e-18, "H = 0 is RV");
        // H = 2: weights k(1/3) and k(2/3) of the Parzen kernel.
        double g1 = Enumerable.Range(1, 5).Sum(i => R[i] * R[i - 1]), g2 = Enumerable.Range(2, 4).Sum(i => R[i] * R[i - 2]);
        double k1 = 1 - 6.0 / 9 + 6.0 / 27, k2 = 2 * Math.Pow(1 - 2.0 / 3, 3);
        RealizedMeasures.Parzen(1.0 / 3).Should().BeApproximately(k1, 1e-15);
        RealizedMeasures.Parzen(2.0 / 3).Should().BeApproximately(k2, 1e-15);
        RealizedMeasures.Parzen(1.5).Should().Be(0);
        RealizedMeasures.Kernel(R, 2).Should().BeApproximately(Math.Max(0, rv + 2 * k1 * g1 + 2 * k2 * g2), 1e-18);
        RealizedMeasures.Estimate(R, RealizedEstimator.RealizedVariance).Should().Be(RealizedMeasures.Variance(R));
    }

    [Fact]
    public void Bad_arguments_name_what_is_wrong()
    {
        FluentActions.Invoking(() => RealizedMeasures.Subsampled(R, 7)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*subsample step*6*");
        FluentActions.Invoking(() => RealizedMeasures.Kernel(R, 6)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*bandwidth*5*");
        FluentActions.Invoking(() => RealizedMeasures.Variance([0.01, double.NaN])).Should().Throw<ArgumentException>().WithMessage("*returns*");
        FluentActions.Invoking(() => new IntradaySessionOptions { TimeZone = "Mars/Olympus" }.Validate()).Should().Throw<ArgumentException>().WithMessage("*Mars/Olympus*");
        FluentActions.Invoking(() => new IntradaySessionOptions { MinimumReturns = 0 }.Validate()).Should().Throw<ArgumentException>().WithMessage("*MinimumReturns*");
        FluentActions.Invoking(() => new SyntheticIntradayOptions { Seasonality = 2 }.Validate()).Should().Throw<ArgumentException>().WithMessage("*Seasonality*");
    }

    private static (double[] Rv, double[] Sub, double[] Rk, SyntheticIntradayData Data) Measure(SyntheticIntradayOptions o)
    {
        SyntheticIntradayData data = SyntheticIntraday.Generate(o);
        var days = IntradayDays.Build(data.TimesUtc, data.Prices, new IntradaySessionOptions { TimeZone = o.TimeZone, SessionOpen = o.SessionOpen, SessionClose = o.SessionClose });
        IntradayDays sub = IntradayDays.Build(data.TimesUtc, data.Prices, new IntradaySessionOptions { TimeZone = o.TimeZone, SessionOpen = o.SessionOpen, SessionClose = o.SessionClose, Estimator = RealizedEstimator.Subsampled });
        IntradayDays rk = IntradayDays.Build(data.TimesUtc, data.Prices, new IntradaySessionOptions { TimeZone = o.TimeZone, SessionOpen = o.SessionOpen, SessionClose = o.SessionClose, Estimator = RealizedEstimator.RealizedKernel });
        days.Rejected.Should().BeEmpty();
        days.Days.Should().Equal(data.Days.Skip(1), "every simulated day is a trading day; the first only starts the returns");
        return (days.Realized.ToArray(), sub.Realized.ToArray(), rk.Realized.ToArray(), data);
    }

    private static double MeanRatio(double[] est, IReadOnlyList<double> truth) => est.Select((e, i) => e / truth[i]).Average();

    [Fact]
    public void Without_noise_rv_measures_the_true_quadratic_variation_of_each_day()
    {
        // 1-minute prices, no noise: RV_d converges to IV_d + Σ J² (the quadratic variation); subsampled and kernel too.
        var o = new SyntheticIntradayOptions { Days = 201, IntervalMinutes = 1, StepsPerInterval = 2, Noise = 0, HalfDayProbability = 0, Seed = 5 };
        var (rv, sub, rk, data) = Measure(o);
        double[] qv = data.IntegratedVariance.Zip(data.JumpVariation, (a, b) => a + b).Skip(1).ToArray();
        data.JumpVariation.Count(j => j > 0).Should().BeGreaterThan(5, "the default intensity puts jumps on about one day in ten");
        MeanRatio(rv, qv).Should().BeApproximately(1.0, 0.03);
        MeanRatio(sub, qv).Should().BeApproximately(1.0, 0.05);
        MeanRatio(rk, qv).Should().BeApproximately(1.0, 0.05);
        Correlation(rv, qv).Should().BeGreaterThan(0.97);
        // The daily relative error of RV shrinks like sqrt(2 / m) (m = 390 returns): about 7 %, well under 15 %.
        Math.Sqrt(rv.Select((e, i) => Math.Pow(e / qv[i] - 1, 2)).Average()).Should().BeLessThan(0.15);
    }

    [Fact]
    public void With_microstructure_noise_rv_is_biased_and_the_subsampled_and_kernel_estimators_are_not()
    {
        // 1-minute prices with 5 bp noise: RV is biased by about 2 m ω² = 2·390·(5e-4)² = 1.95e-4, about 2.4x the mean IV (8e-5);
        // the sparse grid and the kernel remove most of it.
        var o = new SyntheticIntradayOptions { Days = 201, IntervalMinutes = 1, StepsPerInterval = 2, Noise = 5e-4, JumpIntensity = 0, HalfDayProbability = 0, Seed = 6 };
        var (rv, sub, rk, data) = Measure(o);
        double[] iv = data.IntegratedVariance.Skip(1).ToArray();
        double bias = 2 * 390 * 5e-4 * 5e-4;
        (rv.Average() - iv.Average()).Should().BeApproximately(bias, 0.1 * bias, "RV's noise bias is 2 m ω²");
        MeanRatio(rv, iv).Should().BeGreaterThan(2.5);
        MeanRatio(sub, iv).Should().BeInRange(0.9, 1.35);
        MeanRatio(rk, iv).Should().BeInRange(0.85, 1.15);
        Correlation(rk, iv).Should().BeGreaterThan(Correlation(rv, iv));
    }

    [Fact]
    public void The_generator_is_deterministic_and_seeds_differ()
    {
        var o = new SyntheticIntradayOptions { Days = 20 };
        SyntheticIntraday.Generate(o).Prices.Should().Equal(SyntheticIntraday.Generate(o).Prices);
        SyntheticIntraday.Generate(o with { Seed = 7 }).Prices.Should().NotEqual(SyntheticIntraday.Generate(o).Prices);
    }

    internal static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Count; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }
}
