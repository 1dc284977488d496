using MlNetLstm.Data;

namespace MlNetLstm.Evaluation;

/// <summary>
/// A fitted, immutable and thread-safe volatility model that forecasts conditional variances.
/// </summary>
public interface IFittedVarianceModel
{
    /// <summary>
    /// Forecasts the conditional variance of the next <paramref name="horizon"/> returns, conditioning on
    /// <paramref name="history"/> (all returns observed so far, oldest first; it extends the fitting window).
    /// Element h-1 of the result is the forecast of Var[r_{T+h} | r_1..r_T], T = history.Length.
    /// </summary>
    /// <param name="history">Returns observed up to now, oldest first.</param>
    /// <param name="horizon">Number of steps ahead, at least 1.</param>
    /// <returns>Positive, finite variance forecasts, one per step.</returns>
    double[] ForecastVariance(ReadOnlySpan<double> history, int horizon);

    /// <summary>
    /// Forecasts like <see cref="ForecastVariance(ReadOnlySpan{double}, int)"/>, also conditioning on the exogenous series
    /// observed so far (<paramref name="exogenousHistory"/> has one row per element of <paramref name="history"/>).
    /// The default ignores the exogenous series.
    /// </summary>
    /// <param name="history">Returns observed up to now, oldest first.</param>
    /// <param name="exogenousHistory">Aligned exogenous rows, or null.</param>
    /// <param name="horizon">Number of steps ahead, at least 1.</param>
    /// <returns>Positive, finite variance forecasts, one per step.</returns>
    double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon) => ForecastVariance(history, horizon);
}
