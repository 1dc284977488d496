namespace MlNetLstm.Evaluation;

/// <summary>
/// A volatility model specification that the walk-forward backtester can fit on a window of returns.
/// Implemented by the GARCH family, EWMA, HAR, SSA and the LSTM forecasters.
/// </summary>
public interface IVarianceModel
{
    /// <summary>Short stable name used in tables and JSON (for example "garch", "ewma", "lstm-regime").</summary>
    string Name { get; }

    /// <summary>Fits the model on <paramref name="returns"/> (oldest first). Must not read anything else.</summary>
    /// <param name="returns">Training returns, oldest first.</param>
    /// <returns>An immutable fitted model.</returns>
    IFittedVarianceModel Fit(ReadOnlySpan<double> returns);
}

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
}
