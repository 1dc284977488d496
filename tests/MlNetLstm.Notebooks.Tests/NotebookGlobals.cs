using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>One rendered output of a notebook cell, as .NET Interactive would store it.</summary>
public sealed record CellOutput(string MimeType, string Content);

/// <summary>
/// The globals a notebook cell sees: <c>display(x)</c>, as in .NET Interactive. Strings holding SVG become
/// image/svg+xml, strings holding HTML become text/html, sequences of records become HTML tables,
/// anything else is shown as text.
/// </summary>
public sealed class NotebookGlobals
{
    private readonly List<CellOutput> _outputs = new();

    internal List<CellOutput> Outputs => _outputs;

    /// <summary>Displays a value below the cell, like .NET Interactive's display().</summary>
    public object? display(object? value)
    {
        _outputs.Add(Render(value));
        return null;
    }

    internal static CellOutput Render(object? value)
    {
        switch (value)
        {
            case null:
                return new CellOutput("text/plain", "<null>");
            case string s when s.TrimStart().StartsWith("<svg", StringComparison.Ordinal):
                return new CellOutput("image/svg+xml", s);
            case string s when s.TrimStart().StartsWith("<", StringComparison.Ordinal):
                return new CellOutput("text/html", s);
            case string s:
                return new CellOutput("text/plain", s);
            case IFormattable f when value.GetType().IsPrimitive || value is decimal:
                return new CellOutput("text/plain", f.ToString(null, CultureInfo.InvariantCulture));
            case IEnumerable e:
                return new CellOutput("text/html", Table(e));
        }
        MethodInfo? toHtml = value.GetType().GetMethod("ToHtml", Type.EmptyTypes);
        if (toHtml is not null && toHtml.ReturnType == typeof(string))
        {
            return new CellOutput("text/html", (string)toHtml.Invoke(value, null)!);
        }
        return new CellOutput("text/plain", Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
    }

    private static string Table(IEnumerable rows)
    {
        var list = rows.Cast<object?>().Take(200).ToList();
        var sb = new StringBuilder("<table>");
        Type? type = list.FirstOrDefault(r => r is not null)?.GetType();
        PropertyInfo[] props = type is null || type.IsPrimitive || type == typeof(string)
            ? Array.Empty<PropertyInfo>()
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        if (props.Length == 0)
        {
            sb.Append("<thead><tr><th>index</th><th>value</th></tr></thead><tbody>");
            for (int i = 0; i < list.Count; i++)
                sb.Append("<tr><td>").Append(i).Append("</td><td>").Append(Cell(list[i])).Append("</td></tr>");
        }
        else
        {
            sb.Append("<thead><tr>");
            foreach (PropertyInfo p in props) sb.Append("<th>").Append(WebUtility.HtmlEncode(p.Name)).Append("</th>");
            sb.Append("</tr></thead><tbody>");
            foreach (object? row in list)
            {
                sb.Append("<tr>");
                foreach (PropertyInfo p in props) sb.Append("<td>").Append(Cell(row is null ? null : p.GetValue(row))).Append("</td>");
                sb.Append("</tr>");
            }
        }
        return sb.Append("</tbody></table>").ToString();
    }

    private static string Cell(object? v) => WebUtility.HtmlEncode(v switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    });
}
