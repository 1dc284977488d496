using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Forecasting;

/// <summary>
/// A fitted forecaster: immutable and thread-safe. Holds the network, the standardisation (per-feature mean and standard
/// deviation of the training rows) and the training report. Windows are [W, F] row-major (oldest row first) in original units.
/// </summary>
public sealed partial class LstmForecastModel
{
    private readonly double[] _mean, _std;

    internal LstmForecastModel(LstmForecasterOptions options, RecurrentNetwork network, TrainingReport report, int features, int target, double[] mean, double[] std)
    {
        Options = options; Network = network; Report = report; FeatureCount = features; TargetColumn = target; _mean = mean; _std = std;
    }

    /// <summary>The options used to fit.</summary>
    public LstmForecasterOptions Options { get; }
    /// <summary>The trained network (inputs are standardised features).</summary>
    public RecurrentNetwork Network { get; }
    /// <summary>Loss curves, best epoch and stop reason.</summary>
    public TrainingReport Report { get; }
    /// <summary>Features per row F (1 for univariate).</summary>
    public int FeatureCount { get; }
    /// <summary>Forecast column.</summary>
    public int TargetColumn { get; }
    /// <summary>Input window length W.</summary>
    public int WindowSize => Options.WindowSize;
    /// <summary>Steps forecast by one network pass.</summary>
    public int Horizon => Options.Horizon;
    /// <summary>Per-feature training mean.</summary>
    public IReadOnlyList<double> FeatureMeans => _mean;
    /// <summary>Per-feature training standard deviation (1 for constant features).</summary>
    public IReadOnlyList<double> FeatureStdDevs => _std;

    internal void Standardise(ReadOnlySpan<float> rowValues, Span<float> destination)
    {
        for (int i = 0; i < rowValues.Length; i++)
        {
            int f = i % FeatureCount;
            destination[i] = (float)((rowValues[i] - _mean[f]) / _std[f]);
        }
    }

    internal float Unstandardise(float z) => (float)(z * _std[TargetColumn] + _mean[TargetColumn]);

    private float[] RunWindow(ReadOnlySpan<float> window, string paramName)
    {
        int n = WindowSize * FeatureCount;
        if (window.Length != n)
            throw new ArgumentException($"{paramName} has length {window.Length}, expected WindowSize {WindowSize} x {FeatureCount} features = {n}.", paramName);
        for (int i = 0; i < window.Length; i++)
            if (!float.IsFinite(window[i]))
                throw new ArgumentException($"{paramName} contains {window[i]} at step {i / FeatureCount}, feature {i % FeatureCount}.", paramName);
        var x = new float[n];
        Standardise(window, x);
        return Network.Forward(x, 1, WindowSize).Values.ToArray();
    }

    /// <summary>Forecasts the next <see cref="Horizon"/> target values after <paramref name="window"/> ([W, F], original units).</summary>
    /// <param name="window">The latest W rows, oldest first.</param>
    /// <returns>Forecasts (the predicted means under Gaussian NLL), length Horizon.</returns>
    public float[] Predict(ReadOnlySpan<float> window)
    {
        var z = RunWindow(window, nameof(window));
        var y = new float[Horizon];
        for (int h = 0; h < Horizon; h++) y[h] = Unstandardise(z[h]);
        return y;
    }

    /// <summary>
    /// Gate telemetry of the network over <paramref name="window"/> ([W, F], original units): per layer and direction the
    /// per-step gate activations, cell and hidden states, each [1, W, H] (see <see cref="GateTelemetry"/>).
    /// </summary>
    /// <param name="window">The latest W rows, oldest first.</param>
    public GateTelemetry Explain(ReadOnlySpan<float> window)
    {
        int n = WindowSize * FeatureCount;
        if (window.Length != n)
            throw new ArgumentException($"window has length {window.Length}, expected WindowSize {WindowSize} x {FeatureCount} features = {n}.", nameof(window));
        for (int i = 0; i < window.Length; i++)
            if (!float.IsFinite(window[i]))
                throw new ArgumentException($"window contains {window[i]} at step {i / FeatureCount}, feature {i % FeatureCount}.", nameof(window));
        var x = new float[n];
        Standardise(window, x);
        return Network.Forward(x, 1, WindowSize, captureTelemetry: true).Telemetry!;
    }

    /// <summary>Double-precision convenience overload of <see cref="Predict(ReadOnlySpan{float})"/>.</summary>
    /// <param name="window">The latest W rows, oldest first.</param>
    public double[] Predict(ReadOnlySpan<double> window) => Array.ConvertAll(Predict(ToFloat(window, nameof(window))), v => (double)v);

    /// <summary>
    /// Predictive mean and variance per step (models trained with <see cref="Loss.GaussianNll"/> only):
    /// variance = exp(s) σ_target², s the predicted log-variance in standardised units.
    /// </summary>
    /// <param name="window">The latest W rows, oldest first.</param>
    public (float[] Mean, float[] Variance) PredictDistribution(ReadOnlySpan<float> window)
    {
        if (Options.LossFunction != Loss.GaussianNll)
            throw new InvalidOperationException("PredictDistribution needs a model trained with Loss.GaussianNll.");
        var z = RunWindow(window, nameof(window));
        var mean = new float[Horizon]; var variance = new float[Horizon];
        double s2 = _std[TargetColumn] * _std[TargetColumn];
        for (int h = 0; h < Horizon; h++)
        {
            mean[h] = Unstandardise(z[h]);
            variance[h] = (float)(Math.Exp(z[Horizon + h]) * s2);
        }
        return (mean, variance);
    }

    /// <summary>
    /// Forecasts <paramref name="horizon"/> steps after <paramref name="history"/> ([T, F], T &gt;= W; only the last W rows are used).
    /// Up to <see cref="Horizon"/> steps come from one pass; univariate models go further recursively, feeding forecasts back as inputs.
    /// </summary>
    /// <param name="history">Observed rows, oldest first.</param>
    /// <param name="horizon">Steps ahead, &gt;= 1 (at most Horizon for multivariate models).</param>
    public float[] Forecast(ReadOnlySpan<float> history, int horizon)
    {
        if (horizon <= 0) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be positive.");
        if (history.Length % FeatureCount != 0)
            throw new ArgumentException($"history length {history.Length} is not a multiple of the {FeatureCount} features.", nameof(history));
        int rows = history.Length / FeatureCount;
        if (rows < WindowSize) throw new ArgumentException($"history has {rows} rows, fewer than WindowSize {WindowSize}.", nameof(history));
        if (FeatureCount > 1 && horizon > Horizon)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"A multivariate model forecasts at most Horizon = {Horizon} steps (future covariates are unknown).");
        var window = history.Slice((rows - WindowSize) * FeatureCount).ToArray();
        var result = new float[horizon];
        int done = 0;
        while (done < horizon)
        {
            var y = Predict(window);
            int take = Math.Min(Horizon, horizon - done);
            Array.Copy(y, 0, result, done, take);
            done += take;
            if (done < horizon)
            {
                // Univariate: append the forecasts and keep the latest W values as the next window.
                var extended = new float[WindowSize + take];
                window.CopyTo(extended, 0);
                Array.Copy(y, 0, extended, WindowSize, take);
                window = extended.AsSpan(take).ToArray();
            }
        }
        return result;
    }

    /// <summary>Double-precision convenience overload of <see cref="Forecast(ReadOnlySpan{float}, int)"/>.</summary>
    /// <param name="history">Observed rows, oldest first.</param>
    /// <param name="horizon">Steps ahead.</param>
    public double[] Forecast(ReadOnlySpan<double> history, int horizon) =>
        Array.ConvertAll(Forecast(ToFloat(history, nameof(history)), horizon), v => (double)v);

    private static float[] ToFloat(ReadOnlySpan<double> values, string paramName)
    {
        var f = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            f[i] = (float)values[i];
            if (!float.IsFinite(f[i])) throw new ArgumentException($"{paramName} contains {values[i]} at index {i}.", paramName);
        }
        return f;
    }

    /// <summary>A streaming engine for one caller (see <see cref="ForecastStreamingEngine"/>).</summary>
    public ForecastStreamingEngine CreateStreamingEngine() => new(this);
}
