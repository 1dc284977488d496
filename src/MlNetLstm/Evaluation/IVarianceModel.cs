using MlNetLstm.Data;

namespace MlNetLstm.Evaluation;

/// <summary>
/// A volatility model specification that the walk-forward backtester can fit on a window of returns.
/// Implemented by the GARCH family, EWMA, HAR, SSA and the LSTM forecasters.
/// <para>
/// Exogenous inputs: a model that conditions on exogenous series (<see cref="ExogenousSeries"/>, row t observed with
/// r_t) says so with <see cref="UsesExogenous"/> and implements the overloads that take them. The univariate baselines
/// keep the default implementations, which ignore the exogenous series: they are by definition return-only models.
/// </para>
/// </summary>
public interface IVarianceModel
{
    /// <summary>Short stable name used in tables and JSON (for example "garch", "ewma", "lstm-regime").</summary>
    string Name { get; }

    /// <summary>Fits the model on <paramref name="returns"/> (oldest first). Must not read anything else.</summary>
    /// <param name="returns">Training returns, oldest first.</param>
    /// <returns>An immutable fitted model.</returns>
    IFittedVarianceModel Fit(ReadOnlySpan<double> returns);

    /// <summary>True when the model reads exogenous series passed to <see cref="Fit(ReadOnlySpan{double}, ExogenousSeries?)"/>.</summary>
    bool UsesExogenous => false;

    /// <summary>
    /// Fits the model on <paramref name="returns"/> and the aligned <paramref name="exogenous"/> series (row t observed
    /// with r_t; same number of rows). The default ignores <paramref name="exogenous"/> and calls <see cref="Fit(ReadOnlySpan{double})"/>.
    /// </summary>
    /// <param name="returns">Training returns, oldest first.</param>
    /// <param name="exogenous">Aligned exogenous series, or null.</param>
    /// <returns>An immutable fitted model.</returns>
    IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous) => Fit(returns);
}
