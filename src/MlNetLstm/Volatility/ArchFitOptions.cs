namespace MlNetLstm.Volatility;

/// <summary>Options of <see cref="ArchModel.Fit"/>. Defaults are defined here once.</summary>
public sealed record ArchFitOptions
{
    /// <summary>The default options.</summary>
    public static ArchFitOptions Default { get; } = new();

    /// <summary>Number of best grid starting points that get a short BFGS run, or a short Newton run for GARCH/GJR with Normal innovations (default 3).</summary>
    public int Starts { get; init; } = 3;

    /// <summary>BFGS iterations spent on each screened start before the best is continued (default 8); for GARCH/GJR with Normal innovations, which use Newton on the exact Hessian, at most 2 Newton iterations.</summary>
    public int ScreeningIterations { get; init; } = 8;

    /// <summary>Maximum BFGS (or, with the exact Hessian, Newton) iterations of the main run (default 500).</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Maximum Newton polishing iterations after BFGS (default 20; the exact-Hessian Newton path needs no separate polish).</summary>
    public int PolishIterations { get; init; } = 20;

    /// <summary>
    /// Convergence tolerance on the Newton decrement 0.5 g' (-H)^-1 g (the predicted remaining log-likelihood gain)
    /// at the final point (default 1e-6).
    /// </summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (Starts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Starts), Starts, "Starts must be at least 1.");
        }

        if (ScreeningIterations < 0 || MaxIterations < 0 || PolishIterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), "Iteration limits must be non-negative.");
        }

        if (!(Tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be positive.");
        }
    }
}

/// <summary>How the optimiser finished.</summary>
/// <param name="Converged">True when the Newton decrement at the final point is below the tolerance and the Hessian is negative definite on the free parameters.</param>
/// <param name="Iterations">BFGS plus Newton iterations.</param>
/// <param name="GradientEvaluations">Number of gradient evaluations (including those for the Hessian).</param>
/// <param name="GradientNorm">Max-norm of the log-likelihood gradient over parameters not held at a bound.</param>
/// <param name="Message">Human-readable status.</param>
public sealed record ConvergenceReport(bool Converged, int Iterations, int GradientEvaluations, double GradientNorm, string Message);

/// <summary>Method used for multi-step variance forecasts.</summary>
public enum ForecastMethod
{
    /// <summary>Analytic when the process has a closed form, simulation otherwise.</summary>
    Auto,

    /// <summary>Closed-form recursion for E[h_{T+k}] (GARCH, GJR, EWMA, constant).</summary>
    Analytic,

    /// <summary>Monte-Carlo with innovations drawn from the fitted distribution.</summary>
    Simulation,

    /// <summary>Monte-Carlo with innovations resampled from the fitted standardised residuals.</summary>
    Bootstrap,
}

/// <summary>Options of multi-step forecasts. Defaults are defined here once.</summary>
public sealed record ForecastOptions
{
    /// <summary>The default options.</summary>
    public static ForecastOptions Default { get; } = new();

    /// <summary>Forecast method (default <see cref="ForecastMethod.Auto"/>).</summary>
    public ForecastMethod Method { get; init; } = ForecastMethod.Auto;

    /// <summary>Number of simulated paths for simulation/bootstrap (default 2000).</summary>
    public int Simulations { get; init; } = 2000;

    /// <summary>Random seed for simulation/bootstrap (default 20240601); same seed, same forecast.</summary>
    public int Seed { get; init; } = 20240601;
}

/// <summary>
/// Multi-step forecasts from origin T: element k-1 refers to T+k.
/// </summary>
/// <param name="Mean">E[r_{T+k} | F_T].</param>
/// <param name="ResidualVariance">E[h_{T+k} | F_T], the conditional variance of the innovation e_{T+k}.</param>
/// <param name="ReturnVariance">Var[r_{T+k} | F_T] = sum_{j=0..k-1} psi_j^2 E[h_{T+k-j}] with psi the mean's impulse response (equal to ResidualVariance for zero/constant means).</param>
/// <param name="Method">Method actually used.</param>
public sealed record ArchForecast(IReadOnlyList<double> Mean, IReadOnlyList<double> ResidualVariance, IReadOnlyList<double> ReturnVariance, ForecastMethod Method);
