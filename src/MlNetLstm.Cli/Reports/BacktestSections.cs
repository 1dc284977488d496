using MlNetLstm.Cli.Backtest;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Cli.Reports;

/// <summary>One series' section of the HTML report (<see cref="BacktestHtmlReport"/>): table rows, charted forecasts, gate telemetry.</summary>
internal static class BacktestSections
{
    internal static BacktestSection Build(BacktestRun run, BacktestSeries set, WalkForwardReport report, string best, VolatilityTelemetry? telemetry, int seeds)
    {
        WalkForwardModelResult baseline = report[best];
        var rows = report.Models.Select(m =>
        {
            DieboldMarianoResult? dm = m.Name == best ? null : DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(),
                report.Proxy.ToArray(), new DieboldMarianoOptions { Horizon = report.Horizon });
            DieboldMarianoResult? dmMse = set.Intraday is null ? null : BacktestStatistics.DmMse(m, baseline, report);
            return new BacktestRow(m.Name, m.Qlike, m.Mse, m.Mae, m.MincerZarnowitzRSquared, dm?.Statistic ?? double.NaN, dm?.PValue ?? double.NaN, run.FitSeconds(set, m),
                dmMse?.Statistic ?? double.NaN, dmMse?.PValue ?? double.NaN, m.FallbackCount);
        }).ToList();
        var forecasts = report.Models.Where(m => BacktestRunner.NeuralNames.Contains(m.Name) || m.Name == best)
            .Select(m => (m.Name, (IReadOnlyList<double>)m.Forecasts)).ToList();
        IReadOnlyList<double>? forget = null, abs = null, term = null;
        IReadOnlyList<DateTime>? dates = set.Dates is null ? null : report.TargetIndices.Select(i => set.Dates[i]).ToArray();
        IReadOnlyList<DateTime>? gateDates = set.Dates is null ? null : report.Origins.Select(o => set.Dates[o - 1]).ToArray();
        int[] targets = report.TargetIndices.ToArray();
        Func<int, bool> exact = set.ExactDate is null ? _ => true : k => set.ExactDate(targets[k]);
        if (telemetry is not null)
        {
            int skip = telemetry.ForgetGate.Length - report.Origins.Count;
            forget = telemetry.ForgetGate.Skip(skip).ToArray();
            term = telemetry.RegimeTerm.Skip(skip).ToArray();
            abs = set.Returns.Skip(report.Origins[0] - 1).Take(report.Origins.Count).Select(Math.Abs).ToArray();
        }
        string lstms = seeds > 1 ? $" Each LSTM is a {seeds}-seed ensemble (geometric mean of the forecasts){(telemetry is null ? "" : "; the gate charts show its first network")}." : string.Empty;
        return new BacktestSection(set.Name, set.Description + $" Forecasts from origin {report.Origins[0]} on ({report.Origins.Count} of them), horizon {report.Horizon}.{lstms}",
            best, rows, dates, exact, set.DateNote, report.Proxy, forecasts, forget, abs, term, gateDates,
            set.Intraday is null ? "r²" : "RV", set.Intraday is null ? "the best baseline" : "the benchmark");
    }
}
