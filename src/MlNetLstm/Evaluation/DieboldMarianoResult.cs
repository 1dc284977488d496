namespace MlNetLstm.Evaluation;

/// <summary>
/// Diebold-Mariano test result. The loss differential is <c>d_t = L1_t - L2_t</c>; a positive
/// <see cref="Statistic"/> means forecast 2 has lower loss. Immutable.
/// </summary>
/// <param name="MeanDifference">Mean loss differential d̄.</param>
/// <param name="Statistic">DM statistic <c>d̄ / sqrt(LRV / n)</c> (times the HLN factor when corrected).</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Observations">Number of paired losses n.</param>
/// <param name="Lags">Newey-West lags used.</param>
/// <param name="HarveyCorrected">Whether the HLN correction and t(n-1) reference were used.</param>
public sealed record DieboldMarianoResult(double MeanDifference, double Statistic, double PValue, int Observations, int Lags, bool HarveyCorrected);
