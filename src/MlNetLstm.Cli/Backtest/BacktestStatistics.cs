using MlNetLstm.Evaluation;

namespace MlNetLstm.Cli.Backtest;

/// <summary>Comparisons shared by the backtest's table, JSON and HTML report.</summary>
internal static class BacktestStatistics
{
    /// <summary>The squared returns at the forecasts' targets (the r² proxy).</summary>
    internal static double[] Squares(WalkForwardReport report) => report.TargetReturns.Select(r => r * r).ToArray();

    /// <summary>Diebold-Mariano test of equal MSE against the benchmark (null for the benchmark itself).</summary>
    internal static DieboldMarianoResult? DmMse(WalkForwardModelResult m, WalkForwardModelResult baseline, WalkForwardReport report) =>
        m.Name == baseline.Name ? null : DieboldMariano.Test(Loss.MeanSquaredError, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), report.Proxy.ToArray(),
            new DieboldMarianoOptions { Horizon = report.Horizon });
}
