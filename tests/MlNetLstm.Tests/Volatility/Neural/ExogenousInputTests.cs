using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility.Neural;

/// <summary>Exogenous series and the hybrid GARCH input of the LSTM volatility models, end to end.</summary>
public class ExogenousInputTests
{
    // The defaults these tests were written for (issue 19 changed the anchor, the shrinkage and the regime form later).
    private static readonly LstmVolatilityOptions Fast = new() { Epochs = 12, HiddenSize = 8, SequenceLength = 96, BurnIn = 24, ContextLength = 96, Anchor = VolatilityAnchor.Blend, Shrinkage = CorrectionShrinkage.None, RegimeForm = RegimeTermForm.AbsoluteShock };

    /// <summary>
    /// Stochastic volatility r_t = exp(a_t) z_t with a persistent AR(1) log-volatility a_t, and an "implied volatility" column
    /// iv_t = a_{t+1} + noise published at the close of day t: it announces tomorrow's variance, which returns alone cannot.
    /// </summary>
    internal static (double[] Returns, double[] ImpliedVol) StochasticVolatility(int n, int seed, double noise = 0.1)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var a = new double[n + 1];
        for (int t = 1; t <= n; t++) a[t] = 0.9 * a[t - 1] + 0.45 * Normal();
        var r = new double[n];
        var iv = new double[n];
        for (int t = 0; t < n; t++)
        {
            r[t] = 0.01 * Math.Exp(a[t]) * Normal();
            iv[t] = a[t + 1] + noise * Normal();
        }
        return (r, iv);
    }

    private static double OutOfSampleQlike(LstmVolatilityForecaster f, double[] r, ExogenousSeries? x, int from, int to)
    {
        double q = 0;
        for (int t = from; t < to; t++)
        {
            double h = f.ForecastVariance(r.AsSpan(0, t), x?.Slice(0, t), 1)[0];
            q += Math.Log(h) + r[t] * r[t] / h;
        }
        return q / (to - from);
    }

    [Fact]
    [Trait("Category", "Learning")]
    public void An_exogenous_series_that_announces_the_next_variance_is_learned()
    {
        (double[] r, double[] iv) = StochasticVolatility(4000, 3);
        var x = ExogenousSeries.FromColumn("iv", iv);
        var options = Fast with { Epochs = 25 };
        LstmVolatilityForecaster with = new LstmVolatilityModel(options).Fit(r.AsSpan(0, 2500), x.Slice(0, 2500));
        LstmVolatilityForecaster without = new LstmVolatilityModel(options).Fit(r.AsSpan(0, 2500));
        with.ExogenousNames.Should().Equal("iv");
        with.Network.Spec.InputSize.Should().Be(5, "u, |u|, log ewma, log garch (default blend anchor), iv");
        double qWith = OutOfSampleQlike(with, r, x, 2500, 4000);
        double qWithout = OutOfSampleQlike(without, r, null, 2500, 4000);
        // The column carries tomorrow's log-volatility (correlation ~0.97 with it): out of sample it must be worth far more
        // than the returns-only model can infer from the past (QLIKE difference ~ mean log-variance error).
        qWith.Should().BeLessThan(qWithout - 0.5, $"with iv {qWith:F4}, returns only {qWithout:F4}");
    }

    [Fact]
    public void Forecasting_needs_exactly_the_fitted_columns()
    {
        (double[] r, double[] iv) = StochasticVolatility(400, 4);
        var x = ExogenousSeries.FromColumn("iv", iv);
        LstmVolatilityForecaster f = new LstmVolatilityModel(Fast with { Epochs = 1 }).Fit(r, x);
        f.Invoking(m => m.ForecastVariance(r, 1)).Should().Throw<ArgumentException>().WithParameterName("exogenousHistory").WithMessage("*fitted with the exogenous columns iv*");
        f.Invoking(m => m.ForecastVariance(r, ExogenousSeries.FromColumn("vix", iv), 1)).Should().Throw<ArgumentException>().WithMessage("*columns are vix*fitted with iv*");
        f.Invoking(m => m.ForecastVariance(r, x.Slice(0, 399), 1)).Should().Throw<ArgumentException>().WithMessage("*399 rows*400*");
        f.Invoking(m => m.Explain(r)).Should().Throw<ArgumentException>().WithParameterName("exogenous");
        f.ForecastVariance(r, x, 3).Should().OnlyContain(v => double.IsFinite(v) && v > 0);

        LstmVolatilityForecaster plain = new LstmVolatilityModel(Fast with { Epochs = 1 }).Fit(r);
        plain.Invoking(m => m.ForecastVariance(r, x, 1)).Should().Throw<ArgumentException>().WithMessage("*fitted without exogenous inputs*iv*");
        new LstmVolatilityModel(Fast).Invoking(m => m.Fit(r, x.Slice(0, 300))).Should().Throw<ArgumentException>().WithParameterName("exogenous");
    }

    [Fact]
    public void Exogenous_rows_are_standardised_with_the_training_window_and_a_constant_column_is_harmless()
    {
        (double[] r, double[] iv) = StochasticVolatility(400, 5);
        var x = ExogenousSeries.FromColumns([new("iv", iv.Select(v => 100 + 7 * v).ToArray()), new("flag", new double[400])]);
        LstmVolatilityForecaster f = new LstmVolatilityModel(Fast with { Epochs = 1 }).Fit(r, x);
        f.Inputs.ExogenousMeans[0].Should().BeApproximately(100 + 7 * iv.Average(), 1e-9);
        double sd = Math.Sqrt(iv.Select(v => (v - iv.Average()) * (v - iv.Average())).Average());
        f.Inputs.ExogenousScales[0].Should().BeApproximately(7 * sd, 1e-9);
        f.Inputs.ExogenousScales[1].Should().Be(1, "a column constant in the training window is centred, not divided by zero");
        f.Inputs.InputNames.Should().Equal("u", "|u|", "log ewma", "log garch", "iv", "flag"); // the default blend anchor brings the GARCH input
        f.ForecastVariance(r, x, 1)[0].Should().BePositive();
    }

    [Fact]
    public void Walk_forward_passes_each_model_the_aligned_rows_and_never_the_future()
    {
        (double[] r, double[] iv) = StochasticVolatility(700, 6);
        var x = ExogenousSeries.FromColumn("iv", iv);
        double[] perturbed = (double[])iv.Clone();
        for (int t = 600; t < perturbed.Length; t++) perturbed[t] += 3;
        WalkForwardOptions Options(ExogenousSeries e, int threads = 1) => new() { TrainSize = 400, RefitEvery = 100, TestSize = 300, Exogenous = e, Threads = threads };
        var options = Options(x);
        IVarianceModel[] models = [new LstmVolatilityModel(Fast with { Epochs = 2 })];
        WalkForwardReport a = WalkForward.Run(r, models, options);
        WalkForwardReport b = WalkForward.Run(r, models, Options(ExogenousSeries.FromColumn("iv", perturbed)));
        int k = a.Origins.ToList().IndexOf(600);
        // The forecast made at origin t reads rows < t: changing rows from 600 on leaves origins up to 600 unchanged.
        a.Models[0].Forecasts.Take(k + 1).Should().Equal(b.Models[0].Forecasts.Take(k + 1));
        a.Models[0].Forecasts.Skip(k + 1).Should().NotEqual(b.Models[0].Forecasts.Skip(k + 1));

        var recorder = new RecordingModel("uses", usesExogenous: true);
        var ignorer = new RecordingModel("ignores", usesExogenous: false);
        WalkForward.Run(r, [recorder, ignorer], Options(x));
        recorder.Fits.Should().HaveCount(3).And.OnlyContain(f => f.Exogenous != null && f.Exogenous.Count == f.Returns.Length);
        recorder.Fits[1].Exogenous![0, 0].Should().Be(iv[100], "the second rolling window starts at return 100");
        recorder.Forecasts.Should().OnlyContain(f => f.Exogenous != null && f.Exogenous.Count == f.Returns.Length);
        ignorer.Fits.Should().OnlyContain(f => f.Exogenous == null);

        FluentActions.Invoking(() => WalkForward.Run(r, models, Options(x.Slice(0, 699))))
            .Should().Throw<ArgumentException>().WithMessage("*699 rows*700*");
    }

    [Fact]
    public void Garch_input_is_the_one_step_forecast_of_a_garch_fitted_on_the_scaled_training_window()
    {
        (double[] r, _) = StochasticVolatility(800, 7);
        LstmVolatilityForecaster f = new LstmVolatilityModel(Fast with { Epochs = 1, Anchor = VolatilityAnchor.Ewma, GarchFeature = true }).Fit(r);
        f.Network.Spec.InputSize.Should().Be(4);
        f.Inputs.InputNames.Should().Equal("u", "|u|", "log ewma", "log garch");
        double[] u = r.Select(v => v / f.Scale).ToArray();
        ArchFitResult reference = Arch.Fit(u);
        GarchFeatureParameters g = f.Inputs.Garch!;
        g.Omega.Should().Be(reference.Parameters["omega"]);
        g.Alpha.Should().Be(reference.Parameters["alpha"]);
        g.Beta.Should().Be(reference.Parameters["beta"]);
        (_, double[] h) = reference.Filter(u);
        LstmVolatilityInputs.State s = f.Inputs.Start();
        var x = new float[4];
        for (int t = 0; t < 799; t++)
        {
            f.Inputs.Advance(ref s, r[t]);
            s.GarchVar.Should().BeApproximately(h[t + 1], 1e-9 * h[t + 1], $"h_(t+1) at t = {t}");
            f.Inputs.Features(r[t], s, default, x);
            x[3].Should().BeApproximately((float)Math.Log(h[t + 1]), 1e-5f);
        }
    }

    [Theory]
    [InlineData(VolatilityAnchor.Ewma)]
    [InlineData(VolatilityAnchor.Garch)]
    [InlineData(VolatilityAnchor.Blend)]
    public void With_a_zero_head_the_forecast_path_is_the_anchor_path(VolatilityAnchor anchor)
    {
        (double[] r, _) = StochasticVolatility(900, 9);
        LstmVolatilityForecaster trained = new LstmVolatilityModel(Fast with { Epochs = 1, Anchor = anchor }).Fit(r.AsSpan(0, 800));
        float[] p = trained.Network.Parameters.ToArray();
        foreach (string name in new[] { "head.weight", "head.bias" })
            p.AsSpan(trained.Network.Layout[name].Offset, trained.Network.Layout[name].Length).Clear();
        var zeroHead = new LstmVolatilityForecaster(trained.Name, trained.Options, trained.Network.WithParameters(p), trained.Inputs, trained.Training);
        double s2 = trained.Scale * trained.Scale;
        double[] u = r.Select(v => v / trained.Scale).ToArray();
        double b = 1;
        foreach (double x in u) b = Math.Max(1e-6, 0.94 * b + 0.06 * x * x);
        double[] ewma = [b, b, b, b];
        double[] garch = anchor == VolatilityAnchor.Ewma ? ewma
            : Arch.Create(u.AsSpan(0, 800)).FixedParameters(
                [trained.Inputs.Garch!.Mu, trained.Inputs.Garch.Omega, trained.Inputs.Garch.Alpha, trained.Inputs.Garch.Beta])
                .Forecast(u, 4).ResidualVariance.ToArray();
        double[] want = Enumerable.Range(0, 4).Select(k => s2 * (anchor switch
        {
            VolatilityAnchor.Garch => garch[k],
            VolatilityAnchor.Blend => Math.Sqrt(ewma[k] * garch[k]),
            _ => ewma[k],
        })).ToArray();
        double[] got = zeroHead.ForecastVariance(r, 4);
        for (int k = 0; k < 4; k++) got[k].Should().BeApproximately(want[k], 1e-6 * want[k], $"step {k + 1}");
        trained.Inputs.Anchor.Should().Be(anchor);
        (trained.Inputs.Garch is null).Should().Be(anchor == VolatilityAnchor.Ewma, "the GARCH and blend anchors bring the GARCH input");
    }

    [Fact]
    public void A_model_with_exogenous_and_garch_inputs_round_trips_through_a_file()
    {
        (double[] r, double[] iv) = StochasticVolatility(500, 8);
        var x = ExogenousSeries.FromColumns([new("iv", iv), new("volume", iv.Select(v => 1e6 * (2 + Math.Sin(v))).ToArray())]);
        LstmVolatilityForecaster f = new LstmVolatilityModel(Fast with { Epochs = 2, Anchor = VolatilityAnchor.Blend }).Fit(r, x);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetlstm-exog-{Guid.NewGuid():N}.mlnl");
        try
        {
            ModelSerializer.Save(path, f);
            LstmVolatilityForecaster back = ModelSerializer.LoadVolatilityForecaster(path);
            back.Options.Should().Be(f.Options);
            back.ExogenousNames.Should().Equal("iv", "volume");
            back.Inputs.ExogenousMeans.Should().Equal(f.Inputs.ExogenousMeans);
            back.Inputs.ExogenousScales.Should().Equal(f.Inputs.ExogenousScales);
            back.Inputs.Garch.Should().Be(f.Inputs.Garch);
            back.ForecastVariance(r, x, 5).Should().Equal(f.ForecastVariance(r, x, 5));
            ModelFile.Load(path).KindVersion.Should().Be(ModelKinds.LstmVolatilityForecasterVersion);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class RecordingModel(string name, bool usesExogenous) : IVarianceModel, IFittedVarianceModel
    {
        public List<(double[] Returns, ExogenousSeries? Exogenous)> Fits { get; } = [];
        public List<(double[] Returns, ExogenousSeries? Exogenous)> Forecasts { get; } = [];
        public string Name => name;
        public bool UsesExogenous => usesExogenous;
        public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) { Fits.Add((returns.ToArray(), null)); return this; }
        public IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous) { Fits.Add((returns.ToArray(), exogenous)); return this; }
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) { Forecasts.Add((history.ToArray(), null)); return [1.0]; }
        public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
        {
            Forecasts.Add((history.ToArray(), exogenousHistory));
            return [1.0];
        }
    }
}
