using MlNetLstm.Data;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Orleans;

/// <summary>The walk-forward of one series of a universe backtest (<see cref="WalkForward"/>'s inputs, serialisable).</summary>
[GenerateSerializer, Immutable]
public sealed record SeriesBacktestRequest
{
    /// <summary>The series' name (tables and JSON).</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>Returns, oldest first.</summary>
    [Id(1)] public double[] Returns { get; init; } = [];

    /// <summary>The models.</summary>
    [Id(2)] public ModelSpec Models { get; init; } = new();

    /// <summary><see cref="WalkForwardOptions.TrainSize"/>.</summary>
    [Id(3)] public int TrainSize { get; init; } = 1000;

    /// <summary><see cref="WalkForwardOptions.TestSize"/>.</summary>
    [Id(4)] public int? TestSize { get; init; }

    /// <summary><see cref="WalkForwardOptions.RefitEvery"/>.</summary>
    [Id(5)] public int RefitEvery { get; init; } = 20;

    /// <summary><see cref="WalkForwardOptions.Horizon"/>.</summary>
    [Id(6)] public int Horizon { get; init; } = 1;

    /// <summary>Worker threads of the walk-forward on the silo (results do not depend on it).</summary>
    [Id(7)] public int Threads { get; init; } = 1;

    /// <summary>Names of the exogenous columns (empty: none).</summary>
    [Id(8)] public string[] ExogenousNames { get; init; } = [];

    /// <summary>Exogenous columns, aligned with <see cref="Returns"/>.</summary>
    [Id(9)] public double[][] ExogenousColumns { get; init; } = [];

    /// <summary>The exogenous series, or null.</summary>
    public ExogenousSeries? Exogenous => ExogenousNames.Length == 0 ? null
        : ExogenousSeries.FromColumns(ExogenousNames.Zip(ExogenousColumns, (n, c) => new KeyValuePair<string, double[]>(n, c)).ToList());

    /// <summary>The walk-forward options of this request (rolling window, QLIKE ranking, as <c>mlnetlstm backtest</c>).</summary>
    /// <param name="threads">Worker threads.</param>
    /// <param name="exogenous">Pass the exogenous series (false: only for replayed forecasts, which ignore them).</param>
    public WalkForwardOptions Options(int threads, bool exogenous = true) => new()
    {
        TrainSize = TrainSize,
        TestSize = TestSize,
        RefitEvery = RefitEvery,
        Horizon = Horizon,
        Threads = threads,
        Window = WalkForwardWindow.Rolling,
        RankingLoss = Loss.Qlike,
        Exogenous = exogenous ? Exogenous : null,
    };
}
