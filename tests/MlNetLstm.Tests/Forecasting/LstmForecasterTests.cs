using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Forecasting;

public class LstmForecasterTests
{
    private static float[] Sine(int n, int seed, float noise = 0.02f, float level = 10f, float amplitude = 3f)
    {
        var r = new Random(seed);
        var s = new float[n];
        for (int t = 0; t < n; t++) s[t] = level + amplitude * MathF.Sin(2f * MathF.PI * t / 16f) + noise * (2f * r.NextSingle() - 1f);
        return s;
    }

    private static readonly LstmForecasterOptions Fast = new()
    {
        HiddenSize = 12, WindowSize = 16, Horizon = 2, Epochs = 25, BatchSize = 16, LearningRate = 1e-2f, Seed = 3,
    };

    private static double Mse(float[] a, ReadOnlySpan<float> b) { double s = 0; for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]); return s / a.Length; }

    [Fact]
    public void Univariate_fit_forecasts_a_sine_far_better_than_the_mean_and_is_deterministic()
    {
        var series = Sine(400, 1);
        var model = LstmForecaster.Fit(series.AsSpan(0, 300), Fast);
        model.Report.EpochsRun.Should().Be(25);
        model.FeatureMeans[0].Should().BeApproximately(10, 0.2);
        var errs = new List<float>();
        for (int t = 300; t < 390; t += 7)
        {
            var y = model.Predict(series.AsSpan(t - 16, 16));
            y.Should().HaveCount(2);
            errs.Add((y[0] - series[t]) * (y[0] - series[t]));
            errs.Add((y[1] - series[t + 1]) * (y[1] - series[t + 1]));
        }
        // The unconditional variance of the series is 4.5; require the forecast MSE below 0.1.
        errs.Average().Should().BeLessThan(0.1f);
        var again = LstmForecaster.Fit(series.AsSpan(0, 300), Fast);
        again.Network.Parameters.ToArray().Should().Equal(model.Network.Parameters.ToArray());
        var doubles = LstmForecaster.Fit(series.AsSpan(0, 300).ToArray().Select(v => (double)v).ToArray(), Fast);
        doubles.Network.Parameters.ToArray().Should().Equal(model.Network.Parameters.ToArray());
    }

    [Fact]
    public void Recursive_forecast_beyond_the_horizon_feeds_predictions_back()
    {
        var series = Sine(200, 2);
        var model = LstmForecaster.Fit(series, Fast with { Epochs = 3 });
        var f = model.Forecast(series, 5);
        f.Should().HaveCount(5);
        var first = model.Predict(series.AsSpan(200 - 16));
        f[0].Should().Be(first[0]); f[1].Should().Be(first[1]);
        var window2 = series.AsSpan(202 - 16, 14).ToArray().Concat(first).ToArray();
        var second = model.Predict(window2);
        f[2].Should().Be(second[0]); f[3].Should().Be(second[1]);
        model.Forecast(series, 1).Should().Equal(first[0]);
    }

    [Fact]
    public void Streaming_engine_matches_predict_on_the_latest_window_and_allocates_nothing()
    {
        var series = Sine(120, 3);
        var model = LstmForecaster.Fit(series, Fast with { Epochs = 2 });
        var engine = model.CreateStreamingEngine();
        for (int t = 0; t < 40; t++)
        {
            float y = engine.Step(series[t]);
            engine.IsWarm.Should().Be(t + 1 >= 16);
            if (t + 1 >= 16) y.Should().BeApproximately(model.Predict(series.AsSpan(t + 1 - 16, 16))[0], 1e-4f, $"step {t}");
        }
        float sink = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 40; t < 120; t++) sink += engine.Step(series[t]);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        float.IsFinite(sink).Should().BeTrue();
    }

    [Fact]
    public void Multivariate_fit_uses_the_covariates_of_the_target_column()
    {
        // Target column 1 is column 0 lagged by 3 steps plus noise; column 0 is a random walk, so only covariates help.
        const int T = 360;
        var r = new Random(5);
        var data = new float[T, 2];
        float w = 0;
        for (int t = 0; t < T; t++)
        {
            w += 2f * r.NextSingle() - 1f;
            data[t, 0] = w;
            data[t, 1] = t >= 3 ? data[t - 3, 0] : 0f;
        }
        var opts = Fast with { WindowSize = 8, Horizon = 1, Epochs = 30 };
        var model = LstmForecaster.Fit(data, targetColumn: 1, opts);
        model.FeatureCount.Should().Be(2);
        model.TargetColumn.Should().Be(1);
        double err = 0, naive = 0; int n = 0;
        for (int t = 300; t < T; t++)
        {
            var window = new float[8 * 2];
            for (int k = 0; k < 8; k++) { window[k * 2] = data[t - 8 + k, 0]; window[k * 2 + 1] = data[t - 8 + k, 1]; }
            float y = model.Predict(window)[0];
            err += (y - data[t, 1]) * (y - data[t, 1]);
            naive += (data[t - 1, 1] - data[t, 1]) * (data[t - 1, 1] - data[t, 1]);
            n++;
        }
        (err / n).Should().BeLessThan(0.5 * naive / n, "column 0 reveals the target's next value; random-walk naive MSE is about 1/3");
        FluentActions.Invoking(() => model.Forecast(new float[20], 2)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "horizon");
        var engine = model.CreateStreamingEngine();
        FluentActions.Invoking(() => engine.Step(1f)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Gaussian_nll_model_predicts_positive_variances_of_the_right_scale()
    {
        var series = Sine(300, 7, noise: 0.6f); // uniform noise on [-0.6, 0.6]: variance 0.12
        var model = LstmForecaster.Fit(series, Fast with { LossFunction = Loss.GaussianNll, Horizon = 1, Epochs = 25 });
        var (mean, variance) = model.PredictDistribution(series.AsSpan(300 - 16));
        mean.Should().HaveCount(1);
        variance[0].Should().BeInRange(0.03f, 0.5f);
        FluentActions.Invoking(() => LstmForecaster.Fit(series, Fast with { Epochs = 1 }).PredictDistribution(series.AsSpan(0, 16)))
            .Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Validation_split_and_early_stopping_are_reported()
    {
        var series = Sine(200, 8);
        var model = LstmForecaster.Fit(series, Fast with { Epochs = 40, ValidationFraction = 0.2, Patience = 3, CellType = CellType.Gru });
        model.Report.ValidationLoss.Should().HaveCount(model.Report.EpochsRun);
        model.Report.BestEpoch.Should().BeGreaterThanOrEqualTo(0);
        model.Report.StopReason.Should().BeOneOf(StopReason.Completed, StopReason.EarlyStopping);
    }

    [Fact]
    public void Bad_input_throws_clear_exceptions()
    {
        var series = Sine(50, 9);
        FluentActions.Invoking(() => LstmForecaster.Fit(series.AsSpan(0, 10), Fast))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "series").WithMessage("*10 rows*WindowSize 16*");
        FluentActions.Invoking(() => LstmForecaster.Fit(ReadOnlySpan<float>.Empty, Fast))
            .Should().Throw<ArgumentException>().WithMessage("*empty*");
        var bad = (float[])series.Clone(); bad[17] = float.NaN;
        FluentActions.Invoking(() => LstmForecaster.Fit(bad, Fast)).Should().Throw<ArgumentException>().WithMessage("*index 17*");
        FluentActions.Invoking(() => LstmForecaster.Fit(new[] { 1.0, double.PositiveInfinity }, Fast)).Should().Throw<ArgumentException>().WithMessage("*index 1*");
        FluentActions.Invoking(() => LstmForecaster.Fit(series, Fast with { HiddenSize = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "HiddenSize");
        FluentActions.Invoking(() => LstmForecaster.Fit(series, Fast with { WindowSize = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "WindowSize");
        FluentActions.Invoking(() => LstmForecaster.Fit(series, Fast with { Epochs = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Epochs");
        FluentActions.Invoking(() => LstmForecaster.Fit(new float[10, 2], 2, Fast))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "targetColumn");
        var model = LstmForecaster.Fit(series, Fast with { Epochs = 1 });
        FluentActions.Invoking(() => model.Predict(new float[15])).Should().Throw<ArgumentException>().WithMessage("*length 15*");
        var w = new float[16]; w[3] = float.NaN;
        FluentActions.Invoking(() => model.Predict(w)).Should().Throw<ArgumentException>().WithMessage("*step 3*");
        FluentActions.Invoking(() => model.Forecast(new float[10], 1)).Should().Throw<ArgumentException>().WithMessage("*fewer than WindowSize*");
        FluentActions.Invoking(() => model.Forecast(series, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => model.CreateStreamingEngine().Step(float.NaN)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Fitted_model_is_safe_to_share_across_threads()
    {
        var series = Sine(100, 10);
        var model = LstmForecaster.Fit(series, Fast with { Epochs = 2 });
        var expected = model.Predict(series.AsSpan(100 - 16));
        var results = new float[8][];
        Parallel.For(0, 8, i => results[i] = model.Predict(series.AsSpan(100 - 16)));
        foreach (var r in results) r.Should().Equal(expected);
    }
}

public class LstmForecasterFlatOverloadTests
{
    [Fact]
    public void Flat_overload_equals_the_options_overload_with_the_same_settings()
    {
        var series = Enumerable.Range(0, 80).Select(t => Math.Sin(t / 3.0)).ToArray();
        var flat = LstmForecaster.Fit(series, windowSize: 8, horizon: 2, hiddenSize: 6, epochs: 2, seed: 5);
        var full = LstmForecaster.Fit(series, new LstmForecasterOptions { WindowSize = 8, Horizon = 2, HiddenSize = 6, Epochs = 2, Seed = 5 });
        flat.Network.Parameters.ToArray().Should().Equal(full.Network.Parameters.ToArray());
        flat.Options.BatchSize.Should().Be(MlNetLstm.Training.TrainingOptions.DefaultBatchSize);
        flat.Predict(series.AsSpan(72)).Should().HaveCount(2);
    }
}

public class LstmForecasterTelemetryTests
{
    [Fact]
    public void Explain_and_streaming_signals_agree_on_the_last_step_forget_gate()
    {
        var series = Enumerable.Range(0, 60).Select(t => (float)Math.Cos(t / 4.0)).ToArray();
        var model = LstmForecaster.Fit(series, new LstmForecasterOptions { WindowSize = 6, HiddenSize = 4, Epochs = 2 });
        var tel = model.Explain(series.AsSpan(54));
        tel.Steps.Should().Be(6);
        var engine = model.CreateStreamingEngine();
        foreach (var v in series) engine.Step(v);
        var f = engine.GetSignal(MlNetLstm.Models.GateSignal.ForgetGate).ToArray();
        for (int j = 0; j < 4; j++)
            f[j].Should().BeApproximately(tel.Value(MlNetLstm.Models.GateSignal.ForgetGate, 0, 0, 0, 5, j), 1e-5f);
        FluentActions.Invoking(() => model.Explain(new float[5])).Should().Throw<ArgumentException>().Where(e => e.ParamName == "window");
    }
}
