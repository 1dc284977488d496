namespace MlNetLstm.Ssa;

/// <summary>A forecast path with confidence bounds. Immutable.</summary>
/// <param name="Values">Point forecasts, element h-1 for step h.</param>
/// <param name="LowerBounds">Lower bounds.</param>
/// <param name="UpperBounds">Upper bounds.</param>
/// <param name="ConfidenceLevel">Nominal coverage of the bounds.</param>
public sealed record SsaForecast(IReadOnlyList<double> Values, IReadOnlyList<double> LowerBounds, IReadOnlyList<double> UpperBounds, double ConfidenceLevel);
