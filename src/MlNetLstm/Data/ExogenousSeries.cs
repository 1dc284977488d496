namespace MlNetLstm.Data;

/// <summary>
/// Immutable, named exogenous input series aligned with a return series: a matrix X [n, k] (row-major, time first)
/// whose row t holds the k values observed at the close of period t, the same time as return r_t (for example a
/// sentiment score, the traded volume, or the implied volatility quoted that day). Models that use them condition the
/// forecast of r_{t+1} on rows up to t only. Values must be finite.
/// </summary>
public sealed class ExogenousSeries
{
    private readonly double[] _values; // shared by slices (never written after construction)
    private readonly string[] _names;
    private readonly int _offset;      // first element of row 0 in _values

    /// <summary>Creates the series from row-major values.</summary>
    /// <param name="names">Column names (k ≥ 1, non-empty, unique).</param>
    /// <param name="values">Row-major values [n, k]; copied.</param>
    /// <exception cref="ArgumentException">Empty or duplicate names, a length that is not a multiple of k, or a non-finite value
    /// (the message names the row and column).</exception>
    public ExogenousSeries(IReadOnlyList<string> names, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0) throw new ArgumentException("At least one exogenous column name is required.", nameof(names));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(names[j])) throw new ArgumentException($"names[{j}] is empty.", nameof(names));
            if (names[j].Any(char.IsControl)) throw new ArgumentException($"names[{j}] ('{names[j]}') contains a control character.", nameof(names));
            if (!seen.Add(names[j])) throw new ArgumentException($"Duplicate exogenous column name '{names[j]}'.", nameof(names));
        }
        int k = names.Count;
        if (values.Length % k != 0)
            throw new ArgumentException($"values has {values.Length} elements, which is not a multiple of the {k} columns.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"Exogenous column '{names[i % k]}' has the non-finite value {values[i]} at row {i / k}.", nameof(values));
        _names = names.ToArray();
        _values = values.ToArray();
        Count = values.Length / k;
    }

    /// <summary>Creates the series from one array per column (all the same length).</summary>
    /// <param name="columns">Column name → values over time (n each).</param>
    /// <returns>The series with the columns in the given order.</returns>
    /// <exception cref="ArgumentException">No columns, unequal lengths or non-finite values.</exception>
    public static ExogenousSeries FromColumns(IReadOnlyList<KeyValuePair<string, double[]>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("At least one exogenous column is required.", nameof(columns));
        int n = columns[0].Value?.Length ?? throw new ArgumentException($"Column '{columns[0].Key}' is null.", nameof(columns));
        int k = columns.Count;
        var values = new double[n * k];
        for (int j = 0; j < k; j++)
        {
            double[] c = columns[j].Value ?? throw new ArgumentException($"Column '{columns[j].Key}' is null.", nameof(columns));
            if (c.Length != n)
                throw new ArgumentException($"Column '{columns[j].Key}' has {c.Length} values; column '{columns[0].Key}' has {n}.", nameof(columns));
            for (int t = 0; t < n; t++) values[t * k + j] = c[t];
        }
        return new ExogenousSeries(columns.Select(c => c.Key).ToArray(), values);
    }

    /// <summary>Creates a one-column series.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="values">Values over time.</param>
    public static ExogenousSeries FromColumn(string name, ReadOnlySpan<double> values) => new([name], values);

    /// <summary>Column names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Number of rows n (time steps).</summary>
    public int Count { get; }

    /// <summary>Number of columns k.</summary>
    public int Width => _names.Length;

    /// <summary>Value of column <paramref name="column"/> at row <paramref name="row"/>.</summary>
    /// <param name="row">Time index in [0, n).</param>
    /// <param name="column">Column index in [0, k).</param>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"row must be in [0, {Count}).");
            if ((uint)column >= (uint)Width) throw new ArgumentOutOfRangeException(nameof(column), column, $"column must be in [0, {Width}).");
            return _values[_offset + row * Width + column];
        }
    }

    /// <summary>Row t: the k values observed at time t.</summary>
    /// <param name="row">Time index in [0, n).</param>
    public ReadOnlySpan<double> Row(int row)
    {
        if ((uint)row >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"row must be in [0, {Count}).");
        return _values.AsSpan(_offset + row * Width, Width);
    }

    /// <summary>All values, row-major [n, k].</summary>
    public ReadOnlySpan<double> Values => _values.AsSpan(_offset, Count * Width);

    /// <summary>One column over time (a copy).</summary>
    /// <param name="name">Column name.</param>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public double[] Column(string name)
    {
        int j = Array.IndexOf(_names, name);
        if (j < 0) throw new KeyNotFoundException($"No exogenous column named '{name}' (columns: {string.Join(", ", _names)}).");
        var c = new double[Count];
        for (int t = 0; t < Count; t++) c[t] = _values[_offset + t * Width + j];
        return c;
    }

    /// <summary>Rows [start, start + length) as a series with the same names (a view: nothing is copied).</summary>
    /// <param name="start">First row.</param>
    /// <param name="length">Number of rows.</param>
    public ExogenousSeries Slice(int start, int length)
    {
        if (start < 0 || length < 0 || start > Count - length)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + length}) are outside [0, {Count}).");
        return new ExogenousSeries(_names, _values, _offset + start * Width, length);
    }

    private ExogenousSeries(string[] names, double[] values, int offset, int count)
    {
        _names = names;
        _values = values;
        _offset = offset;
        Count = count;
    }

    /// <summary>Throws unless this series has exactly <paramref name="expected"/> rows.</summary>
    /// <param name="expected">Required row count (the length of the aligned return series).</param>
    /// <param name="paramName">Argument name for the exception.</param>
    /// <param name="what">What the rows must align with, for the message.</param>
    public void EnsureAligned(int expected, string paramName, string what = "the returns")
    {
        if (Count != expected)
            throw new ArgumentException($"The exogenous series has {Count} rows but {what} have {expected}; they must be aligned row by row.", paramName);
    }
}
