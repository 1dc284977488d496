using System.Runtime.InteropServices;

namespace MlNetLstm.Volatility;

/// <summary>
/// Streaming forecasts of a fitted GARCH-family model (<see cref="ArchFitResult"/>) for one caller: <see cref="Update"/> takes
/// the next return and extends the filter by one step (residual <c>e_t = r_t - μ_t</c>, conditional variance <c>h_t</c>), so a
/// series of n returns costs O(n) instead of re-filtering the whole history for every forecast.
/// <see cref="Forecast(Span{double})"/> gives the return-variance forecasts of
/// <see cref="ArchFitResult.Forecast(ReadOnlySpan{double}, int, ForecastOptions?)"/> (<see cref="ArchForecast.ReturnVariance"/>)
/// after the returns seen so far: the recursion is the filter's own (same pre-sample backcast, same order of operations), so
/// the forecasts are bit for bit those of the analytic forecast; processes without an analytic multi-step forecast (EGARCH)
/// give the one-step forecast <c>h_{T+1}</c> only, which the simulation method averages to within rounding.
/// Not thread-safe (one stream per caller); the fit is immutable and shared.
/// </summary>
public sealed class ArchForecastStream
{
    private readonly ArchFitResult _fit;
    private readonly double[] _mean, _process, _distribution;
    private readonly int _lags, _tail;
    private readonly double _s0, _eabs, _lowerPartial;
    private readonly List<double> _y = new(), _e = new(), _h = new();
    private double _carry; // the process's FilterStep state (GARCH(1,1): h_t; EGARCH: log h_t)

    /// <summary>Creates a stream in the initial state (no return seen) for a fitted model.</summary>
    /// <param name="fit">The fit (its parameters and backcast are used; nothing else).</param>
    public ArchForecastStream(ArchFitResult fit)
    {
        _fit = fit ?? throw new ArgumentNullException(nameof(fit));
        var theta = fit.Theta;
        int km = fit.Model.Mean.ParameterCount, kv = fit.Model.Volatility.ParameterCount;
        _mean = theta[..km].ToArray();
        _process = theta.Slice(km, kv).ToArray();
        _distribution = theta[(km + kv)..].ToArray();
        _lags = fit.Model.Mean.Lags;
        _tail = Math.Max(1, Math.Max(_lags, fit.Model.Volatility.MaxLag));
        _s0 = fit.Backcast;
        _eabs = fit.Model.Volatility.UsesExpectedAbsoluteInnovation ? fit.Model.Distribution.ExpectedAbsoluteValue(_distribution) : 0;
        _lowerPartial = fit.Model.Distribution.LowerPartialSecondMoment(_distribution);
    }

    /// <summary>The fit.</summary>
    public ArchFitResult Fit => _fit;

    /// <summary>Returns consumed so far.</summary>
    public long Count { get; private set; }

    /// <summary>True once a forecast can be made: more than the mean model's lags returns were seen.</summary>
    public bool IsReady => Count > _lags;

    /// <summary>Consumes the next return.</summary>
    /// <param name="value">The return (finite).</param>
    public void Update(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"Return {value} at observation {Count} is not finite.", nameof(value));
        if (Count >= _lags)
        {
            // Residual exactly as MeanModel.Residuals computes it, then the filter's next variance (h_t depends on e_1..e_{t-1}).
            double e = value - _fit.Model.Mean.NextMean(_mean, CollectionsMarshal.AsSpan(_y));
            double h = NextFilteredVariance();
            _e.Add(e);
            _h.Add(h);
        }

        _y.Add(value);
        Count++;
        Trim(_y, _e, _h);
    }

    // The filter's own next variance (VolatilityProcess.FilterStep: bit for bit what Variance computes), with its carried state.
    private double NextFilteredVariance() =>
        _fit.Model.Volatility.FilterStep(_process, CollectionsMarshal.AsSpan(_e), CollectionsMarshal.AsSpan(_h), _s0, _eabs, ref _carry);

    private void Trim(params List<double>[] lists)
    {
        foreach (var l in lists)
            if (l.Count > 4 * _tail + 64) l.RemoveRange(0, l.Count - _tail);
    }

    /// <summary>The one-step return-variance forecast after the returns seen so far.</summary>
    public double ForecastOneStep()
    {
        Span<double> one = stackalloc double[1];
        Forecast(one);
        return one[0];
    }

    /// <summary>
    /// Return-variance forecasts for the next <c>destination.Length</c> steps (<see cref="ArchForecast.ReturnVariance"/>:
    /// <c>Σ_{j≤k} ψ_j² E[h_{T+k-j}]</c> with the mean model's impulse response ψ; for GARCH(1,1) step 1 is <c>ω + α e_T² + β h_T</c>).
    /// </summary>
    /// <param name="destination">Receives the forecasts (length = horizon, at least 1).</param>
    /// <exception cref="InvalidOperationException">Not <see cref="IsReady"/>.</exception>
    /// <exception cref="NotSupportedException">More than one step for a process without an analytic forecast (EGARCH).</exception>
    public void Forecast(Span<double> destination)
    {
        if (destination.IsEmpty) throw new ArgumentException("The horizon (destination length) must be at least 1.", nameof(destination));
        if (!IsReady) throw new InvalidOperationException($"{Count} return(s) seen; the mean model '{_fit.Model.Mean.Name}' needs more than {_lags} before forecasting.");
        var proc = _fit.Model.Volatility;
        int horizon = destination.Length;
        var e = CollectionsMarshal.AsSpan(_e);
        var h = CollectionsMarshal.AsSpan(_h);
        double[] variance;
        if (proc.HasAnalyticForecast) variance = proc.AnalyticForecast(_process, e, h, _s0, _lowerPartial, horizon);
        else if (horizon == 1) variance = [proc.NextVariance(_process, e, h, _s0, _eabs)];
        else throw new NotSupportedException($"Process '{proc.Name}' has no analytic multi-step forecast; stream one step (horizon 1).");

        var psi = _fit.Model.Mean.ImpulseResponse(_mean, horizon);
        for (int k = 0; k < horizon; k++)
        {
            double acc = 0;
            for (int j = 0; j <= k; j++) acc += psi[j] * psi[j] * variance[k - j];
            destination[k] = acc;
        }
    }

    /// <summary>
    /// The stream's complete state as numbers, for checkpoints: [Count, carry, m, the last m returns, r, the last r residuals,
    /// the last r variances]. <see cref="SetState"/> on a stream of the same fit resumes exactly.
    /// </summary>
    public double[] GetState()
    {
        int m = Math.Min(_y.Count, _tail), r = Math.Min(_e.Count, _tail);
        var s = new List<double> { Count, _carry, m };
        s.AddRange(_y.Skip(_y.Count - m));
        s.Add(r);
        s.AddRange(_e.Skip(_e.Count - r));
        s.AddRange(_h.Skip(_h.Count - r));
        return [.. s];
    }

    /// <summary>Restores a state written by <see cref="GetState"/>.</summary>
    /// <param name="state">The state.</param>
    public void SetState(ReadOnlySpan<double> state)
    {
        static int Int(double v, string what) => v >= 0 && v == Math.Floor(v) && v <= int.MaxValue
            ? (int)v : throw new ArgumentException($"The state's {what} {v} is not a count.", nameof(state));
        if (state.Length < 4) throw new ArgumentException($"The state has {state.Length} values; at least 4 expected.", nameof(state));
        long count = (long)state[0];
        if (count != state[0] || count < 0) throw new ArgumentException($"The state's count {state[0]} is not a count.", nameof(state));
        int m = Int(state[2], "number of returns");
        if (state.Length < 4 + m) throw new ArgumentException($"The state is truncated ({state.Length} values).", nameof(state));
        int r = Int(state[3 + m], "number of residuals");
        if (state.Length != 4 + m + 2 * r) throw new ArgumentException($"The state has {state.Length} values; {4 + m + 2 * r} expected.", nameof(state));
        if (m > _tail || r > _tail) throw new ArgumentException($"The state keeps {Math.Max(m, r)} values; this model keeps {_tail}: not a state of this model.", nameof(state));
        _y.Clear(); _e.Clear(); _h.Clear();
        foreach (double v in state.Slice(3, m)) _y.Add(v);
        foreach (double v in state.Slice(4 + m, r)) _e.Add(v);
        foreach (double v in state.Slice(4 + m + r, r)) _h.Add(v);
        _carry = state[1];
        Count = count;
    }
}
