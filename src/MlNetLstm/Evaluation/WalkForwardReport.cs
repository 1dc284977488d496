namespace MlNetLstm.Evaluation;

/// <summary>Immutable report of a walk-forward run.</summary>
public sealed class WalkForwardReport
{
    internal WalkForwardReport(int[] origins, int[] targets, double[] proxy, double[] targetReturns, WalkForwardModelResult[] models, ForecastRanking ranking, int horizon)
    {
        TargetReturns = Array.AsReadOnly(targetReturns);
        Origins = Array.AsReadOnly(origins);
        TargetIndices = Array.AsReadOnly(targets);
        Proxy = Array.AsReadOnly(proxy);
        Models = Array.AsReadOnly(models);
        Ranking = ranking;
        Horizon = horizon;
    }

    /// <summary>Forecast origins t: the forecast made at t uses returns with index &lt; t only.</summary>
    public IReadOnlyList<int> Origins { get; }

    /// <summary>Index of the return each evaluated forecast targets: <c>t + h - 1</c>.</summary>
    public IReadOnlyList<int> TargetIndices { get; }

    /// <summary>Realised proxy at each target index.</summary>
    public IReadOnlyList<double> Proxy { get; }

    /// <summary>Realised return at each target index (for VaR backtests).</summary>
    public IReadOnlyList<double> TargetReturns { get; }

    /// <summary>Per-model results, in the order the models were given.</summary>
    public IReadOnlyList<WalkForwardModelResult> Models { get; }

    /// <summary>Ranking table by <see cref="WalkForwardOptions.RankingLoss"/>, with DM tests versus the best and the benchmark.</summary>
    public ForecastRanking Ranking { get; }

    /// <summary>Name of the model with the lowest ranking loss.</summary>
    public string BestModel => Ranking.Best;

    /// <summary>Forecast horizon h.</summary>
    public int Horizon { get; }

    /// <summary>Looks a model's result up by name.</summary>
    /// <param name="name">Model name.</param>
    /// <returns>The result.</returns>
    /// <exception cref="KeyNotFoundException">No such model.</exception>
    public WalkForwardModelResult this[string name] =>
        Models.FirstOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"No model named '{name}' in the report.");

    /// <summary>
    /// VaR backtest of one model's out-of-sample variance forecasts against the realised target returns
    /// (zero conditional mean; see <see cref="VarBacktest"/> for the conventions).
    /// </summary>
    /// <param name="name">Model name.</param>
    /// <param name="alpha">Tail probability α in (0, 1), e.g. 0.01.</param>
    /// <param name="distribution">Standardised return distribution; null means normal.</param>
    /// <returns>Hit statistics with the Kupiec and Christoffersen tests.</returns>
    public VarBacktestResult BacktestVar(string name, double alpha, StandardizedDistribution? distribution = null) =>
        VarBacktest.Run(TargetReturns.ToArray(), this[name].Forecasts.ToArray(), alpha, distribution);
}
