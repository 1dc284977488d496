using MlNetLstm.Data;

namespace MlNetLstm.Evaluation;

/// <summary>Options of <see cref="WalkForward.Run(ReadOnlySpan{double}, IReadOnlyList{IVarianceModel}, WalkForwardOptions?, IProgress{WalkForwardProgress}?)"/>.</summary>
public sealed class WalkForwardOptions
{
    /// <summary>Number of returns before the first forecast origin (and the rolling window length). Default 1000.</summary>
    public int TrainSize { get; init; } = 1000;

    /// <summary>Number of forecast origins; null runs to the end of the sample. Default null.</summary>
    public int? TestSize { get; init; }

    /// <summary>Refit every this many origins (1 = refit at every origin). Default 20.</summary>
    public int RefitEvery { get; init; } = 20;

    /// <summary>Rolling or expanding training window. Default <see cref="WalkForwardWindow.Rolling"/>.</summary>
    public WalkForwardWindow Window { get; init; } = WalkForwardWindow.Rolling;

    /// <summary>Forecast horizon h ≥ 1: the evaluated forecast is element h-1 of each forecast path. Default 1.</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Maximum number of (model, refit block) work items run in parallel. Results do not depend on it. Default 1.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Optional variance proxy aligned with the returns (same length, e.g. realised variance); null uses the squared
    /// return <c>r_t²</c>. The proxy of target day t is only read for evaluation, never given to a model.
    /// </summary>
    public IReadOnlyList<double>? Proxy { get; init; }

    /// <summary>
    /// Exogenous series aligned with the returns (row t observed with r_t), or null. Models whose
    /// <see cref="IVarianceModel.UsesExogenous"/> is true receive the rows of their fitting window and, when forecasting
    /// from origin t, the rows before t, exactly like the returns; the other models never see them.
    /// </summary>
    public ExogenousSeries? Exogenous { get; init; }

    /// <summary>
    /// What to do when a model forecasts a non-finite or non-positive variance: throw (default) or substitute
    /// <see cref="WalkForward.FallbackVariance(ReadOnlySpan{double})"/> and count it per model
    /// (<see cref="WalkForwardModelResult.FallbackCount"/>, <see cref="WalkForwardModelResult.FallbackOrigins"/>).
    /// </summary>
    public InvalidForecastPolicy InvalidForecasts { get; init; } = InvalidForecastPolicy.Throw;

    /// <summary>Loss used to pick the best model and to run the DM tests (<see cref="ForecastRanking.Build(IReadOnlyList{NamedForecast}, ReadOnlySpan{double}, Loss, string?, DieboldMarianoOptions?)"/>). Default QLIKE.</summary>
    public Loss RankingLoss { get; init; } = Loss.Qlike;

    /// <summary>Former type of <see cref="RankingLoss"/>; reads and writes it.</summary>
    [Obsolete("Use RankingLoss (of type MlNetLstm.Loss).")]
    public LossFunction RankBy { get => RankingLoss.ToLossFunction(); init => RankingLoss = value.ToLoss(); }

    /// <summary>Optional benchmark model name for the DM-versus-benchmark column of the ranking.</summary>
    public string? Benchmark { get; init; }

    /// <summary>Newey-West lags for the DM tests; null uses the <see cref="DieboldMarianoOptions.Lags"/> default.</summary>
    public int? DieboldMarianoLags { get; init; }

    /// <summary>Newey-West lags for the Mincer-Zarnowitz HAC errors; null means the rule of thumb.</summary>
    public int? MincerZarnowitzLags { get; init; }
}
