namespace MlNetLstm.Volatility.Estimation;

/// <summary>Outcome of <see cref="ArchOptimizer.Maximize"/>.</summary>
internal sealed record OptimizationOutcome(double[] Theta, double LogLikelihood, int Iterations, int GradientEvaluations, double GradientNorm, bool Converged, string Message, double[]? Hessian);
