using MlNetLstm.Models;

namespace MlNetLstm.Forecasting;

/// <summary>
/// Streaming forecasts for one caller: <see cref="Step(float)"/> takes the newest observation and returns the forecast of the
/// next target value. The model was trained on windows of W rows starting from a zero state, so to reproduce
/// <see cref="LstmForecastModel.Predict(ReadOnlySpan{float})"/> exactly the engine keeps the last W standardised rows in a ring
/// buffer and re-runs them through a preallocated <see cref="RecurrentStreamingEngine"/> each step (O(W) cell steps,
/// no allocation for unidirectional networks; bidirectional networks fall back to a batched forward pass).
/// Before W observations have arrived the forecast uses the shorter available window (<see cref="IsWarm"/> is false).
/// Not thread-safe; the model it comes from is.
/// </summary>
public sealed class ForecastStreamingEngine
{
    private readonly LstmForecastModel _model;
    private readonly RecurrentStreamingEngine? _engine;
    private readonly float[] _ring, _row, _scratch;
    private int _head;

    internal ForecastStreamingEngine(LstmForecastModel model)
    {
        _model = model;
        int W = model.WindowSize, F = model.FeatureCount;
        _ring = new float[W * F];
        _row = new float[F];
        _scratch = new float[W * F];
        _engine = model.Network.Spec.Bidirectional ? null : model.Network.CreateStreamingEngine();
    }

    /// <summary>Observations received (saturates at no bound; only the last W are used).</summary>
    public long Count { get; private set; }

    /// <summary>True once at least WindowSize observations have arrived.</summary>
    public bool IsWarm => Count >= _model.WindowSize;

    /// <summary>
    /// A per-step signal (gate activation or state, length H) of the last step of the latest window, for layer
    /// <paramref name="layer"/>; valid until the next step. Unidirectional networks only.
    /// </summary>
    /// <param name="signal">Gate or state.</param>
    /// <param name="layer">Layer.</param>
    public ReadOnlySpan<float> GetSignal(GateSignal signal, int layer = 0) =>
        _engine is null ? throw new NotSupportedException("Streaming telemetry needs a unidirectional network.") : _engine.GetSignal(signal, layer);

    /// <summary>Forgets all observations.</summary>
    public void Reset() { Count = 0; _head = 0; }

    /// <summary>Univariate step: adds <paramref name="observation"/> and returns the forecast of the next value.</summary>
    /// <param name="observation">Newest value, finite.</param>
    public float Step(float observation)
    {
        if (_model.FeatureCount != 1) throw new InvalidOperationException($"The model has {_model.FeatureCount} features: call Step(ReadOnlySpan<float>).");
        Span<float> one = [observation];
        return Step(one);
    }

    /// <summary>Adds the newest row (F features, original units) and returns the forecast of the next target value.</summary>
    /// <param name="features">Newest row, length F, finite.</param>
    public float Step(ReadOnlySpan<float> features)
    {
        int F = _model.FeatureCount, W = _model.WindowSize;
        if (features.Length != F) throw new ArgumentException($"features has length {features.Length}, expected {F}.", nameof(features));
        for (int i = 0; i < F; i++)
            if (!float.IsFinite(features[i])) throw new ArgumentException($"features contains {features[i]} at index {i}.", nameof(features));
        _model.Standardise(features, _row);
        _row.AsSpan().CopyTo(_ring.AsSpan(_head * F, F));
        _head = (_head + 1) % W;
        Count++;
        int n = (int)Math.Min(Count, W);
        int start = (_head - n + W) % W; // oldest row in the window
        float z;
        if (_engine != null)
        {
            _engine.Reset();
            ReadOnlySpan<float> y = default;
            for (int k = 0; k < n; k++) y = _engine.Step(_ring.AsSpan(((start + k) % W) * F, F));
            z = y[0];
        }
        else
        {
            for (int k = 0; k < n; k++) _ring.AsSpan(((start + k) % W) * F, F).CopyTo(_scratch.AsSpan(k * F, F));
            z = _model.Network.Forward(_scratch.AsSpan(0, n * F), 1, n).Values[0];
        }
        return _model.Unstandardise(z);
    }
}
