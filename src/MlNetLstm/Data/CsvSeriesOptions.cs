namespace MlNetLstm.Data;

/// <summary>Options of <see cref="CsvSeriesReader"/>. Defaults are defined here once.</summary>
public sealed record CsvSeriesOptions
{
    /// <summary>The default options.</summary>
    public static CsvSeriesOptions Default { get; } = new();

    /// <summary>Name of the date column, or null for none (default null).</summary>
    public string? DateColumn { get; init; }

    /// <summary>Minimum number of data rows (default 2).</summary>
    public int MinimumRows { get; init; } = 2;

    /// <summary>Field delimiter (default ',').</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>
    /// Require every value to be strictly positive, as prices are (default false); a zero or negative value raises a
    /// <see cref="CsvFormatException"/> naming its line and column.
    /// </summary>
    public bool RequirePositive { get; init; }
}
