namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// Conditional variance recursion h_t = Var[e_t | past] of an ARCH-type model.
/// Pre-sample convention (shared by all processes): every pre-sample squared residual and variance equals
/// the backcast s0 = mean(e_t^2) over the estimation sample at the current mean parameters (pre-sample
/// negative-shock terms 1(e &lt; 0) e^2 equal s0/2). For GARCH(1,1) this is the Fiorentini-Calzolari-Panattoni
/// convention h_1 = omega + (alpha + beta) s0. Instances are immutable and thread-safe.
/// </summary>
public abstract class VolatilityProcess
{
    /// <summary>Short name ("garch", "gjr", "egarch", "ewma", "constant").</summary>
    public abstract string Name { get; }

    /// <summary>Estimated parameters of the process, in order.</summary>
    public abstract IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>Number of process parameters.</summary>
    public int ParameterCount => Parameters.Count;

    /// <summary>
    /// True when the parameters satisfy the process constraints (box bounds plus positivity and stationarity).
    /// </summary>
    /// <param name="parameters">Process parameters, length <see cref="ParameterCount"/>.</param>
    /// <returns>Whether the point is admissible.</returns>
    public abstract bool IsFeasible(ReadOnlySpan<double> parameters);

    /// <summary>Whether multi-step forecasts have a closed form (otherwise they are simulated).</summary>
    public virtual bool HasAnalyticForecast => false;

    /// <summary>Candidate starting points for a sample variance <paramref name="variance"/>.</summary>
    internal abstract double[][] StartingGrid(double variance);

    /// <summary>Filters the conditional variances h (length e.Length).</summary>
    internal abstract void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h);

    /// <summary>True when <see cref="VarianceGradient"/> is implemented.</summary>
    internal virtual bool HasAnalyticGradient => false;

    /// <summary>
    /// Filters h and its derivatives dh (row-major n x (km + kv)) with respect to the mean parameters
    /// (through e, whose Jacobian is <paramref name="jacobian"/> n x km, and through the backcast, whose gradient
    /// is <paramref name="backcastGradient"/>) and the process parameters.
    /// </summary>
    internal virtual void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
        => throw new NotSupportedException($"Process '{Name}' has no analytic gradient.");

    /// <summary>True when <see cref="VarianceHessian"/> is implemented (the GARCH / GJR family).</summary>
    internal virtual bool HasAnalyticHessian => false;

    /// <summary>
    /// As <see cref="VarianceGradient"/>, and also the second derivatives d2h (row-major n x k x k, k = km + kv) for residuals
    /// linear in the mean parameters; <paramref name="backcastHessian"/> (km x km) holds the backcast's second derivatives.
    /// </summary>
    internal virtual void VarianceHessian(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km,
        ReadOnlySpan<double> backcastGradient, ReadOnlySpan<double> backcastHessian, Span<double> h, Span<double> dh, Span<double> d2h)
        => throw new NotSupportedException($"Process '{Name}' has no analytic Hessian.");

    /// <summary>One step: h_t given e_1..e_{t-1} and h_1..h_{t-1} (oldest first; may be empty).</summary>
    internal abstract double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ);

    /// <summary>Number of most recent e and h values that <see cref="NextVariance"/> reads.</summary>
    internal abstract int MaxLag { get; }

    /// <summary>
    /// Closed-form E[h_{T+k} | F_T], k = 1..horizon, given the filtered past; <paramref name="lowerPartialMoment"/>
    /// is E[z^2 1(z &lt; 0)] of the innovation distribution.
    /// </summary>
    internal virtual double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
        => throw new NotSupportedException($"Process '{Name}' has no analytic forecast.");

    /// <summary>Unconditional variance implied by the parameters, or NaN when it is not defined.</summary>
    /// <summary>Persistence (alpha + gamma/2 + beta for GARCH/GJR; the variance process is stationary below 1), or null when the process has no such sum.</summary>
    internal virtual double? Persistence(ReadOnlySpan<double> parameters) => null;

    internal abstract double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ);
}
