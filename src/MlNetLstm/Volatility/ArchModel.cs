using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Estimation;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Parameters;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

/// <summary>
/// An ARCH-type model for a return series y_1..y_n: y_t = m_t + e_t, e_t = sqrt(h_t) z_t, z_t iid with unit
/// variance. The mean (<see cref="MeanModel"/>), the variance recursion (<see cref="VolatilityProcess"/>) and the
/// innovation law (<see cref="ErrorDistribution"/>) are separate parts composed by one likelihood
/// LL(theta) = sum_t [ -0.5 log h_t + log f(e_t / sqrt h_t) ], theta = [mean, process, distribution] parameters.
/// Example: <c>ArchModel.Create(returns, new ConstantMean(), new Garch(1, 1), new Normal()).Fit()</c>.
/// Immutable; <see cref="Fit"/> may be called concurrently.
/// </summary>
public sealed class ArchModel
{
    private readonly double[] _y;

    private ArchModel(double[] y, MeanModel mean, VolatilityProcess volatility, ErrorDistribution distribution)
    {
        _y = y;
        Mean = mean;
        Volatility = volatility;
        Distribution = distribution;
        var ps = new List<ParameterInfo>();
        ps.AddRange(mean.Parameters);
        ps.AddRange(volatility.Parameters);
        ps.AddRange(distribution.Parameters);
        Parameters = ps.AsReadOnly();
    }

    /// <summary>Mean model.</summary>
    public MeanModel Mean { get; }

    /// <summary>Volatility process.</summary>
    public VolatilityProcess Volatility { get; }

    /// <summary>Innovation distribution.</summary>
    public ErrorDistribution Distribution { get; }

    /// <summary>All parameters in order [mean, process, distribution].</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>The returns (copy).</summary>
    public IReadOnlyList<double> Returns => Array.AsReadOnly(_y);

    /// <summary>Minimum number of observations: max(30, 10 x parameter count) after the mean's lags.</summary>
    public int MinimumObservations => Mean.Lags + Math.Max(30, 10 * Parameters.Count);

    /// <summary>
    /// Creates a model. Throws <see cref="ArgumentException"/> for NaN/infinite returns, too few observations
    /// or a constant series.
    /// </summary>
    /// <param name="returns">Returns, oldest first.</param>
    /// <param name="mean">Mean model.</param>
    /// <param name="volatility">Volatility process.</param>
    /// <param name="distribution">Innovation distribution.</param>
    /// <returns>The model.</returns>
    public static ArchModel Create(ReadOnlySpan<double> returns, MeanModel mean, VolatilityProcess volatility, ErrorDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(volatility);
        ArgumentNullException.ThrowIfNull(distribution);
        var model = new ArchModel(returns.ToArray(), mean, volatility, distribution);
        ValidateReturns(returns, model.MinimumObservations, nameof(returns));
        return model;
    }

    /// <summary>Checks a return series: finite values, enough of them, not constant.</summary>
    internal static void ValidateReturns(ReadOnlySpan<double> returns, int minimum, string paramName)
    {
        for (int i = 0; i < returns.Length; i++)
        {
            if (!double.IsFinite(returns[i]))
            {
                throw new ArgumentException($"Return at index {i} is {returns[i]}; returns must be finite.", paramName);
            }
        }

        if (returns.Length < minimum)
        {
            throw new ArgumentException($"Too few observations: {returns.Length} given, this model needs at least {minimum}.", paramName);
        }

        MlNetLstm.EvalGuard.ReturnScale(returns, paramName);

        double mean = 0;
        foreach (var r in returns)
        {
            mean += r;
        }

        mean /= returns.Length;
        double ss = 0, scale = 0;
        foreach (var r in returns)
        {
            ss += (r - mean) * (r - mean);
            scale = Math.Max(scale, Math.Abs(r));
        }

        if (!(ss / returns.Length > 1e-24 * Math.Max(scale * scale, 1e-300)) || ss == 0)
        {
            throw new ArgumentException("The return series is constant (zero variance); a volatility model cannot be estimated.", paramName);
        }
    }

    internal LikelihoodEngine CreateEngine() => new(_y, Mean, Volatility, Distribution);

    /// <summary>Log-likelihood at <paramref name="parameters"/>, or -infinity when they are not admissible.</summary>
    /// <param name="parameters">Full parameter vector [mean, process, distribution].</param>
    /// <returns>LL(theta).</returns>
    public double LogLikelihood(ReadOnlySpan<double> parameters)
    {
        CheckLength(parameters);
        return CreateEngine().LogLikelihood(parameters);
    }

    /// <summary>
    /// Gradient of the log-likelihood: analytic (recursion derivatives of h_t, including through the backcast)
    /// for GARCH, GJR, EWMA and constant variance; central differences otherwise.
    /// </summary>
    /// <param name="parameters">Full parameter vector.</param>
    /// <returns>dLL/dtheta, length <see cref="Parameters"/>.Count.</returns>
    public double[] Gradient(ReadOnlySpan<double> parameters)
    {
        CheckLength(parameters);
        var engine = CreateEngine();
        var g = new double[engine.K];
        var scores = new double[engine.N * engine.K];
        if (!double.IsFinite(engine.Gradient(parameters, g, scores)))
        {
            throw new ArgumentException("Parameters are not admissible (log-likelihood is not finite).", nameof(parameters));
        }

        return g;
    }

    /// <summary>Central-difference gradient of <see cref="LogLikelihood"/> (for checking the analytic one).</summary>
    /// <param name="parameters">Full parameter vector (strictly inside the admissible region).</param>
    /// <param name="relativeStep">Relative step (default 1e-6).</param>
    /// <returns>Numerical dLL/dtheta.</returns>
    public double[] NumericalGradient(ReadOnlySpan<double> parameters, double relativeStep = 1e-6)
    {
        CheckLength(parameters);
        var engine = CreateEngine();
        var p = parameters.ToArray();
        var g = new double[p.Length];
        for (int j = 0; j < p.Length; j++)
        {
            double step = relativeStep * Math.Max(Math.Abs(p[j]), 1e-3);
            double orig = p[j];
            p[j] = orig + step;
            double up = engine.LogLikelihood(p);
            p[j] = orig - step;
            double down = engine.LogLikelihood(p);
            p[j] = orig;
            g[j] = (up - down) / (2 * step);
        }

        return g;
    }

    /// <summary>Starting points tried by <see cref="Fit"/>: mean start x process grid x distribution start.</summary>
    /// <returns>Candidate parameter vectors.</returns>
    public IReadOnlyList<double[]> StartingValues()
    {
        var m0 = Mean.StartingValues(_y);
        var e = new double[_y.Length - Mean.Lags];
        Mean.Residuals(m0, _y, e);
        double avg = 0;
        foreach (var v in e)
        {
            avg += v;
        }

        avg /= e.Length;
        double variance = 0;
        foreach (var v in e)
        {
            variance += (v - avg) * (v - avg);
        }

        variance /= e.Length;
        var d0 = Distribution.StartingValues();
        var list = new List<double[]>();
        foreach (var v0 in Volatility.StartingGrid(variance))
        {
            list.Add(m0.Concat(v0).Concat(d0).ToArray());
        }

        return list;
    }

    /// <summary>
    /// Maximum-likelihood fit: grid of starts, BFGS (BHHH-initialised) from the best few, Newton polishing,
    /// then Hessian and sandwich (QMLE) standard errors. A fit that does not converge is returned with
    /// <see cref="ConvergenceReport.Converged"/> = false and a message; it is never silently accepted.
    /// </summary>
    /// <param name="options">Options (null for <see cref="ArchFitOptions.Default"/>).</param>
    /// <returns>The immutable fit result.</returns>
    public ArchFitResult Fit(ArchFitOptions? options = null)
    {
        options ??= ArchFitOptions.Default;
        options.Validate();
        var engine = CreateEngine();
        var optimizer = new ArchOptimizer(engine, options.Limits);
        var outcome = optimizer.Maximize(StartingValues());
        var report = new ConvergenceReport(outcome.Converged, outcome.Iterations, outcome.GradientEvaluations, outcome.GradientNorm, outcome.Message);
        return ArchFitResult.Build(this, engine, outcome.Theta, outcome.Hessian ?? optimizer.Hessian(outcome.Theta), report);
    }

    /// <summary>
    /// A result at fixed parameters (no estimation): filtered variances, log-likelihood, and standard errors
    /// evaluated at these parameters.
    /// </summary>
    /// <param name="parameters">Full parameter vector, admissible.</param>
    /// <returns>The result; its convergence report says the parameters were fixed.</returns>
    public ArchFitResult FixedParameters(ReadOnlySpan<double> parameters)
    {
        CheckLength(parameters);
        var engine = CreateEngine();
        if (!double.IsFinite(engine.LogLikelihood(parameters)))
        {
            throw new ArgumentException("Parameters are not admissible for this model (log-likelihood is not finite).", nameof(parameters));
        }

        var theta = parameters.ToArray();
        var optimizer = new ArchOptimizer(engine, ArchFitOptions.Default.Limits);
        var report = new ConvergenceReport(false, 0, 0, double.NaN, "Parameters fixed by the caller; not estimated.");
        return ArchFitResult.Build(this, engine, theta, optimizer.Hessian(theta), report);
    }

    /// <summary>
    /// Rebuilds a fit from stored estimates and their estimation summary without re-estimating (see <see cref="ArchFitResult"/>):
    /// one filter pass over the returns; the caller (the model-file reader) has checked the values.
    /// </summary>
    internal ArchFitResult Restore(ReadOnlySpan<double> parameters, double logLikelihood, ConvergenceReport report, bool standardErrorsAvailable,
        double[] standardErrors, double[] robustStandardErrors)
    {
        CheckLength(parameters);
        return ArchFitResult.Restore(this, CreateEngine(), parameters.ToArray(), logLikelihood, report, standardErrorsAvailable, standardErrors, robustStandardErrors);
    }

    private void CheckLength(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != Parameters.Count)
        {
            throw new ArgumentException($"Expected {Parameters.Count} parameters ({string.Join(", ", Parameters.Select(p => p.Name))}) but got {parameters.Length}.", nameof(parameters));
        }
    }
}
