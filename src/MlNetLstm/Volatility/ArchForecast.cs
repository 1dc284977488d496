namespace MlNetLstm.Volatility;

/// <summary>
/// Multi-step forecasts from origin T: element k-1 refers to T+k.
/// </summary>
/// <param name="Mean">E[r_{T+k} | F_T].</param>
/// <param name="ResidualVariance">E[h_{T+k} | F_T], the conditional variance of the innovation e_{T+k}.</param>
/// <param name="ReturnVariance">Var[r_{T+k} | F_T] = sum_{j=0..k-1} psi_j^2 E[h_{T+k-j}] with psi the mean's impulse response (equal to ResidualVariance for zero/constant means).</param>
/// <param name="Method">Method actually used.</param>
public sealed record ArchForecast(IReadOnlyList<double> Mean, IReadOnlyList<double> ResidualVariance, IReadOnlyList<double> ReturnVariance, ForecastMethod Method);
