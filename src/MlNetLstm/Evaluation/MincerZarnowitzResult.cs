namespace MlNetLstm.Evaluation;

/// <summary>
/// Mincer-Zarnowitz regression <c>proxy_t = a + b · forecast_t + u_t</c>. An unbiased, efficient forecast has
/// a = 0 and b = 1. Immutable.
/// </summary>
/// <param name="Intercept">Estimated a.</param>
/// <param name="Slope">Estimated b.</param>
/// <param name="InterceptStandardError">Classical OLS standard error of a.</param>
/// <param name="SlopeStandardError">Classical OLS standard error of b.</param>
/// <param name="InterceptHacStandardError">Newey-West standard error of a.</param>
/// <param name="SlopeHacStandardError">Newey-West standard error of b.</param>
/// <param name="RSquared">R² of the regression (share of proxy variance explained by the forecast).</param>
/// <param name="WaldStatistic">HAC Wald statistic of the joint hypothesis (a, b) = (0, 1), χ²(2) under the null.</param>
/// <param name="WaldPValue">p-value of <paramref name="WaldStatistic"/>.</param>
/// <param name="Observations">Number of observations n.</param>
/// <param name="HacLags">Newey-West lags used.</param>
public sealed record MincerZarnowitzResult(
    double Intercept, double Slope, double InterceptStandardError, double SlopeStandardError,
    double InterceptHacStandardError, double SlopeHacStandardError, double RSquared,
    double WaldStatistic, double WaldPValue, int Observations, int HacLags);
