using System.Globalization;
using MlNetLstm.Cli.Backtest;
using MlNetLstm.Cli.Text;
using MlNetLstm.Evaluation;
using Spectre.Console;

namespace MlNetLstm.Cli.Reports;

/// <summary>The console output of <c>mlnetlstm backtest</c>: one loss table per series with its legend.</summary>
internal static class BacktestConsoleTable
{
    internal static void Write(IAnsiConsole console, BacktestRun run, BacktestSeries set, WalkForwardReport report, string best)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(set.Name)}[/]: {report.Origins.Count} out-of-sample forecasts, horizon {report.Horizon}");
        table.AddColumn("model");
        bool realized = set.Intraday is not null;
        string[] heads = realized ? ["QLIKE", "MSE", "MAE", "MZ R²", $"DM vs {best}", "p-value", "DM (MSE)", "p-value", "fit s", "fallbacks"] : ["QLIKE", "MSE", "MAE", "MZ R²", $"DM vs {best}", "p-value", "fit s", "fallbacks"];
        foreach (string c in heads) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        WalkForwardModelResult baseline = report[best];
        var dms = report.Models.ToDictionary(m => m.Name, m => m.Name == best ? null : DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(),
            baseline.Forecasts.ToArray(), report.Proxy.ToArray(), new DieboldMarianoOptions { Horizon = report.Horizon }));
        // One style per column: fixed, or scientific with a two-digit exponent when the magnitudes need it.
        var fq = NumberFormat.ForColumn(report.Models.Select(m => m.Qlike));
        var fmse = NumberFormat.ForColumn(report.Models.Select(m => m.Mse));
        var fmae = NumberFormat.ForColumn(report.Models.Select(m => m.Mae));
        var fr2 = NumberFormat.ForColumn(report.Models.Select(m => m.MincerZarnowitzRSquared), 4);
        foreach (WalkForwardModelResult m in report.Models)
        {
            DieboldMarianoResult? dm = dms[m.Name];
            string name = m.Name == report.BestModel ? $"[bold]{m.Name}[/]" : m.Name;
            var cells = new List<string> { name, fq(m.Qlike), fmse(m.Mse), fmae(m.Mae), fr2(m.MincerZarnowitzRSquared),
                dm is null ? "–" : dm.Statistic.ToString("F2", CultureInfo.InvariantCulture), dm is null ? "–" : NumberFormat.PValue(dm.PValue) };
            if (realized)
            {
                DieboldMarianoResult? dmMse = BacktestStatistics.DmMse(m, baseline, report);
                cells.Add(dmMse is null ? "–" : dmMse.Statistic.ToString("F2", CultureInfo.InvariantCulture));
                cells.Add(dmMse is null ? "–" : NumberFormat.PValue(dmMse.PValue));
            }
            cells.Add(run.FitSeconds(set, m).ToString("F2", CultureInfo.InvariantCulture));
            cells.Add(m.FallbackCount.ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLine("fallbacks: forecasts that were non-finite or non-positive and were replaced by the EWMA (λ 0.94) of the history before the origin.");
        if (realized)
            console.MarkupLine($"Proxy: daily realized variance RV, not r² ({Markup.Escape(set.Intraday!.Options.Describe())}). Best by QLIKE: [bold]{Markup.Escape(report.BestModel)}[/]; " +
                               $"benchmark: {Markup.Escape(best)}. DM < 0: the row's model has the lower QLIKE (or MSE) than {Markup.Escape(best)}.");
        else
            console.MarkupLine($"Best by QLIKE: [bold]{Markup.Escape(report.BestModel)}[/]; best baseline: {Markup.Escape(best)}. DM < 0: the row's model has the lower QLIKE than {Markup.Escape(best)}.");
        console.WriteLine();
    }

    /// <summary>A Spectre console on <paramref name="writer"/>: colours and live progress only on a real terminal, 140 columns otherwise.</summary>
    internal static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 140;
        return console;
    }
}
