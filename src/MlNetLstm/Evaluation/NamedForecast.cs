namespace MlNetLstm.Evaluation;

/// <summary>A named forecast series used to build a <see cref="ForecastRanking"/>.</summary>
/// <param name="Name">Model name (unique within a ranking).</param>
/// <param name="Forecasts">Variance forecasts aligned with the proxy.</param>
public sealed record NamedForecast(string Name, IReadOnlyList<double> Forecasts);
