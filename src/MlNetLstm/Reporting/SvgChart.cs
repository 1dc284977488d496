using System.Globalization;
using System.Text;

namespace MlNetLstm.Reporting;

/// <summary>One line of a chart: a name, its values (x = index) and an optional CSS colour.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Values">Values, plotted against their index; NaN values leave a gap.</param>
/// <param name="Color">CSS colour; null picks one from the palette.</param>
/// <param name="SecondaryAxis">When true the series is scaled to its own axis on the right.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values, string? Color = null, bool SecondaryAxis = false);

/// <summary>
/// Dependency-free SVG line charts for reports and notebooks. Long series are reduced to at most
/// <c>maxPoints</c> points per series by keeping the minimum and maximum of each bucket, so spikes survive.
/// </summary>
public static class SvgChart
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <summary>Renders a line chart as a standalone <c>&lt;svg&gt;</c> element.</summary>
    /// <param name="title">Title drawn above the plot.</param>
    /// <param name="series">One or more series; the longest defines the x range.</param>
    /// <param name="width">Width in pixels (at least 200).</param>
    /// <param name="height">Height in pixels (at least 120).</param>
    /// <param name="logY">Plot the primary axis on a log10 scale (non-positive values leave gaps).</param>
    /// <param name="maxPoints">Maximum points drawn per series (at least 16).</param>
    /// <returns>The SVG markup.</returns>
    /// <exception cref="ArgumentException">No series, or a size below the minimum.</exception>
    public static string Line(string title, IReadOnlyList<ChartSeries> series, int width = 900, int height = 300,
        bool logY = false, int maxPoints = 1200)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("At least one series is required.", nameof(series));
        if (width < 200) throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be at least 200 pixels.");
        if (height < 120) throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be at least 120 pixels.");
        if (maxPoints < 16) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "maxPoints must be at least 16.");

        const double left = 64, right = 64, top = 28, bottom = 40;
        double plotW = width - left - right, plotH = height - top - bottom;
        int n = series.Max(s => s.Values.Count);
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        sb.Append(Inv($"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        sb.Append(Inv($"<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>"));
        sb.Append(Inv($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#999\"/>"));

        (double lo, double hi)? primary = Range(series.Where(s => !s.SecondaryAxis), logY);
        (double lo, double hi)? secondary = Range(series.Where(s => s.SecondaryAxis), false);
        if (primary is { } p) DrawAxis(sb, p, logY, left - 6, "end", top, plotH);
        if (secondary is { } q) DrawAxis(sb, q, false, left + plotW + 6, "start", top, plotH);
        for (int t = 0; t <= 4; t++)
        {
            double xv = (n - 1) * t / 4.0;
            double x = left + (n <= 1 ? 0 : xv / (n - 1) * plotW);
            sb.Append(Inv($"<text x=\"{x:F1}\" y=\"{top + plotH + 14}\" text-anchor=\"middle\" fill=\"#555\">{xv:F0}</text>"));
        }

        for (int s = 0; s < series.Count; s++)
        {
            ChartSeries cs = series[s];
            (double lo, double hi)? range = cs.SecondaryAxis ? secondary : primary;
            if (range is not { } r) continue;
            bool log = logY && !cs.SecondaryAxis;
            string color = cs.Color ?? Palette[s % Palette.Length];
            var path = new StringBuilder();
            bool penDown = false;
            foreach (var (index, value) in Reduce(cs.Values, maxPoints))
            {
                double v = log ? (value > 0 ? Math.Log10(value) : double.NaN) : value;
                if (!double.IsFinite(v)) { penDown = false; continue; }
                double x = left + (n <= 1 ? 0 : (double)index / (n - 1) * plotW);
                double y = top + plotH - (r.hi > r.lo ? (v - r.lo) / (r.hi - r.lo) : 0.5) * plotH;
                path.Append(Inv($"{(penDown ? 'L' : 'M')}{x:F1},{y:F1}"));
                penDown = true;
            }
            sb.Append(Inv($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1\" stroke-opacity=\"0.85\"/>"));
            double ly = top + 12 + 14 * s;
            sb.Append(Inv($"<rect x=\"{left + 8}\" y=\"{ly - 8}\" width=\"10\" height=\"3\" fill=\"{color}\"/>"));
            sb.Append(Inv($"<text x=\"{left + 22}\" y=\"{ly}\">{Escape(cs.Name)}{(cs.SecondaryAxis ? " (right axis)" : "")}</text>"));
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static (double lo, double hi)? Range(IEnumerable<ChartSeries> series, bool log)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (ChartSeries s in series)
        {
            foreach (double value in s.Values)
            {
                double v = log ? (value > 0 ? Math.Log10(value) : double.NaN) : value;
                if (!double.IsFinite(v)) continue;
                lo = Math.Min(lo, v); hi = Math.Max(hi, v);
            }
        }
        if (!double.IsFinite(lo)) return null;
        if (hi == lo) { hi = lo + 1; }
        return (lo, hi);
    }

    private static void DrawAxis(StringBuilder sb, (double lo, double hi) r, bool log, double x, string anchor, double top, double plotH)
    {
        for (int t = 0; t <= 4; t++)
        {
            double v = r.lo + (r.hi - r.lo) * t / 4.0;
            double y = top + plotH - plotH * t / 4.0;
            double shown = log ? Math.Pow(10, v) : v;
            sb.Append(Inv($"<text x=\"{x:F1}\" y=\"{y + 4:F1}\" text-anchor=\"{anchor}\" fill=\"#555\">{shown:G3}</text>"));
        }
    }

    /// <summary>Min/max bucket reduction: keeps the extreme values of each bucket in index order.</summary>
    private static IEnumerable<(int index, double value)> Reduce(IReadOnlyList<double> values, int maxPoints)
    {
        int n = values.Count;
        if (n <= maxPoints)
        {
            for (int i = 0; i < n; i++) yield return (i, values[i]);
            yield break;
        }
        int buckets = maxPoints / 2;
        for (int b = 0; b < buckets; b++)
        {
            int start = (int)((long)b * n / buckets), end = (int)((long)(b + 1) * n / buckets);
            int iMin = -1, iMax = -1;
            for (int i = start; i < end; i++)
            {
                double v = values[i];
                if (!double.IsFinite(v)) continue;
                if (iMin < 0 || v < values[iMin]) iMin = i;
                if (iMax < 0 || v > values[iMax]) iMax = i;
            }
            if (iMin < 0) { yield return (start, double.NaN); continue; }
            if (iMin <= iMax) { yield return (iMin, values[iMin]); if (iMax != iMin) yield return (iMax, values[iMax]); }
            else { yield return (iMax, values[iMax]); yield return (iMin, values[iMin]); }
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Escapes text for SVG/HTML element content.</summary>
    /// <param name="text">Raw text.</param>
    /// <returns>The text with &amp;, &lt;, &gt; and quotes escaped.</returns>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
