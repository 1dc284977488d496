namespace MlNetLstm.Evaluation;

/// <summary>A likelihood-ratio test: statistic, χ² degrees of freedom and p-value. Immutable.</summary>
/// <param name="Statistic">LR statistic (≥ 0).</param>
/// <param name="DegreesOfFreedom">Degrees of freedom of the χ² reference distribution.</param>
/// <param name="PValue">Upper-tail p-value <c>1 - F_χ²(Statistic)</c>.</param>
public sealed record LikelihoodRatioTest(double Statistic, int DegreesOfFreedom, double PValue);
