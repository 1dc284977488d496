using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility.Neural;

public class LstmVolatilityModelTests
{
    /// <summary>Markov regime-switching returns: calm sigma 0.5, turbulent sigma 2.5, persistent regimes.</summary>
    internal static double[] RegimeSwitching(int n, int seed, out bool[] turbulent)
    {
        var rng = new Random(seed);
        var r = new double[n];
        turbulent = new bool[n];
        bool state = false;
        for (int t = 0; t < n; t++)
        {
            if (rng.NextDouble() < (state ? 0.02 : 0.005)) state = !state;
            turbulent[t] = state;
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            r[t] = (state ? 2.5 : 0.5) * z;
        }
        return r;
    }

    // The defaults these tests were written for (issue 19 changed the anchor, the shrinkage and the regime form later).
    private static readonly LstmVolatilityOptions Fast = new() { Epochs = 12, HiddenSize = 8, SequenceLength = 96, BurnIn = 24, ContextLength = 96, Anchor = VolatilityAnchor.Blend, Shrinkage = CorrectionShrinkage.None, RegimeForm = RegimeTermForm.AbsoluteShock };

    [Fact]
    public void Same_seed_gives_identical_forecasts_whatever_the_thread_count()
    {
        double[] r = RegimeSwitching(1200, 1, out _);
        var one = new LstmVolatilityModel(Fast with { Threads = 1 }).Fit(r);
        var two = new LstmVolatilityModel(Fast with { Threads = 2 }).Fit(r);
        one.Network.Parameters.ToArray().Should().Equal(two.Network.Parameters.ToArray());
        one.ForecastVariance(r, 5).Should().Equal(two.ForecastVariance(r, 5));
        var other = new LstmVolatilityModel(Fast with { Seed = 99 }).Fit(r);
        other.Network.Parameters.ToArray().Should().NotEqual(one.Network.Parameters.ToArray());
    }

    [Fact]
    [Trait("Category", "Learning")]
    public void Learns_regime_switching_variance_better_than_its_ewma_anchor_out_of_sample()
    {
        double[] r = RegimeSwitching(5000, 2, out _);
        var fitted = new LstmVolatilityModel(Fast with { Epochs = 25 }).Fit(r.AsSpan(0, 3000));
        double lstm = 0, ewma = 0;
        double b = 1;
        double s2 = fitted.Scale * fitted.Scale;
        for (int t = 0; t < 3000; t++) b = 0.94 * b + 0.06 * r[t] * r[t] / s2;
        for (int t = 3000; t < 5000; t++)
        {
            double h = fitted.ForecastVariance(r.AsSpan(0, t), 1)[0];
            lstm += Math.Log(h) + r[t] * r[t] / h;
            ewma += Math.Log(b * s2) + r[t] * r[t] / (b * s2);
            b = 0.94 * b + 0.06 * r[t] * r[t] / s2;
        }
        // QLIKE (mean over 2000 out-of-sample days): the trained network must improve on the EWMA it starts from.
        (lstm / 2000).Should().BeLessThan(ewma / 2000 - 0.01, "training should learn the regime structure beyond the EWMA anchor");
        fitted.Training.BestEpoch.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Regime_term_equals_minus_beta_times_absolute_scaled_return_and_closes_the_forget_gate_on_a_shock()
    {
        double[] r = RegimeSwitching(800, 3, out _);
        var fitted = new LstmVolatilityModel(Fast with { Epochs = 3 }).Fit(r);
        double[] probe = r.Take(300).ToArray();
        probe[200] = 8 * fitted.Scale; // an 8-sigma shock
        VolatilityTelemetry tel = fitted.Explain(probe);
        double meanBeta = fitted.RegimeBeta.Average();
        meanBeta.Should().BeGreaterThan(0);
        for (int t = 0; t < probe.Length; t++)
        {
            double u = Math.Min(Math.Abs(probe[t] / fitted.Scale), 10);
            tel.RegimeTerm[t].Should().BeApproximately(-meanBeta * u, 1e-4 * (1 + u));
        }
        tel.ForgetGate[200].Should().BeLessThan(tel.ForgetGate[199] - 0.05, "a shock must close the forget gate");
        tel.Forecast.Should().OnlyContain(h => double.IsFinite(h) && h > 0);
    }

    [Fact]
    public void Plain_ablation_has_no_regime_term()
    {
        double[] r = RegimeSwitching(600, 4, out _);
        var fitted = new LstmVolatilityModel(Fast with { Epochs = 2, RegimeAdaptive = false }).Fit(r);
        fitted.Name.Should().Be("lstm");
        fitted.RegimeBeta.Should().BeEmpty();
        fitted.Explain(r).RegimeTerm.Should().OnlyContain(v => v == 0);
    }

    [Fact]
    public void Multi_step_forecasts_fade_towards_the_ewma_level()
    {
        double[] r = RegimeSwitching(800, 5, out _);
        var fitted = new LstmVolatilityModel(Fast with { Epochs = 3 }).Fit(r);
        double[] path = fitted.ForecastVariance(r, 200);
        path.Should().OnlyContain(h => double.IsFinite(h) && h > 0);
        double ratioFirst = Math.Abs(Math.Log(path[0] / path[199]));
        double ratioLate = Math.Abs(Math.Log(path[150] / path[199]));
        ratioLate.Should().BeLessThanOrEqualTo(ratioFirst + 1e-12);
    }

    [Fact]
    public void Extreme_magnitudes_and_zero_runs_give_finite_positive_forecasts()
    {
        double[] r = RegimeSwitching(700, 6, out _);
        double[] huge = r.Select(x => x * 1e30).ToArray();
        var fitted = new LstmVolatilityModel(Fast with { Epochs = 2 }).Fit(huge);
        fitted.ForecastVariance(huge, 3).Should().OnlyContain(h => double.IsFinite(h) && h > 0);
        double[] zeros = huge.Concat(new double[2000]).ToArray();
        fitted.ForecastVariance(zeros, 1).Should().OnlyContain(h => double.IsFinite(h) && h > 0);
    }

    [Fact]
    public void Bad_input_is_rejected_with_the_argument_and_problem_named()
    {
        var model = new LstmVolatilityModel(Fast);
        double[] r = RegimeSwitching(500, 7, out _);
        r[42] = double.NaN;
        model.Invoking(m => m.Fit(r)).Should().Throw<ArgumentException>().WithMessage("*returns[42] is NaN*");
        model.Invoking(m => m.Fit(new double[50])).Should().Throw<ArgumentException>().WithMessage("*needs at least SequenceLength + 1 = 97*");
        model.Invoking(m => m.Fit(new double[500])).Should().Throw<ArgumentException>().WithMessage("*all zero*");
        model.Invoking(m => m.Fit(ReadOnlySpan<double>.Empty)).Should().Throw<ArgumentException>().WithMessage("*empty*");
        Action badOption = () => new LstmVolatilityModel(Fast with { BurnIn = 200 });
        badOption.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BurnIn");
        var fitted = new LstmVolatilityModel(Fast with { Epochs = 1 }).Fit(RegimeSwitching(300, 8, out _));
        fitted.Invoking(f => f.ForecastVariance(new double[] { 1, 2 }, 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("horizon");
        fitted.Invoking(f => f.ForecastVariance(new double[] { 1, double.PositiveInfinity }, 1)).Should().Throw<ArgumentException>().WithMessage("*history[1] is Infinity*");
    }

    [Fact]
    public void Walk_forward_never_sees_the_future()
    {
        double[] r = RegimeSwitching(700, 9, out _);
        double[] perturbed = (double[])r.Clone();
        for (int t = 600; t < r.Length; t++) perturbed[t] *= 5;
        var options = new WalkForwardOptions { TrainSize = 400, RefitEvery = 100, TestSize = 300 };
        IVarianceModel[] models = [new LstmVolatilityModel(Fast with { Epochs = 2 })];
        WalkForwardReport a = WalkForward.Run(r, models, options);
        WalkForwardReport b = WalkForward.Run(perturbed, models, options);
        int k = a.Origins.ToList().IndexOf(600);
        a.Models[0].Forecasts.Take(k + 1).Should().Equal(b.Models[0].Forecasts.Take(k + 1));
        a.Models[0].Forecasts.Skip(k + 1).Should().NotEqual(b.Models[0].Forecasts.Skip(k + 1));
    }
}
