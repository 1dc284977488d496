namespace MlNetLstm.Volatility;

/// <summary>How the optimiser finished.</summary>
/// <param name="Converged">True when the Newton decrement at the final point is below the tolerance and the Hessian is negative definite on the free parameters.</param>
/// <param name="Iterations">BFGS plus Newton iterations.</param>
/// <param name="GradientEvaluations">Number of gradient evaluations (including those for the Hessian).</param>
/// <param name="GradientNorm">Max-norm of the log-likelihood gradient over parameters not held at a bound.</param>
/// <param name="Message">Human-readable status.</param>
public sealed record ConvergenceReport(bool Converged, int Iterations, int GradientEvaluations, double GradientNorm, string Message);
