namespace MlNetLstm.Data;

/// <summary>A CSV input problem, located by source, line (1-based, physical) and column name.</summary>
public sealed class CsvFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">File name or description of the input.</param>
    /// <param name="line">1-based line number, or 0 when not tied to a line.</param>
    /// <param name="column">Column name, or null.</param>
    /// <param name="problem">What is wrong.</param>
    public CsvFormatException(string source, int line, string? column, string problem)
        : base($"{source}{(line > 0 ? $", line {line}" : string.Empty)}{(column is null ? string.Empty : $", column '{column}'")}: {problem}")
    {
        SourceName = source;
        Line = line;
        Column = column;
    }

    /// <summary>File name or description of the input.</summary>
    public string SourceName { get; }

    /// <summary>1-based line number (0 when not tied to a line).</summary>
    public int Line { get; }

    /// <summary>Column name, or null.</summary>
    public string? Column { get; }
}
