using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>
/// Base of MlNetLstm's order-dependent transformers (featurizers and forecasters): appends one Double column
/// <c>y_t = f(x_1..x_t)</c> computed from the numeric column <see cref="InputColumnName"/> by an online computation
/// (<see cref="CreateOnlineFeature"/>) that sees the rows in order. The transform is lazy (computed while cursoring)
/// and requires sequential cursoring: the returned view never shuffles and hands out a single cursor. Not a
/// row-to-row mapper: use <see cref="SeriesStreamingEngine"/> for row-at-a-time use. Immutable.
/// </summary>
public abstract class SeriesTransformer : ITransformer
{
    private protected SeriesTransformer(string outputColumnName, string inputColumnName, IReadOnlyList<string>? exogenousColumnNames = null)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        ExogenousColumnNames = exogenousColumnNames?.ToArray() ?? [];
    }

    /// <summary>Name of the appended Double column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Name of the numeric (Double or Single) source column.</summary>
    public string InputColumnName { get; }

    /// <summary>
    /// Numeric columns read beside <see cref="InputColumnName"/> at every row (exogenous inputs of a forecaster; empty for
    /// the univariate transformers). Row t's values are used for the output at row t, exactly like the input value.
    /// </summary>
    public IReadOnlyList<string> ExogenousColumnNames { get; }

    /// <summary>Always false: the output depends on row order.</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>What the column holds, for messages (for example "GARCH variance").</summary>
    private protected abstract string Description { get; }

    /// <summary>Creates a fresh online computation in its initial state (one per cursor or streaming engine).</summary>
    /// <returns>A new <see cref="IOnlineFeature"/>.</returns>
    public abstract IOnlineFeature CreateOnlineFeature();

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, InputColumnName);
        foreach (string c in ExogenousColumnNames) SchemaChecks.RequireNumericColumn(inputSchema, c);
        var b = new DataViewSchema.Builder();
        b.AddColumns(inputSchema);
        b.AddColumn(OutputColumnName, NumberDataViewType.Double);
        return b.ToSchema();
    }

    /// <summary>Not supported: the mapping is order-dependent.</summary>
    /// <param name="inputSchema">Unused.</param>
    /// <returns>Never returns.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => throw new NotSupportedException($"{Description} on column '{InputColumnName}' depends on row order; use SeriesStreamingEngine.");

    /// <summary>ML.NET's model context is internal; save pipelines with <see cref="MlNetLstmModel.Save"/> instead.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException("Save pipelines containing MlNetLstm transformers with MlNetLstmModel.Save (ML.NET issue 4911).");

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SeriesFeatureDataView(input, InputColumnName, OutputColumnName, CreateOnlineFeature, ExogenousColumnNames);
    }
}

/// <summary>An online computation that also reads exogenous values at every row (see <see cref="SeriesTransformer.ExogenousColumnNames"/>).</summary>
internal interface IExogenousOnlineFeature : IOnlineFeature
{
    /// <summary>Consumes the next value with the exogenous values of the same row and returns the output for it.</summary>
    double Update(double x, ReadOnlySpan<double> exogenous);
}

/// <summary>
/// Online one-step forecast that keeps the whole history and asks a fitted model for the forecast after each value
/// (O(t) per update); NaN until <c>minimumCount</c> values were seen.
/// </summary>
internal sealed class HistoryForecast : IOnlineFeature
{
    internal delegate double Forecaster(ReadOnlySpan<double> history);

    private readonly Forecaster _forecast;
    private readonly int _minimumCount;
    private readonly List<double> _history = new();

    public HistoryForecast(Forecaster forecast, int minimumCount)
    {
        _forecast = forecast;
        _minimumCount = minimumCount;
    }

    public int Count => _history.Count;

    public bool IsReady => _history.Count >= _minimumCount;

    public double Update(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"Value {x} at observation {Count} is not finite.", nameof(x));
        _history.Add(x);
        return IsReady ? _forecast(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_history)) : double.NaN;
    }

    public void Reset() => _history.Clear();
}
