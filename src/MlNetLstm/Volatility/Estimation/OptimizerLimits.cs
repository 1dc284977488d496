namespace MlNetLstm.Volatility.Estimation;

/// <summary>
/// The limits <see cref="ArchOptimizer"/> works within, taken from the public <c>ArchFitOptions</c> by the facade
/// (<c>ArchFitOptions.Limits</c>; the defaults are defined there once), so the estimation layer does not depend on the facade.
/// </summary>
/// <param name="Starts">Best grid starting points screened.</param>
/// <param name="ScreeningIterations">BFGS (or at most 2 Newton) iterations on each screened start.</param>
/// <param name="MaxIterations">Maximum BFGS or Newton iterations of the main run.</param>
/// <param name="PolishIterations">Maximum Newton polishing iterations after BFGS.</param>
/// <param name="Tolerance">Convergence tolerance on the Newton decrement.</param>
internal readonly record struct OptimizerLimits(int Starts, int ScreeningIterations, int MaxIterations, int PolishIterations, double Tolerance);
