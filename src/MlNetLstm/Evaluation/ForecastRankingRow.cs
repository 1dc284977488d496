namespace MlNetLstm.Evaluation;

/// <summary>One row of a <see cref="ForecastRanking"/>. Immutable.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Rank">1 = lowest loss under the ranking loss.</param>
/// <param name="Mse">Mean squared error.</param>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Qlike">Mean QLIKE loss (+∞ when a forecast is not strictly positive and QLIKE is not the ranking loss).</param>
/// <param name="VersusBest">DM test of this model (1) against the best (2); null for the best model itself.
/// A positive statistic means the best model is more accurate.</param>
/// <param name="VersusBenchmark">DM test of this model (1) against the benchmark (2); null without a benchmark
/// or for the benchmark itself.</param>
public sealed record ForecastRankingRow(string Name, int Rank, double Mse, double Mae, double Qlike,
    DieboldMarianoResult? VersusBest, DieboldMarianoResult? VersusBenchmark);
