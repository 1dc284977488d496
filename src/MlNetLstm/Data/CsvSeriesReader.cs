using System.Globalization;
using System.Text;

namespace MlNetLstm.Data;

/// <summary>
/// Reads one numeric column (chosen by header name) and an optional date column from an RFC 4180 CSV file
/// (quoted fields, doubled quotes, CRLF or LF). Numbers use the invariant culture. Every problem raises a
/// <see cref="CsvFormatException"/> naming the line and column: missing or non-numeric or non-finite values,
/// unparsable, unsorted or duplicate dates, a column that does not exist or is named twice, ragged rows, too few rows.
/// </summary>
public static class CsvSeriesReader
{
    /// <summary>Reads a file.</summary>
    /// <param name="path">Path of the CSV file.</param>
    /// <param name="valueColumn">Header name of the value column (case-sensitive, then case-insensitive).</param>
    /// <param name="options">Options (null for defaults).</param>
    /// <returns>The series.</returns>
    public static SeriesData ReadFile(string path, string valueColumn, CsvSeriesOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"Data file '{path}' is a folder, not a CSV file.", nameof(path));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, valueColumn, options, Path.GetFileName(path));
    }

    /// <summary>Reads CSV text from a reader.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="valueColumn">Header name of the value column.</param>
    /// <param name="options">Options (null for defaults).</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <returns>The series.</returns>
    public static SeriesData Read(TextReader reader, string valueColumn, CsvSeriesOptions? options = null, string sourceName = "<csv>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(valueColumn);
        options ??= CsvSeriesOptions.Default;
        var parser = new RecordParser(reader, options.Delimiter, sourceName);
        if (!parser.TryRead(out var header, out int headerLine))
        {
            throw new CsvFormatException(sourceName, 0, null, "the file is empty (no header row).");
        }

        int valueIndex = FindColumn(header, valueColumn, sourceName, headerLine);
        int dateIndex = options.DateColumn is null ? -1 : FindColumn(header, options.DateColumn, sourceName, headerLine);
        string valueName = header[valueIndex];
        var values = new List<double>();
        var dates = dateIndex >= 0 ? new List<DateTime>() : null;
        int previousDateLine = 0;
        while (parser.TryRead(out var fields, out int line))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (fields.Count != header.Count)
            {
                throw new CsvFormatException(sourceName, line, null, $"expected {header.Count} fields as in the header but found {fields.Count}.");
            }

            string cell = fields[valueIndex].Trim();
            if (cell.Length == 0 || cell.Equals("NA", StringComparison.OrdinalIgnoreCase))
            {
                throw new CsvFormatException(sourceName, line, valueName, "missing value.");
            }

            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                throw new CsvFormatException(sourceName, line, valueName, $"'{cell}' is not a number.");
            }

            if (!double.IsFinite(v))
            {
                throw new CsvFormatException(sourceName, line, valueName, $"value '{cell}' is not finite.");
            }

            if (options.RequirePositive && v <= 0)
            {
                throw new CsvFormatException(sourceName, line, valueName, $"value {cell} is not positive; prices must be greater than zero.");
            }

            if (dates is not null)
            {
                string dcell = fields[dateIndex].Trim();
                string dname = header[dateIndex];
                if (dcell.Length == 0)
                {
                    throw new CsvFormatException(sourceName, line, dname, "missing date.");
                }

                if (!DateTime.TryParse(dcell, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
                {
                    throw new CsvFormatException(sourceName, line, dname, $"'{dcell}' is not a date.");
                }

                if (dates.Count > 0)
                {
                    var prev = dates[^1];
                    if (d == prev)
                    {
                        throw new CsvFormatException(sourceName, line, dname, $"duplicate date {dcell} (also on line {previousDateLine}).");
                    }

                    if (d < prev)
                    {
                        throw new CsvFormatException(sourceName, line, dname, $"dates are not sorted: {dcell} comes after {prev:yyyy-MM-dd HH:mm:ss} (line {previousDateLine}).");
                    }
                }

                dates.Add(d);
                previousDateLine = line;
            }

            values.Add(v);
        }

        if (values.Count < options.MinimumRows)
        {
            throw new CsvFormatException(sourceName, 0, valueName, $"too few rows: {values.Count} data row(s), at least {options.MinimumRows} required.");
        }

        return new SeriesData(valueName, values.ToArray(), dates?.ToArray());
    }

    private static int FindColumn(IReadOnlyList<string> header, string name, string source, int line)
    {
        int[] same = Enumerable.Range(0, header.Count)
            .Where(i => string.Equals(header[i].Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
        if (same.Length > 1)
        {
            throw new CsvFormatException(source, line, name,
                $"the header names this column {same.Length} times (columns {string.Join(", ", same.Select(i => i + 1))}); column names must be unique.");
        }

        for (int i = 0; i < header.Count; i++)
        {
            if (header[i] == name)
            {
                return i;
            }
        }

        for (int i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i].Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new CsvFormatException(source, line, name, $"column does not exist; available columns: {string.Join(", ", header.Select(h => $"'{h}'"))}.");
    }

    /// <summary>Minimal RFC 4180 record parser that tracks the physical line where each record starts.</summary>
    private sealed class RecordParser(TextReader reader, char delimiter, string source)
    {
        private int _line = 1;

        public bool TryRead(out List<string> fields, out int startLine)
        {
            fields = new List<string>();
            startLine = _line;
            int c = reader.Read();
            if (c < 0)
            {
                return false;
            }

            var sb = new StringBuilder();
            bool quoted = false;
            bool fieldWasQuoted = false;
            while (true)
            {
                if (c < 0)
                {
                    if (quoted)
                    {
                        throw new CsvFormatException(source, startLine, null, "unterminated quoted field.");
                    }

                    fields.Add(sb.ToString());
                    return true;
                }

                char ch = (char)c;
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            sb.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (ch == '\n')
                        {
                            _line++;
                        }

                        sb.Append(ch);
                    }
                }
                else if (ch == '"' && sb.Length == 0 && !fieldWasQuoted)
                {
                    quoted = true;
                    fieldWasQuoted = true;
                }
                else if (ch == delimiter)
                {
                    fields.Add(sb.ToString());
                    sb.Clear();
                    fieldWasQuoted = false;
                }
                else if (ch == '\r' || ch == '\n')
                {
                    if (ch == '\r' && reader.Peek() == '\n')
                    {
                        reader.Read();
                    }

                    _line++;
                    fields.Add(sb.ToString());
                    return true;
                }
                else
                {
                    sb.Append(ch);
                }

                c = reader.Read();
            }
        }
    }
}
