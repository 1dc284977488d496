using MlNetLstm.Evaluation;
using MlNetLstm.Features;

namespace MlNetLstm.Volatility.Har;

/// <summary>Options of <see cref="HarModel.Fit"/>. Defaults: Corsi's 1/5/22 windows, level HAR, iterated forecasts.</summary>
public sealed class HarOptions
{
    /// <summary>Weekly window (default 5).</summary>
    public int WeeklyWindow { get; init; } = HarComponents.DefaultWeeklyWindow;

    /// <summary>Monthly window (default 22).</summary>
    public int MonthlyWindow { get; init; } = HarComponents.DefaultMonthlyWindow;

    /// <summary>
    /// Log-HAR: regress <c>ln v_{t+1}</c> on <c>ln d_t, ln w_t, ln m_t</c> (logs of the averaged levels). Values are floored at
    /// <see cref="LogFloorFraction"/> × the mean training proxy before taking logs (squared returns can be zero). Forecasts are
    /// mapped back with Duan's (1983) smearing estimator <c>exp(ŷ) · mean_t(exp(u_t))</c> over the regression residuals u, which
    /// (unlike the log-normal <c>exp(s²/2)</c>) stays accurate for the strongly skewed log of squared returns.
    /// </summary>
    public bool Log { get; init; }

    /// <summary>Floor for log-HAR, as a fraction of the mean training proxy (default 1e-3).</summary>
    public double LogFloorFraction { get; init; } = 1e-3;

    /// <summary>Forecast method (default <see cref="HarForecastMethod.Iterated"/>).</summary>
    public HarForecastMethod ForecastMethod { get; init; } = HarForecastMethod.Iterated;

    /// <summary>Largest horizon with a direct regression (only used by <see cref="HarForecastMethod.Direct"/>; default 22).</summary>
    public int MaxHorizon { get; init; } = 22;

    /// <summary>
    /// Newey-West lags for the HAC standard errors; null means <c>floor(4 (n/100)^(2/9)) + h - 1</c> for the horizon-h
    /// regression (rule of thumb plus the h - 1 overlap lags of an h-step target), capped at n - 1.
    /// </summary>
    public int? NeweyWestLags { get; init; }
}
