using System.Net;
using System.Text.RegularExpressions;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>Reads the HTML tables that notebooks/display.csx's Table() renders (header row, then one row per item).</summary>
public sealed partial class HtmlTable
{
    private HtmlTable(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>The tables in one cell's text/html outputs that have the given column.</summary>
    public static IEnumerable<HtmlTable> In(CellRun cell, string column) =>
        cell.OfMimeType("text/html").Where(h => h.Contains("<table>", StringComparison.Ordinal)).Select(Parse).Where(t => t.Columns.Contains(column));

    public static HtmlTable Parse(string html)
    {
        var columns = Th().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        var rows = new List<IReadOnlyList<string>>();
        foreach (Match tr in Tr().Matches(html))
        {
            var cells = Td().Matches(tr.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
            if (cells.Count > 0) rows.Add(cells);
        }
        return new HtmlTable(columns, rows);
    }

    /// <summary>The cell in the row whose first column is <paramref name="rowKey"/>, as a number.</summary>
    public double Number(string rowKey, string column)
    {
        int c = IndexOf(column);
        IReadOnlyList<string> row = Rows.SingleOrDefault(r => r[0] == rowKey)
            ?? throw new KeyNotFoundException($"no row '{rowKey}' in the table ({string.Join(", ", Rows.Select(r => r[0]))})");
        return double.Parse(row[c], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A whole column as numbers, in row order.</summary>
    public double[] Numbers(string column)
    {
        int c = IndexOf(column);
        return Rows.Select(r => double.Parse(r[c], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private int IndexOf(string column)
    {
        int c = Columns.ToList().IndexOf(column);
        return c >= 0 ? c : throw new KeyNotFoundException($"no column '{column}' ({string.Join(", ", Columns)})");
    }

    [GeneratedRegex("<th>(.*?)</th>", RegexOptions.Singleline)]
    private static partial Regex Th();

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Tr();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Td();
}
