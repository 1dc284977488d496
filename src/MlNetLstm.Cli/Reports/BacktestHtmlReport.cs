using System.Globalization;
using System.Net;
using System.Text;
using MlNetLstm.Reporting;

namespace MlNetLstm.Cli.Reports;

/// <summary>One row of the backtest loss table.</summary>
internal sealed record BacktestRow(string Name, double Qlike, double Mse, double Mae, double MzR2, double DmStatistic, double DmPValue, double FitSeconds);

/// <summary>Everything the HTML report shows for one data set.</summary>
internal sealed record BacktestSection(
    string DataSet,
    string Description,
    string Benchmark,
    IReadOnlyList<BacktestRow> Rows,
    IReadOnlyList<double> Proxy,
    IReadOnlyList<(string Name, IReadOnlyList<double> Forecast)> Forecasts,
    IReadOnlyList<double>? ForgetGate,
    IReadOnlyList<double>? AbsoluteReturns,
    IReadOnlyList<double>? RegimeTerm);

/// <summary>Writes the walk-forward backtest as one self-contained HTML file with inline SVG charts.</summary>
internal static class BacktestHtmlReport
{
    public static string Render(string title, string hardware, IReadOnlyList<BacktestSection> sections)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}" +
                  "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}" +
                  "tr.best td{font-weight:bold}.note{color:#555;font-size:90%}</style></head><body>");
        sb.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>");
        sb.Append("<p class=\"note\">").Append(WebUtility.HtmlEncode(hardware)).Append("</p>");
        foreach (BacktestSection s in sections)
        {
            sb.Append("<h2>").Append(WebUtility.HtmlEncode(s.DataSet)).Append("</h2>");
            sb.Append("<p>").Append(WebUtility.HtmlEncode(s.Description)).Append("</p>");
            sb.Append(Table(s));
            var forecastSeries = new List<ChartSeries> { new("realized proxy r²", s.Proxy, "#bbbbbb") };
            foreach (var (name, f) in s.Forecasts) forecastSeries.Add(new ChartSeries(name, f));
            sb.Append(SvgChart.Line($"{s.DataSet}: variance forecasts against the realized proxy (log scale)", forecastSeries, 960, 360, logY: true));
            if (s.ForgetGate is not null && s.AbsoluteReturns is not null)
            {
                var gate = new List<ChartSeries>
                {
                    new("|return|", s.AbsoluteReturns, "#bbbbbb"),
                    new("mean forget-gate activation (lstm-regime)", s.ForgetGate, "#d62728", SecondaryAxis: true),
                };
                sb.Append(SvgChart.Line($"{s.DataSet}: the forget gate closes after shocks", gate, 960, 300));
                // Zoom on the largest shock of the test period.
                int shock = 0;
                for (int i = 1; i < s.AbsoluteReturns.Count; i++) if (s.AbsoluteReturns[i] > s.AbsoluteReturns[shock]) shock = i;
                int from = Math.Max(0, shock - 60), to = Math.Min(s.AbsoluteReturns.Count, shock + 180);
                var zoom = new List<ChartSeries>
                {
                    new("|return|", s.AbsoluteReturns.Skip(from).Take(to - from).ToArray(), "#999999"),
                    new("mean forget-gate activation (lstm-regime)", s.ForgetGate.Skip(from).Take(to - from).ToArray(), "#d62728", SecondaryAxis: true),
                };
                sb.Append(SvgChart.Line($"{s.DataSet}: zoom on the largest shock (forecast {shock} of the test period, steps {from}..{to - 1})", zoom, 960, 260));
            }
            if (s.RegimeTerm is not null)
            {
                sb.Append(SvgChart.Line($"{s.DataSet}: mean regime term -beta*|r_t| added to the forget-gate pre-activation",
                    [new ChartSeries("regime term", s.RegimeTerm, "#9467bd")], 960, 240));
            }
        }
        sb.Append("<p class=\"note\">QLIKE = log h + r²/h (lower is better). DM: Diebold-Mariano statistic on the QLIKE differential " +
                  "against the named benchmark with a Newey-West variance; negative means the row's model has the lower loss. " +
                  "MZ R²: Mincer-Zarnowitz regression of r² on the forecast.</p>");
        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static string Table(BacktestSection s)
    {
        var sb = new StringBuilder("<table><thead><tr><th>model</th><th>QLIKE</th><th>MSE</th><th>MAE</th><th>MZ R²</th>");
        sb.Append("<th>DM vs ").Append(WebUtility.HtmlEncode(s.Benchmark)).Append("</th><th>p-value</th><th>fit s</th></tr></thead><tbody>");
        double best = s.Rows.Count == 0 ? double.NaN : s.Rows.Min(r => r.Qlike);
        foreach (BacktestRow r in s.Rows)
        {
            sb.Append(r.Qlike == best ? "<tr class=\"best\">" : "<tr>");
            sb.Append("<td>").Append(WebUtility.HtmlEncode(r.Name)).Append("</td>");
            foreach (double v in new[] { r.Qlike, r.Mse, r.Mae, r.MzR2, r.DmStatistic, r.DmPValue, r.FitSeconds })
                sb.Append("<td>").Append(double.IsNaN(v) ? "–" : v.ToString("G5", CultureInfo.InvariantCulture)).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }
}
