using MlNetLstm.Volatility.Estimation;

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

    /// <summary>These options as the optimiser's limits (the estimation layer does not see this facade type).</summary>
    internal OptimizerLimits Limits => new(Starts, ScreeningIterations, MaxIterations, PolishIterations, Tolerance);

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
