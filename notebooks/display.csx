// Display helpers shared by the notebooks: `#load "display.csx"` after `#r "nuget: ScottPlot, 5.1.59"`.
// - ScottPlot plots show as PNG images (image/png: what Polyglot Notebooks, Jupyter and GitHub's viewer render);
// - Table(rows) shows a sequence of objects as an HTML table, one column per public property, numbers right-aligned
//   with 4 decimals (3 significant digits below 0.001).
using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

Formatter.Register<ScottPlot.Plot>((plot, writer) =>
    writer.Write(Convert.ToBase64String(plot.GetImageBytes(PlotWidth, PlotHeight, ScottPlot.ImageFormat.Png))), "image/png");
Formatter.SetPreferredMimeTypesFor(typeof(ScottPlot.Plot), "image/png");

/// <summary>Pixel size of the PNG a displayed plot renders to.</summary>
int PlotWidth = 900, PlotHeight = 300;

/// <summary>A sequence of objects as an HTML table: one row per item, one column per public property.</summary>
IHtmlContent Table<T>(IEnumerable<T> rows)
{
    PropertyInfo[] columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
    var html = new System.Text.StringBuilder("<table><thead><tr>");
    foreach (PropertyInfo c in columns) html.Append("<th>").Append(WebUtility.HtmlEncode(c.Name)).Append("</th>");
    html.Append("</tr></thead><tbody>");
    foreach (T row in rows)
    {
        html.Append("<tr>");
        foreach (PropertyInfo c in columns)
        {
            object? v = c.GetValue(row);
            bool number = v is double or float or int or long or decimal;
            html.Append(number ? "<td style=\"text-align:right\">" : "<td>").Append(WebUtility.HtmlEncode(FormatCell(v))).Append("</td>");
        }
        html.Append("</tr>");
    }
    return new HtmlString(html.Append("</tbody></table>").ToString());
}

string FormatCell(object? v) => v switch
{
    null => "",
    double d when double.IsNaN(d) => "-",
    double d => d == 0 || Math.Abs(d) >= 1e-3 ? d.ToString("F4", CultureInfo.InvariantCulture) : d.ToString("G3", CultureInfo.InvariantCulture),
    float f => FormatCell((double)f),
    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
    _ => v.ToString() ?? "",
};
