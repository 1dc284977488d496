using System.Globalization;
using System.Net;
using System.Text;
using MlNetLstm.Cli.Text;
using ScottPlot;

namespace MlNetLstm.Cli.Reports;

/// <summary>One row of the backtest loss table.</summary>
internal sealed record BacktestRow(string Name, double Qlike, double Mse, double Mae, double MzR2, double DmStatistic, double DmPValue, double FitSeconds,
    double DmMseStatistic = double.NaN, double DmMsePValue = double.NaN, int Fallbacks = 0);

/// <summary>Everything the HTML report shows for one data set.</summary>
/// <param name="DataSet">Name of the data set.</param>
/// <param name="Description">One paragraph describing data and set-up.</param>
/// <param name="Benchmark">The best baseline (DM tests are against it).</param>
/// <param name="Rows">Loss table, in model order.</param>
/// <param name="Dates">Date of the return each forecast targets (one per forecast), or null when the data has no dates.</param>
/// <param name="DateIsExact">Whether the date of forecast k is exact (false: reconstructed, shown with "≈").</param>
/// <param name="DateNote">How the dates were obtained, when not read from the data (null otherwise).</param>
/// <param name="Proxy">Realized proxy r² at each forecast's target.</param>
/// <param name="Forecasts">Variance forecasts to plot: every LSTM and the best baseline.</param>
/// <param name="ForgetGate">Mean forget-gate activation of lstm-regime at each origin (or null).</param>
/// <param name="AbsoluteReturns">|r| of the last return before each origin (or null).</param>
/// <param name="RegimeTerm">Mean regime term of lstm-regime at each origin (or null).</param>
/// <param name="GateDates">Date of the last return before each origin (or null).</param>
/// <param name="ProxyLabel">What the proxy is: "r²" (squared daily return) or "RV" (daily realized variance from intraday data).</param>
/// <param name="BenchmarkLabel">How the DM benchmark is named in the summary ("the best baseline", or "the benchmark" for HAR-RV).</param>
internal sealed record BacktestSection(
    string DataSet,
    string Description,
    string Benchmark,
    IReadOnlyList<BacktestRow> Rows,
    IReadOnlyList<DateTime>? Dates,
    Func<int, bool> DateIsExact,
    string? DateNote,
    IReadOnlyList<double> Proxy,
    IReadOnlyList<(string Name, IReadOnlyList<double> Forecast)> Forecasts,
    IReadOnlyList<double>? ForgetGate,
    IReadOnlyList<double>? AbsoluteReturns,
    IReadOnlyList<double>? RegimeTerm,
    IReadOnlyList<DateTime>? GateDates,
    string ProxyLabel = "r²",
    string BenchmarkLabel = "the best baseline");

/// <summary>
/// Writes the walk-forward backtest as one self-contained HTML file: a summary of who won and how significant it is, the
/// loss table and ScottPlot charts embedded as base64 PNG images (no scripts, no external files: it opens offline).
/// </summary>
internal static class BacktestHtmlReport
{
    /// <summary>Days in the rolling realized-variance average drawn behind the forecasts.</summary>
    public const int RollingWindow = 21;

    /// <summary>Chart size in pixels.</summary>
    public const int Width = 1000, Height = 420, SmallHeight = 320;

    /// <summary>Neural model names (every other model is a baseline).</summary>
    public static readonly string[] NeuralNames = ["lstm-regime", "lstm"];

    private static readonly string[] Palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"];

    /// <summary>The Debian packages SkiaSharp's Linux native library (SkiaSharp.NativeAssets.Linux) needs at run time.</summary>
    public const string NativeDependencies = "libfontconfig1 (and a font, e.g. fonts-dejavu-core)";

    /// <summary>
    /// Draws a tiny chart to check that ScottPlot's native graphics library (SkiaSharp, libSkiaSharp.so) loads; run before the
    /// backtest so that a missing system library stops it at once, with the package to install, not after the whole run.
    /// </summary>
    /// <exception cref="InvalidOperationException">The native library or one of its dependencies does not load.</exception>
    public static void EnsureGraphics()
    {
        try
        {
            var plot = new Plot();
            plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 });
            byte[] png = plot.GetImage(40, 30).GetImageBytes(ImageFormat.Png);
            if (png.Length == 0) throw new InvalidOperationException("an empty image");
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"The report's charts need SkiaSharp's native library, which did not load ({ex.GetBaseException().Message}). " +
                $"On Debian/Ubuntu install {NativeDependencies}: apt-get install -y libfontconfig1 fonts-dejavu-core", ex);
        }
    }

    public static string Render(string title, string hardware, IReadOnlyList<BacktestSection> sections)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Enc(title)).Append("</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:1040px;margin:2em auto;color:#222;line-height:1.4}table{border-collapse:collapse;margin:1em 0}" +
                  "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}" +
                  "td:first-child,th:first-child{text-align:left}tr.best td{font-weight:bold}.note{color:#555;font-size:90%}" +
                  ".summary{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:0.6em 1.2em}" +
                  "figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:90%}</style></head><body>");
        sb.Append("<h1>").Append(Enc(title)).Append("</h1>");
        sb.Append("<section class=\"summary\" id=\"summary\"><h2>Summary</h2><ul>");
        foreach (BacktestSection s in sections) sb.Append("<li>").Append(SummaryHtml(s)).Append("</li>");
        sb.Append("</ul><p class=\"note\">Lower QLIKE is better. DM: Diebold-Mariano test of equal QLIKE against the best baseline (on intraday data: against the benchmark HAR-RV, also on MSE) " +
                  "(two-sided, Newey-West variance); a p-value below 0.05 means the difference is significant at the 5 % level.</p></section>");
        sb.Append("<p class=\"note\">").Append(Enc(hardware)).Append("</p>");
        int chart = 0;
        foreach (BacktestSection s in sections)
        {
            sb.Append("<h2>").Append(Enc(s.DataSet)).Append("</h2>");
            sb.Append("<p>").Append(Enc(s.Description)).Append("</p>");
            if (s.DateNote is not null) sb.Append("<p class=\"note\">").Append(Enc(s.DateNote)).Append("</p>");
            sb.Append(Table(s));
            foreach (var (caption, png) in Charts(s))
            {
                sb.Append("<figure><img class=\"chart\" id=\"chart-").Append(chart++).Append("\" alt=\"").Append(Enc(caption)).Append("\" width=\"").Append(Width)
                  .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"><figcaption>").Append(Enc(caption)).Append("</figcaption></figure>");
            }
        }
        sb.Append("<p class=\"note\">QLIKE = log h + r²/h with r² the proxy; a section on intraday data uses the daily realized variance RV as the proxy and says so (lower is better). DM: Diebold-Mariano statistic on the QLIKE differential " +
                  "against the named benchmark with a Newey-West variance; negative means the row's model has the lower loss. " +
                  "MZ R²: Mincer-Zarnowitz regression of the proxy on the forecast. Charts drawn with ScottPlot.</p>");
        sb.Append("</body></html>");
        return sb.ToString();
    }

    /// <summary>One sentence per data set: the winner, its margin over the best baseline (or the best LSTM's shortfall) and the DM test.</summary>
    internal static string SummaryHtml(BacktestSection s)
    {
        BacktestRow winner = s.Rows.MinBy(r => r.Qlike)!;
        BacktestRow baseline = s.Rows.Single(r => r.Name == s.Benchmark);
        var text = new StringBuilder($"<b>{Enc(s.DataSet)}</b>: ");
        if (winner.Name != s.Benchmark)
        {
            text.Append($"<b>{Enc(winner.Name)}</b> has the lowest QLIKE ({Q(winner.Qlike)}), {Q(baseline.Qlike - winner.Qlike)} below {s.BenchmarkLabel} " +
                        $"{Enc(baseline.Name)} ({Q(baseline.Qlike)}); DM = {winner.DmStatistic.ToString("F2", CultureInfo.InvariantCulture)}, " +
                        $"{P(winner.DmPValue)}: {Verdict(winner.DmPValue)}.");
        }
        else
        {
            BacktestRow? lstm = s.Rows.Where(r => NeuralNames.Contains(r.Name)).MinBy(r => r.Qlike);
            text.Append($"the baseline <b>{Enc(winner.Name)}</b> has the lowest QLIKE ({Q(winner.Qlike)})");
            if (lstm is not null)
            {
                text.Append($"; the best LSTM, {Enc(lstm.Name)}, is {Q(lstm.Qlike - winner.Qlike)} worse ({Q(lstm.Qlike)}); DM = " +
                            $"{lstm.DmStatistic.ToString("F2", CultureInfo.InvariantCulture)}, {P(lstm.DmPValue)}: {Verdict(lstm.DmPValue)}");
            }
            text.Append('.');
        }
        return text.ToString();

        static string P(double p) => p < 1e-4 ? "p < 0.0001" : $"p = {NumberFormat.PValue(p)}";
        static string Verdict(double p) => double.IsNaN(p) ? "no test" : p < 0.05 ? "significant at 5 %" : "not significant at 5 %";
        static string Q(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
    }

    private static string Table(BacktestSection s)
    {
        var sb = new StringBuilder("<table><thead><tr><th>model</th><th>QLIKE</th><th>MSE</th><th>MAE</th><th>MZ R²</th>");
        bool dmMse = s.Rows.Any(r => !double.IsNaN(r.DmMseStatistic));
        sb.Append("<th>DM vs ").Append(Enc(s.Benchmark)).Append("</th><th>p-value</th>");
        if (dmMse) sb.Append("<th>DM (MSE) vs ").Append(Enc(s.Benchmark)).Append("</th><th>p-value</th>");
        sb.Append("<th>fit s</th><th title=\"forecasts that were non-finite or non-positive, replaced by the EWMA of the history\">fallbacks</th></tr></thead><tbody>");
        double best = s.Rows.Count == 0 ? double.NaN : s.Rows.Min(r => r.Qlike);
        var f = new[]
        {
            NumberFormat.ForColumn(s.Rows.Select(r => r.Qlike)), NumberFormat.ForColumn(s.Rows.Select(r => r.Mse)),
            NumberFormat.ForColumn(s.Rows.Select(r => r.Mae)), NumberFormat.ForColumn(s.Rows.Select(r => r.MzR2), 4),
        };
        foreach (BacktestRow r in s.Rows)
        {
            sb.Append(r.Qlike == best ? "<tr class=\"best\">" : "<tr>");
            sb.Append("<td>").Append(Enc(r.Name)).Append("</td>");
            sb.Append("<td>").Append(f[0](r.Qlike)).Append("</td><td>").Append(f[1](r.Mse)).Append("</td><td>").Append(f[2](r.Mae)).Append("</td><td>").Append(f[3](r.MzR2)).Append("</td>");
            sb.Append("<td>").Append(double.IsNaN(r.DmStatistic) ? "–" : r.DmStatistic.ToString("F2", CultureInfo.InvariantCulture)).Append("</td>");
            sb.Append("<td>").Append(NumberFormat.PValue(r.DmPValue)).Append("</td>");
            if (dmMse)
            {
                sb.Append("<td>").Append(double.IsNaN(r.DmMseStatistic) ? "–" : r.DmMseStatistic.ToString("F2", CultureInfo.InvariantCulture)).Append("</td>");
                sb.Append("<td>").Append(NumberFormat.PValue(r.DmMsePValue)).Append("</td>");
            }
            sb.Append("<td>").Append(r.FitSeconds.ToString("F2", CultureInfo.InvariantCulture)).Append("</td>");
            sb.Append("<td>").Append(r.Fallbacks.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>The charts of one section as (caption, PNG bytes).</summary>
    internal static List<(string Caption, byte[] Png)> Charts(BacktestSection s)
    {
        var charts = new List<(string, byte[])>();
        int n = s.Proxy.Count;
        double[] x = s.Dates is null ? Enumerable.Range(0, n).Select(i => (double)i).ToArray() : s.Dates.Select(d => d.ToOADate()).ToArray();
        // Over a long test period the daily forecasts are denser than the pixels: smooth them with the same trailing mean as
        // the realized variance (about 250 points across the chart), so that the models can be told apart.
        int window = Math.Max(RollingWindow, n / 250);
        bool smooth = window > RollingWindow;
        double[] rolling = Rolling(s.Proxy, window);
        double[] absTarget = s.Proxy.Select(Math.Sqrt).ToArray();
        // Labels about a tenth of the chart wide: shocks at least n/9 apart so that their date labels never overlap.
        List<int> shocks = Shocks(absTarget, 3, Math.Max(60, n / 9));
        int main = shocks.Count > 0 ? shocks[0] : 0;
        double floor = s.Proxy.Where(v => v > 0).DefaultIfEmpty(1e-300).Min();

        // 1. The whole test period.
        {
            Plot plot = NewPlot(s, "variance forecasts and the realized variance, whole test period");
            Line(plot, x, rolling.Select(Log10).ToArray(), $"realized: {window}-day mean of {s.ProxyLabel}", Color.FromHex("#9e9e9e"), 3f);
            int c = 0;
            foreach (var (name, f) in s.Forecasts)
            {
                double[] y = smooth ? Rolling(f, window) : f.ToArray();
                Line(plot, x, y.Select(Log10).ToArray(), ForecastLabel(s, name) + (smooth ? $" ({window}-day mean)" : ""), Color.FromHex(Palette[c++ % Palette.Length]), 1.3f);
            }
            LogY(plot, "variance (log scale)");
            foreach (int k in shocks) Shock(plot, x[k], ShockLabel(s, k));
            charts.Add(($"{s.DataSet}: variance forecasts of every LSTM and {s.BenchmarkLabel} ({s.Benchmark}) against a {window}-day trailing " +
                        $"mean of the realized {s.ProxyLabel} (the daily {s.ProxyLabel} itself would drown the forecasts)" +
                        (smooth ? $"; over this long period the forecasts are shown as {window}-day means too" : "") +
                        "; dashed lines mark the largest shocks of the test period.",
                        plot.GetImage(Width, Height).GetImageBytes(ImageFormat.Png)));
        }

        // 2. Zoom on the largest shock: daily r² as points.
        int from = Math.Max(0, main - 40), to = Math.Min(n, main + 121);
        if (to - from >= 10)
        {
            Plot plot = NewPlot(s, $"zoom on the largest shock, {ShockLabel(s, main)}");
            double[] zx = x[from..to];
            // log scale: days with a zero proxy cannot be drawn and are left out.
            int[] keep = Enumerable.Range(from, to - from).Where(i => s.Proxy[i] > 0).ToArray();
            var pts = plot.Add.ScatterPoints(keep.Select(i => x[i]).ToArray(), keep.Select(i => Log10(s.Proxy[i])).ToArray());
            pts.LegendText = $"daily realized {s.ProxyLabel}";
            pts.Color = Color.FromHex("#7f7f7f");
            pts.MarkerSize = 4;
            int c = 0;
            foreach (var (name, f) in s.Forecasts)
                Line(plot, zx, f.Skip(from).Take(to - from).Select(Log10).ToArray(), ForecastLabel(s, name), Color.FromHex(Palette[c++ % Palette.Length]), 2f);
            LogY(plot, "variance (log scale)");
            Shock(plot, x[main], ShockLabel(s, main));
            charts.Add(($"{s.DataSet}: the forecasts around the largest shock of the test period ({ShockLabel(s, main)}), 40 days before to 120 days after; points are the daily {s.ProxyLabel}.",
                        plot.GetImage(Width, Height).GetImageBytes(ImageFormat.Png)));
        }

        // 3. Forget gate against |r|, whole period and zoom.
        if (s.ForgetGate is { } gate && s.AbsoluteReturns is { } abs && gate.Count == n)
        {
            double[] gx = s.GateDates is null ? x : s.GateDates.Select(d => d.ToOADate()).ToArray();
            foreach (bool zoom in new[] { false, true })
            {
                int a = zoom ? from : 0, b = zoom ? to : n;
                if (b - a < 10) continue;
                Plot plot = NewPlot(s, zoom ? $"forget gate around {ShockLabel(s, main)}" : "the forget gate closes after shocks");
                Line(plot, gx[a..b], abs.Skip(a).Take(b - a).ToArray(), "|return| (left axis)", Color.FromHex("#9e9e9e"), zoom ? 1.5f : 0.7f);
                var g = Line(plot, gx[a..b], gate.Skip(a).Take(b - a).ToArray(), "mean forget-gate activation of lstm-regime (right axis)", Color.FromHex("#d62728"), zoom ? 2f : 1f);
                g.Axes.YAxis = plot.Axes.Right;
                plot.Axes.Left.Label.Text = "|return|";
                plot.Axes.Right.Label.Text = "forget gate";
                if (zoom) Shock(plot, x[main], ShockLabel(s, main));
                else foreach (int k in shocks) Shock(plot, x[k], ShockLabel(s, k));
                charts.Add((zoom
                        ? $"{s.DataSet}: forget gate and |return| around {ShockLabel(s, main)}: the gate drops on the shock, so the cell forgets the calm regime."
                        : $"{s.DataSet}: mean forget-gate activation of lstm-regime (its first network, fitted on the first training window) against |return|.",
                    plot.GetImage(Width, SmallHeight).GetImageBytes(ImageFormat.Png)));
            }
        }

        // 4. Regime term.
        if (s.RegimeTerm is { } term && term.Count == n)
        {
            double[] gx = s.GateDates is null ? x : s.GateDates.Select(d => d.ToOADate()).ToArray();
            Plot plot = NewPlot(s, "regime term added to the forget-gate pre-activation");
            Line(plot, gx, term.ToArray(), "mean regime term −β·|r_t| (lstm-regime)", Color.FromHex("#9467bd"), 1f);
            plot.Axes.Left.Label.Text = "regime term";
            foreach (int k in shocks) Shock(plot, x[k], ShockLabel(s, k));
            charts.Add(($"{s.DataSet}: mean regime term −β·|r_t| that lstm-regime adds to its forget-gate pre-activation (more negative: more forgetting).",
                        plot.GetImage(Width, SmallHeight).GetImageBytes(ImageFormat.Png)));
        }
        return charts;

        // Zeros (r² of a day without a move, or a 21-day mean of such days) would sit at -300: floor them at the smallest positive value.
        double Log10(double v) => Math.Log10(Math.Max(v, floor));
    }

    private static Plot NewPlot(BacktestSection s, string title)
    {
        var plot = new Plot();
        // No title inside the image (the figure caption carries it): the shock labels sit in the top margin.
        _ = title;
        plot.Axes.Top.MinimumSize = 26;
        if (s.Dates is null)
        {
            plot.Axes.Bottom.Label.Text = "forecast number";
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("N0", CultureInfo.InvariantCulture) };
        }
        else
        {
            plot.Axes.DateTimeTicksBottom();
            // ISO dates, as precise as the span needs (years over a long period, days in a zoom).
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.DateTimeAutomatic { LabelFormatter = IsoDate };
            plot.Axes.Bottom.Label.Text = s.DateNote is null ? "date" : "date (reconstructed, see the note above)";
        }
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontSize = 12;
        return plot;
    }

    private static string IsoDate(DateTime d)
        => d.Month == 1 && d.Day == 1 ? d.ToString("yyyy", CultureInfo.InvariantCulture)
         : d.Day == 1 ? d.ToString("yyyy-MM", CultureInfo.InvariantCulture)
         : d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] x, double[] y, string label, Color color, float width)
    {
        var line = plot.Add.ScatterLine(x, y);
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = width;
        return line;
    }

    /// <summary>A log10-scaled left axis: major ticks at whole powers of ten labelled 1E-04, minor ticks in between.</summary>
    private static void LogY(Plot plot, string label)
    {
        plot.Axes.Left.Label.Text = label;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, Math.Round(y)).ToString("0E+00", CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.MinorTickStyle.Length = 3;
    }

    private static void Shock(Plot plot, double x, string label)
    {
        var line = plot.Add.VerticalLine(x);
        line.Color = Color.FromHex("#444444").WithAlpha(0.7);
        line.LineWidth = 1;
        line.LinePattern = LinePattern.Dashed;
        line.Text = label;
        line.LabelOppositeAxis = true;
        line.LabelFontSize = 12;
        line.ExcludeFromLegend = true;
    }

    private static string ForecastLabel(BacktestSection s, string name) => name == s.Benchmark ? $"{name} ({(s.BenchmarkLabel.StartsWith("the ", StringComparison.Ordinal) ? s.BenchmarkLabel[4..] : s.BenchmarkLabel)})" : name;

    /// <summary>The shock's date (≈ when reconstructed), or its forecast number without dates.</summary>
    internal static string ShockLabel(BacktestSection s, int k)
        => s.Dates is null ? $"forecast {k:N0}" : (s.DateIsExact(k) ? "" : "≈") + s.Dates[k].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Indices of the <paramref name="count"/> largest values at least <paramref name="gap"/> apart, largest first.</summary>
    internal static List<int> Shocks(IReadOnlyList<double> values, int count, int gap)
    {
        var picked = new List<int>();
        foreach (int i in Enumerable.Range(0, values.Count).OrderByDescending(i => values[i]))
        {
            if (picked.Count == count) break;
            if (picked.All(p => Math.Abs(p - i) >= gap)) picked.Add(i);
        }
        return picked;
    }

    /// <summary>Trailing mean over <paramref name="window"/> values (shorter at the start).</summary>
    internal static double[] Rolling(IEnumerable<double> values, int window)
    {
        double[] v = values as double[] ?? values.ToArray();
        var r = new double[v.Length];
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            r[i] = sum / Math.Min(i + 1, window);
        }
        return r;
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
