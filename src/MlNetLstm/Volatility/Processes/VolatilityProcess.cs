using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// Conditional variance recursion h_t = Var[e_t | e_1..e_{t-1}] of an ARCH-type model, the middle part of
/// <see cref="ArchModel"/> (mean x process x distribution, composed by one likelihood engine).
/// <para>
/// To add a process (in this assembly or your own), derive from this class and implement <see cref="Name"/>,
/// <see cref="Parameters"/>, <see cref="IsFeasible"/>, <see cref="StartingGrid"/>, <see cref="Variance"/>,
/// <see cref="NextVariance"/> and <see cref="MaxLag"/>; everything else has a default (numerical likelihood gradient,
/// simulated multi-step forecasts, no persistence sum). Pass it to <see cref="ArchModel.Create"/> or
/// <see cref="ArchSpecification"/>; to save fits of it, or to name it in the text form
/// (<see cref="ArchSpecification.Parse"/>), register it with <see cref="ArchComponents.RegisterProcess{T}"/>.
/// </para>
/// <para>
/// Shapes: the process parameters theta_v have length <see cref="ParameterCount"/>; the residuals e and the variances h have
/// length n (observations after the mean model's lags). Pre-sample convention (shared by the built-in processes): every
/// pre-sample squared residual and variance equals the backcast s0 = mean(e_t^2) over the estimation sample at the current
/// mean parameters (pre-sample negative-shock terms 1(e &lt; 0) e^2 equal s0/2). For GARCH(1,1) this is the
/// Fiorentini-Calzolari-Panattoni convention h_1 = omega + (alpha + beta) s0.
/// </para>
/// Instances must be immutable and thread-safe (one instance is shared by concurrent fits).
/// </summary>
public abstract class VolatilityProcess
{
    /// <summary>Short name shown in summaries ("garch", "gjr", "egarch", "ewma", "constant").</summary>
    public abstract string Name { get; }

    /// <summary>Estimated parameters of the process, in order, with their box bounds (the optimiser stays inside them).</summary>
    public abstract IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>Number of process parameters kv = <see cref="Parameters"/>.Count.</summary>
    public int ParameterCount => Parameters.Count;

    /// <summary>
    /// The fixed (not estimated) settings that rebuild this process through its registered factory
    /// (<see cref="ArchComponents.RegisterProcess{T}"/>): the numbers of its text form <c>name(s1,s2,...)</c> and what a
    /// saved fit stores, for example [p, q] for GARCH(p, q) or [lambda] for EWMA. Default: none.
    /// </summary>
    public virtual IReadOnlyList<double> Settings => Array.Empty<double>();

    /// <summary>
    /// True when the parameters satisfy the process constraints (box bounds plus strict constraints such as positivity and
    /// stationarity). The likelihood is -infinity outside this set.
    /// </summary>
    /// <param name="parameters">Process parameters, length <see cref="ParameterCount"/>.</param>
    /// <returns>Whether the point is admissible.</returns>
    public abstract bool IsFeasible(ReadOnlySpan<double> parameters);

    /// <summary>
    /// Candidate starting points (each of length <see cref="ParameterCount"/>, feasible) for residuals of sample variance
    /// <paramref name="variance"/>; the optimiser ranks them by likelihood and starts from the best few.
    /// </summary>
    /// <param name="variance">Sample variance of the residuals at the mean model's starting values.</param>
    /// <returns>At least one starting point.</returns>
    public abstract IReadOnlyList<double[]> StartingGrid(double variance);

    /// <summary>
    /// Filters the conditional variances: h[t] = h_t for t = 0..n-1 given the residuals e (length n), the pre-sample backcast
    /// s0 and the parameters. h_t may read e_0..e_{t-1} and h_0..h_{t-1} only.
    /// </summary>
    /// <param name="parameters">Process parameters, length <see cref="ParameterCount"/>.</param>
    /// <param name="e">Residuals e_t, length n.</param>
    /// <param name="backcast">Pre-sample value s0 = mean(e_t^2) of e^2 and h.</param>
    /// <param name="expectedAbsZ">E|z| under the innovation distribution when <see cref="UsesExpectedAbsoluteInnovation"/>, else 0.</param>
    /// <param name="h">Receives h_t, length at least n.</param>
    public abstract void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h);

    /// <summary>
    /// One step: h_t given e_1..e_{t-1} and h_1..h_{t-1} (oldest first; may be empty, then the pre-sample values are the backcast).
    /// Used by simulated forecasts; it must agree with <see cref="Variance"/> (to rounding).
    /// </summary>
    /// <param name="parameters">Process parameters.</param>
    /// <param name="ePast">Past residuals, oldest first (at least the last <see cref="MaxLag"/> when that many exist).</param>
    /// <param name="hPast">Past variances, same length as <paramref name="ePast"/>.</param>
    /// <param name="backcast">Pre-sample value s0.</param>
    /// <param name="expectedAbsZ">E|z| when <see cref="UsesExpectedAbsoluteInnovation"/>, else 0.</param>
    /// <returns>h_t.</returns>
    public abstract double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ);

    /// <summary>Number of most recent e and h values that <see cref="NextVariance"/> reads.</summary>
    public abstract int MaxLag { get; }

    /// <summary>
    /// The next filtered variance exactly as <see cref="Variance"/> computes it (bit for bit), for streaming filters
    /// (<see cref="ArchForecastStream"/>): <paramref name="carry"/> is one number of state the process may keep between
    /// calls (it starts at 0 and is saved with the stream's state). Default: <see cref="NextVariance"/>, which is exact when
    /// <see cref="Variance"/> computes each h_t with the same arithmetic.
    /// </summary>
    /// <param name="parameters">Process parameters.</param>
    /// <param name="ePast">Residuals so far, oldest first (at least the last <see cref="MaxLag"/>).</param>
    /// <param name="hPast">Variances so far, same length.</param>
    /// <param name="backcast">Pre-sample value s0.</param>
    /// <param name="expectedAbsZ">E|z| when <see cref="UsesExpectedAbsoluteInnovation"/>, else 0.</param>
    /// <param name="carry">State carried from the previous call.</param>
    /// <returns>h_t.</returns>
    public virtual double FilterStep(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ, ref double carry)
        => NextVariance(parameters, ePast, hPast, backcast, expectedAbsZ);

    /// <summary>
    /// True when the recursion reads E|z| of the innovation distribution (EGARCH's size term |z| - E|z|); the engine then
    /// computes it from the distribution parameters and passes it as <c>expectedAbsZ</c>. Default false (0 is passed).
    /// </summary>
    public virtual bool UsesExpectedAbsoluteInnovation => false;

    /// <summary>True when <see cref="VarianceGradient"/> is implemented; otherwise the engine uses central differences of the likelihood.</summary>
    public virtual bool HasAnalyticGradient => false;

    /// <summary>
    /// Filters h and its derivatives dh (row-major n x (km + kv)) with respect to the mean parameters (through e, whose
    /// Jacobian de_t/dtheta_m is <paramref name="jacobian"/>, n x km, and through the backcast, whose gradient is
    /// <paramref name="backcastGradient"/>, length km) and the process parameters (columns km..km+kv-1).
    /// Only called when <see cref="HasAnalyticGradient"/>.
    /// </summary>
    /// <param name="parameters">Process parameters.</param>
    /// <param name="e">Residuals, length n.</param>
    /// <param name="backcast">Pre-sample value s0.</param>
    /// <param name="jacobian">de_t/dtheta_m, row-major n x km.</param>
    /// <param name="km">Number of mean parameters.</param>
    /// <param name="backcastGradient">ds0/dtheta_m, length km.</param>
    /// <param name="h">Receives h_t, length n.</param>
    /// <param name="dh">Receives dh_t/dtheta, row-major n x (km + kv).</param>
    public virtual void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
        => throw new NotSupportedException($"Process '{Name}' has no analytic gradient.");

    /// <summary>True when <see cref="VarianceHessian"/> is implemented (the GARCH / GJR family); with Normal innovations the fit then uses Newton on the exact Hessian.</summary>
    public virtual bool HasAnalyticHessian => false;

    /// <summary>
    /// As <see cref="VarianceGradient"/>, and also the second derivatives d2h (row-major n x k x k, k = km + kv) for residuals
    /// linear in the mean parameters; <paramref name="backcastHessian"/> (km x km) holds the backcast's second derivatives.
    /// Only called when <see cref="HasAnalyticHessian"/>.
    /// </summary>
    /// <param name="parameters">Process parameters.</param>
    /// <param name="e">Residuals, length n.</param>
    /// <param name="backcast">Pre-sample value s0.</param>
    /// <param name="jacobian">de_t/dtheta_m, row-major n x km.</param>
    /// <param name="km">Number of mean parameters.</param>
    /// <param name="backcastGradient">ds0/dtheta_m, length km.</param>
    /// <param name="backcastHessian">d2s0/dtheta_m dtheta_m, row-major km x km.</param>
    /// <param name="h">Receives h_t, length n.</param>
    /// <param name="dh">Receives dh_t/dtheta, row-major n x k.</param>
    /// <param name="d2h">Receives d2h_t/dtheta dtheta, row-major n x k x k.</param>
    public virtual void VarianceHessian(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km,
        ReadOnlySpan<double> backcastGradient, ReadOnlySpan<double> backcastHessian, Span<double> h, Span<double> dh, Span<double> d2h)
        => throw new NotSupportedException($"Process '{Name}' has no analytic Hessian.");

    /// <summary>Whether <see cref="AnalyticForecast"/> is implemented (otherwise multi-step forecasts are simulated with <see cref="NextVariance"/>).</summary>
    public virtual bool HasAnalyticForecast => false;

    /// <summary>
    /// Closed-form E[h_{T+k} | F_T], k = 1..horizon, given the filtered past; <paramref name="lowerPartialMoment"/> is
    /// E[z^2 1(z &lt; 0)] of the innovation distribution. Only called when <see cref="HasAnalyticForecast"/>.
    /// </summary>
    /// <param name="parameters">Process parameters.</param>
    /// <param name="ePast">Filtered residuals, oldest first.</param>
    /// <param name="hPast">Filtered variances, same length.</param>
    /// <param name="backcast">Pre-sample value s0.</param>
    /// <param name="lowerPartialMoment">E[z^2 1(z &lt; 0)] (0.5 for symmetric distributions).</param>
    /// <param name="horizon">Number of steps, at least 1.</param>
    /// <returns>E[h_{T+k}], length <paramref name="horizon"/>.</returns>
    public virtual double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
        => throw new NotSupportedException($"Process '{Name}' has no analytic forecast.");

    /// <summary>
    /// Persistence (alpha + gamma/2 + beta for GARCH/GJR; the variance process is covariance-stationary below 1), or null when
    /// the process has no such sum. <see cref="ArchFitResult"/> reports it and flags estimates on the stationarity boundary.
    /// </summary>
    /// <param name="parameters">Process parameters.</param>
    /// <returns>The persistence, or null.</returns>
    public virtual double? Persistence(ReadOnlySpan<double> parameters) => null;

    /// <summary>Unconditional variance implied by the parameters, or NaN when it is not defined (the default).</summary>
    /// <param name="parameters">Process parameters.</param>
    /// <param name="expectedAbsZ">E|z| when <see cref="UsesExpectedAbsoluteInnovation"/>, else 0.</param>
    /// <returns>The unconditional variance, or NaN.</returns>
    public virtual double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ) => double.NaN;

    /// <summary>
    /// The (1,1) GARCH / GJR fast path of the likelihood engine: true only for the built-in GARCH(1,1) and GJR-GARCH(1,1,1)
    /// (parameter layout [omega, alpha, (gamma,) beta]), whose one-pass likelihood, gradient and Hessian loops the engine
    /// inlines. Not overridable outside this assembly: a user process always takes the general path.
    /// </summary>
    internal virtual bool IsGarchOneOne => false;
}
