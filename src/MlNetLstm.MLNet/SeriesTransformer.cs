using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetLstm.MLNet;

/// <summary>
/// Base of MlNetLstm's order-dependent transformers (featurizers and forecasters). Row t's outputs are
/// <c>f(x_1..x_t)</c> of the numeric column <see cref="InputColumnName"/> (and, for forecasters with exogenous inputs, of
/// <see cref="ExogenousColumnNames"/>): one pass over the rows in order carries the model state from row to row, so a
/// transform over n rows costs O(n). The transform is lazy (computed while cursoring); the returned view never shuffles
/// and hands out a single cursor. Immutable and thread-safe: every cursor and engine has its own state.
/// <para>
/// Row at a time: <see cref="SeriesPredictionEngine{TSrc, TDst}"/> (<c>mlContext.Model.CreateSeriesPredictionEngine</c>) runs
/// a whole fitted pipeline row by row and checkpoints its state. ML.NET's PredictionEngine maps each row on its own and
/// cannot carry state: asking for one over these stages throws an exception that says so.
/// </para>
/// </summary>
public abstract class SeriesTransformer : ITransformer
{
    private protected SeriesTransformer(string inputColumnName, IReadOnlyList<string>? exogenousColumnNames, DataKind outputType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        SchemaChecks.ItemType(outputType);
        InputColumnName = inputColumnName;
        ExogenousColumnNames = exogenousColumnNames?.ToArray() ?? [];
        OutputType = outputType;
    }

    /// <summary>Name of the numeric (Double or Single) source column.</summary>
    public string InputColumnName { get; }

    /// <summary>
    /// Numeric columns read beside <see cref="InputColumnName"/> at every row (exogenous inputs of a forecaster; empty for
    /// the univariate transformers). Row t's values are used for the output at row t, exactly like the input value.
    /// </summary>
    public IReadOnlyList<string> ExogenousColumnNames { get; }

    /// <summary>Item type of the appended columns: <see cref="DataKind.Double"/> or <see cref="DataKind.Single"/>.</summary>
    public DataKind OutputType { get; }

    /// <summary>Names of the appended columns, in order.</summary>
    public IReadOnlyList<string> OutputColumnNames => Outputs.Select(o => o.Name).ToArray();

    /// <summary>
    /// True, so that ML.NET asks for the row mapper and <see cref="GetRowToRowMapper"/> can explain why there is none (ML.NET
    /// would otherwise reply "Must be a row to row mapper"). The output of row t depends on rows 1..t.
    /// </summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The appended columns: name and width (0 for a scalar, k for a vector of k values).</summary>
    internal abstract IReadOnlyList<(string Name, int Width)> Outputs { get; }

    /// <summary>What the stage computes, for messages (for example "GARCH variance forecast").</summary>
    private protected abstract string Description { get; }

    /// <summary>A fresh per-cursor state (nothing seen).</summary>
    internal abstract ISeriesState CreateState();

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.RequireNumericColumn(inputSchema, InputColumnName);
        foreach (string c in ExogenousColumnNames) SchemaChecks.RequireNumericColumn(inputSchema, c);
        var b = new DataViewSchema.Builder();
        b.AddColumns(inputSchema);
        foreach (var (name, width) in Outputs) b.AddColumn(name, SchemaChecks.ColumnType(OutputType, width));
        return b.ToSchema();
    }

    /// <summary>
    /// Always throws: the output depends on row order, so there is no row-to-row mapper (and no ML.NET PredictionEngine).
    /// Use <c>mlContext.Model.CreateSeriesPredictionEngine&lt;TSrc, TDst&gt;(model)</c>, which carries the state from row to row.
    /// </summary>
    /// <param name="inputSchema">Unused.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => throw new NotSupportedException(
            $"MlNetLstm: {Description} on column '{InputColumnName}' depends on the rows before it (it carries state from row to row), "
            + "so it cannot run in ML.NET's PredictionEngine, which maps each row on its own. Use "
            + "mlContext.Model.CreateSeriesPredictionEngine<TSrc, TDst>(model): Predict(row) updates the state and returns the outputs, "
            + "CheckPoint(stream) saves model and state.");

    /// <summary>ML.NET's model context is internal; save pipelines with <see cref="MlNetLstmModel.Save(MLContext, ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw MlNetLstmModel.UseAdapterSave(Description);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema); // names the missing or mistyped column now rather than at cursoring time
        return new SeriesDataView(input, this);
    }
}

/// <summary>The per-cursor (or per-engine) state of a <see cref="SeriesTransformer"/>: one update per row, in order.</summary>
internal interface ISeriesState
{
    /// <summary>Consumes row t (the input value and the exogenous values); throws <see cref="ArgumentException"/> on bad values.</summary>
    void Update(double x, ReadOnlySpan<double> exogenous);

    /// <summary>Writes the outputs of the last row: each output column's values in order (1 for a scalar, k for a vector).</summary>
    void Write(Span<double> outputs);

    /// <summary>The complete state, for checkpoints.</summary>
    double[] GetState();

    /// <summary>Restores a state written by <see cref="GetState"/> into a fresh state object.</summary>
    void SetState(ReadOnlySpan<double> state);
}

/// <summary>One step of a featurizer: consumes x and writes the outputs of this row.</summary>
internal delegate void FeatureStep(double x, Span<double> outputs);

/// <summary>
/// State of a cheap featurizer (returns, EWMA, rolling, realized and HAR) whose core online computation keeps its state
/// private: the inputs seen are kept and replayed on restore (O(1) per row either way), which reproduces the state exactly.
/// </summary>
internal sealed class ReplayState(Func<FeatureStep> factory, int width) : ISeriesState
{
    private FeatureStep _step = factory();
    private readonly double[] _last = new double[width];
    private readonly List<double> _history = new();

    public void Update(double x, ReadOnlySpan<double> exogenous)
    {
        _step(x, _last);
        _history.Add(x);
    }

    public void Write(Span<double> outputs) => _last.CopyTo(outputs);

    public double[] GetState() => [.. _history];

    public void SetState(ReadOnlySpan<double> state)
    {
        _step = factory();
        _history.Clear();
        foreach (double x in state) Update(x, default);
    }
}

/// <summary>Getters of output columns over a buffer of the current row's values.</summary>
internal static class OutputGetters
{
    public static int[] Offsets(IReadOnlyList<(string Name, int Width)> outputs, out int total)
    {
        var offsets = new int[outputs.Count];
        total = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            offsets[i] = total;
            total += Math.Max(1, outputs[i].Width);
        }

        return offsets;
    }

    public static ValueGetter<TValue> Create<TValue>(double[] values, int offset, int width, DataKind type, DataViewSchema.Column column)
    {
        bool single = type == DataKind.Single;
        Delegate getter = (width, single) switch
        {
            (0, false) => (ValueGetter<double>)((ref double v) => v = values[offset]),
            (0, true) => (ValueGetter<float>)((ref float v) => v = (float)values[offset]),
            (_, false) => (ValueGetter<VBuffer<double>>)((ref VBuffer<double> v) =>
            {
                var e = VBufferEditor.Create(ref v, width);
                for (int k = 0; k < width; k++) e.Values[k] = values[offset + k];
                v = e.Commit();
            }),
            (_, true) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
            {
                var e = VBufferEditor.Create(ref v, width);
                for (int k = 0; k < width; k++) e.Values[k] = (float)values[offset + k];
                v = e.Commit();
            }),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; requested {typeof(TValue).Name}.");
    }
}

/// <summary>
/// The lazy view of a <see cref="SeriesTransformer"/>: appends its columns, computed by a fresh state per cursor while the
/// input is read in order (shuffling is refused and a single cursor is handed out).
/// </summary>
internal sealed class SeriesDataView : IDataView
{
    private readonly IDataView _input;
    private readonly SeriesTransformer _transformer;
    private readonly int _sourceIndex;
    private readonly int[] _exogenousIndices;
    private readonly int[] _offsets;
    private readonly int _total;
    public SeriesDataView(IDataView input, SeriesTransformer transformer)
    {
        _input = input;
        _transformer = transformer;
        _sourceIndex = SchemaChecks.RequireNumericColumn(input.Schema, transformer.InputColumnName).Index;
        _exogenousIndices = transformer.ExogenousColumnNames.Select(c => SchemaChecks.RequireNumericColumn(input.Schema, c).Index).ToArray();
        Schema = transformer.GetOutputSchema(input.Schema);
        _offsets = OutputGetters.Offsets(transformer.Outputs, out _total);
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    private int OutputOf(int schemaIndex) => schemaIndex - _input.Schema.Count; // -1.. for input columns

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        bool outputActive = needed.Any(i => i >= _input.Schema.Count);
        var inputCols = _input.Schema.Where(c => needed.Contains(c.Index)
            || (outputActive && (c.Index == _sourceIndex || _exogenousIndices.Contains(c.Index)))).ToList();
        // rand is ignored on purpose: an order-dependent computation must see the rows in order.
        return new Cursor(this, _input.GetRowCursor(inputCols), outputActive);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SeriesDataView _p;
        private readonly DataViewRowCursor _input;
        private readonly bool _outputActive;
        private readonly ISeriesState? _state;
        private readonly Func<double>? _source;
        private readonly Func<double>[] _exogenous = [];
        private readonly double[] _exogenousRow = [];
        private readonly double[] _values;

        public Cursor(SeriesDataView parent, DataViewRowCursor input, bool outputActive)
        {
            _p = parent;
            _input = input;
            _outputActive = outputActive;
            _values = new double[parent._total];
            if (outputActive)
            {
                _state = parent._transformer.CreateState();
                _source = SchemaChecks.NumericReader(input, input.Schema[parent._sourceIndex]);
                _exogenous = parent._exogenousIndices.Select(i => SchemaChecks.NumericReader(input, input.Schema[i])).ToArray();
                _exogenousRow = new double[_exogenous.Length];
            }
        }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override DataViewSchema Schema => _p.Schema;

        public override bool MoveNext()
        {
            if (!_input.MoveNext()) return false;
            if (_outputActive)
            {
                double x = _source!();
                for (int j = 0; j < _exogenous.Length; j++)
                {
                    double v = _exogenous[j]();
                    if (!double.IsFinite(v))
                        throw new InvalidOperationException($"Column '{_input.Schema[_p._exogenousIndices[j]].Name}' row {_input.Position}: value {v} is not finite.");
                    _exogenousRow[j] = v;
                }

                try
                {
                    _state!.Update(x, _exogenousRow);
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidOperationException($"Column '{_input.Schema[_p._sourceIndex].Name}' row {_input.Position}: {ex.Message}", ex);
                }

                _state.Write(_values);
            }

            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => _p.OutputOf(column.Index) >= 0 ? _outputActive : _input.IsColumnActive(_input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int o = _p.OutputOf(column.Index);
            if (o < 0) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_outputActive) throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
            return OutputGetters.Create<TValue>(_values, _p._offsets[o], _p._transformer.Outputs[o].Width, _p._transformer.OutputType, column);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
