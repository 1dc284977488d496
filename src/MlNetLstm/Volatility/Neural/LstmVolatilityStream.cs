using MlNetLstm.Models;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// Streaming variance forecasts of a fitted <see cref="LstmVolatilityForecaster"/> for one caller: <see cref="Update(double)"/>
/// takes the next return (and the row's exogenous values), advances the EWMA / GARCH baselines and the network by one step
/// and <see cref="Forecast(Span{double})"/> gives the variance forecasts for the next steps. O(1) per return: the network
/// state (h, c) is carried from return to return, exactly as <see cref="LstmVolatilityForecaster.Explain"/> runs it, so the
/// one-step forecasts equal <see cref="VolatilityTelemetry.Forecast"/> bit for bit.
/// <para>
/// <see cref="LstmVolatilityForecaster.ForecastVariance(ReadOnlySpan{double}, int)"/> instead re-runs the last
/// <see cref="LstmVolatilityOptions.ContextLength"/> returns from a zero state at every call (O(ContextLength) per forecast);
/// the network's memory of the older returns has faded by then, so the two agree to float rounding (S&amp;P 500, network
/// trained 15 epochs on 4,000 days: largest relative difference 9e-8 over the next 4,000 forecasts; the adapter's dem2gbp
/// test: identical) and are equal during the first ContextLength returns.
/// </para>
/// The multi-step formula is <see cref="LstmVolatilityForecaster.ForecastVariance(ReadOnlySpan{double}, Data.ExogenousSeries?, int)"/>'s.
/// Not thread-safe (one stream per caller); the forecaster it comes from is immutable and shared.
/// </summary>
public sealed class LstmVolatilityStream
{
    private readonly LstmVolatilityForecaster _f;
    private readonly RecurrentStreamingEngine _engine;
    private readonly float[] _x, _y;
    private readonly float[] _e = new float[1];
    private readonly bool _regime;
    private LstmVolatilityInputs.State _state;

    /// <summary>Creates a stream in the initial state (no return seen).</summary>
    /// <param name="forecaster">The fitted forecaster.</param>
    public LstmVolatilityStream(LstmVolatilityForecaster forecaster)
    {
        _f = forecaster ?? throw new ArgumentNullException(nameof(forecaster));
        _engine = forecaster.Network.CreateStreamingEngine();
        _x = new float[forecaster.Inputs.InputSize];
        _y = new float[forecaster.Network.Spec.OutputSize];
        _regime = forecaster.Network.Spec.ForgetGateModifier != null;
        _state = forecaster.Inputs.Start();
    }

    /// <summary>The forecaster.</summary>
    public LstmVolatilityForecaster Forecaster => _f;

    /// <summary>Returns consumed so far.</summary>
    public long Count { get; private set; }

    /// <summary>Consumes the next return of a model fitted without exogenous inputs.</summary>
    /// <param name="value">The return (finite, in the units the model was fitted on).</param>
    public void Update(double value) => Update(value, ReadOnlySpan<double>.Empty);

    /// <summary>Consumes the next return and the same row's exogenous values (<see cref="LstmVolatilityForecaster.ExogenousNames"/>, in that order).</summary>
    /// <param name="value">The return (finite).</param>
    /// <param name="exogenous">The row's exogenous values (finite; empty when the model has none).</param>
    public void Update(double value, ReadOnlySpan<double> exogenous)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"Return {value} at observation {Count} is not finite.", nameof(value));
        int k = _f.ExogenousNames.Count;
        if (exogenous.Length != k)
            throw new ArgumentException(k == 0
                ? $"{exogenous.Length} exogenous values given; the model was fitted without exogenous inputs."
                : $"{exogenous.Length} exogenous values given; the model reads {k} ({string.Join(", ", _f.ExogenousNames)}).", nameof(exogenous));
        for (int j = 0; j < exogenous.Length; j++)
            if (!double.IsFinite(exogenous[j]))
                throw new ArgumentException($"Exogenous '{_f.ExogenousNames[j]}' = {exogenous[j]} at observation {Count} is not finite.", nameof(exogenous));
        _f.Inputs.Advance(ref _state, value);
        _f.Inputs.Features(value, _state, exogenous, _x);
        _e[0] = _f.Inputs.RegimeInput(value, _state);
        _engine.Step(_x, _regime ? _e : default).CopyTo(_y);
        Count++;
    }

    /// <summary>The one-step variance forecast h_{t+1} after the returns seen so far.</summary>
    /// <exception cref="InvalidOperationException">No return has been seen yet.</exception>
    public double ForecastOneStep()
    {
        Span<double> one = stackalloc double[1];
        Forecast(one);
        return one[0];
    }

    /// <summary>
    /// Variance forecasts for the next <c>destination.Length</c> returns: step k (1-based) is
    /// <c>h_{T+k} = s² a_{T+k|T} exp(f_k w B tanh(y_{T,min(k,K)} / B))</c>, with f_k = 1 for k ≤ K and <c>p^{k-K}</c> beyond
    /// (see <see cref="LstmVolatilityForecaster.ForecastVariance(ReadOnlySpan{double}, Data.ExogenousSeries?, int)"/>).
    /// </summary>
    /// <param name="destination">Receives the forecasts (length = horizon, at least 1).</param>
    public void Forecast(Span<double> destination)
    {
        if (destination.IsEmpty) throw new ArgumentException("The horizon (destination length) must be at least 1.", nameof(destination));
        if (Count == 0) throw new InvalidOperationException("No return has been seen yet: call Update first.");
        int K = _y.Length;
        var inputs = _f.Inputs;
        float bound = _f.Options.CorrectionBound;
        double fade = 1, garch = _state.GarchVar;
        for (int k = 0; k < destination.Length; k++)
        {
            float yk = _y[Math.Min(k, K - 1)];
            double correction = _f.CorrectionWeight * (bound * Math.Tanh(yk / bound));
            destination[k] = _f.Scale * _f.Scale * inputs.AnchorOf(_state.Ewma, garch) * Math.Exp(fade * correction);
            if (k >= K - 1) fade *= inputs.AnchorPersistence;
            garch = inputs.NextGarchStep(garch);
        }
    }

    /// <summary>Number of values in <see cref="GetState"/>: 3 + K network outputs + 2·H (hidden and cell state).</summary>
    public int StateLength => 3 + _y.Length + 2 * _f.Network.Spec.HiddenSize;

    /// <summary>
    /// The stream's complete state as numbers, for checkpoints: [Count, EWMA baseline, GARCH baseline, the K network outputs,
    /// h (H values), c (H values)]. <see cref="SetState"/> on a stream of the same forecaster resumes exactly.
    /// </summary>
    public double[] GetState()
    {
        var s = new double[StateLength];
        s[0] = Count;
        s[1] = _state.Ewma;
        s[2] = _state.GarchVar;
        int i = 3;
        foreach (float v in _y) s[i++] = v;
        RecurrentState rs = _engine.GetState();
        foreach (float v in rs.Hidden) s[i++] = v;
        foreach (float v in rs.Cell) s[i++] = v;
        return s;
    }

    /// <summary>Restores a state written by <see cref="GetState"/> (floats round-trip exactly through doubles).</summary>
    /// <param name="state">The state.</param>
    public void SetState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength)
            throw new ArgumentException($"The state has {state.Length} values; this forecaster's stream has {StateLength}.", nameof(state));
        if (!(state[0] >= 0) || state[0] != Math.Floor(state[0])) throw new ArgumentException($"The state's count {state[0]} is not a count.", nameof(state));
        int H = _f.Network.Spec.HiddenSize, K = _y.Length;
        var h = new float[H];
        var c = new float[H];
        for (int j = 0; j < K; j++) _y[j] = (float)state[3 + j];
        for (int j = 0; j < H; j++)
        {
            h[j] = (float)state[3 + K + j];
            c[j] = (float)state[3 + K + H + j];
        }

        _engine.SetState(new RecurrentState(1, 1, H, h, c));
        _state = new LstmVolatilityInputs.State { Ewma = state[1], GarchVar = state[2] };
        Count = (long)state[0];
    }
}
