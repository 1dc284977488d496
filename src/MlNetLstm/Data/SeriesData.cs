namespace MlNetLstm.Data;

/// <summary>A numeric series read from a CSV file, with optional dates (strictly increasing).</summary>
public sealed class SeriesData
{
    internal SeriesData(string name, double[] values, DateTime[]? dates)
    {
        Name = name;
        Values = Array.AsReadOnly(values);
        Dates = dates is null ? null : Array.AsReadOnly(dates);
    }

    /// <summary>Name of the value column.</summary>
    public string Name { get; }

    /// <summary>The values, in file order.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The dates (strictly increasing) when a date column was read, otherwise null.</summary>
    public IReadOnlyList<DateTime>? Dates { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Values.Count;

    /// <summary>The values as a new array.</summary>
    /// <returns>A copy of <see cref="Values"/>.</returns>
    public double[] ToArray() => Values.ToArray();
}
