using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>Estimator of <see cref="VarianceProxyTransformer"/> (<c>mlContext.Transforms.ComputeVarianceProxy</c>); nothing is learned.</summary>
public sealed class VarianceProxyEstimator : IEstimator<VarianceProxyTransformer>
{
    /// <summary>Options of <see cref="VarianceProxyEstimator"/>.</summary>
    public sealed class Options : SeriesColumnOptions
    {
        /// <summary>Default <see cref="Transform"/>.</summary>
        public const ReturnTransform DefaultTransform = ReturnTransform.Squared;

        /// <summary>Squared (<c>r²</c>) or absolute (<c>|r|</c>) returns.</summary>
        public ReturnTransform Transform { get; set; } = DefaultTransform;
    }

    private readonly VarianceProxyTransformer _transformer;

    internal VarianceProxyEstimator(Options o) => _transformer = new VarianceProxyTransformer(o.OutputColumnName, o.Input, o.Transform, o.OutputType);

    /// <summary>Checks the schema and returns the transformer.</summary>
    /// <param name="input">Training data (only the schema is read).</param>
    /// <returns>The transformer.</returns>
    public VarianceProxyTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _transformer.InputColumnName);
        return SchemaChecks.AddColumns(inputSchema, [(_transformer.OutputColumnName, 0)], _transformer.OutputType);
    }
}

/// <summary>
/// Row-to-row variance proxy of a return column: <c>r²</c> (squared) or <c>|r|</c> (absolute), core
/// <see cref="OnlineReturnTransform"/>. It maps each row on its own, so it works in ML.NET's PredictionEngine and with any
/// cursoring (shuffled, parallel). Immutable.
/// </summary>
public sealed class VarianceProxyTransformer : ITransformer
{
    internal VarianceProxyTransformer(string output, string input, ReturnTransform transform, DataKind outputType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        if (transform is not (ReturnTransform.Squared or ReturnTransform.Absolute))
            throw new ArgumentOutOfRangeException(nameof(transform), transform, "The variance proxy is Squared or Absolute returns.");
        SchemaChecks.ItemType(outputType);
        OutputColumnName = output;
        InputColumnName = input;
        ProxyTransform = transform;
        OutputType = outputType;
    }

    /// <summary>Output column name.</summary>
    public string OutputColumnName { get; }

    /// <summary>Return column name.</summary>
    public string InputColumnName { get; }

    /// <summary>The element-wise transform (squared or absolute).</summary>
    public ReturnTransform ProxyTransform { get; }

    /// <summary>Item type of the output column.</summary>
    public DataKind OutputType { get; }

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.RequireNumericColumn(inputSchema, InputColumnName);
        var b = new DataViewSchema.Builder();
        b.AddColumns(inputSchema);
        b.AddColumn(OutputColumnName, SchemaChecks.ItemType(OutputType));
        return b.ToSchema();
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    /// <summary>Not supported by ML.NET for third-party transformers; use <see cref="MlNetLstmModel.Save(MLContext, ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw MlNetLstmModel.UseAdapterSave("the variance proxy");

    /// <summary>Appends the proxy column (row by row; any cursoring).</summary>
    /// <param name="input">The data.</param>
    /// <returns>The data with the proxy column.</returns>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedView(input, GetRowToRowMapper(input.Schema));
    }

    internal double Apply(double r) => ProxyTransform == ReturnTransform.Squared ? r * r : Math.Abs(r);

    /// <summary>A view that applies a row mapper to every row of its input (any cursoring).</summary>
    private sealed class MappedView(IDataView input, IRowToRowMapper mapper) : IDataView
    {
        public bool CanShuffle => input.CanShuffle;

        public DataViewSchema Schema => mapper.OutputSchema;

        public long? GetRowCount() => input.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var active = columnsNeeded.ToList();
            var deps = mapper.GetDependencies(active).ToList();
            return new MappedCursor(input.GetRowCursor(deps, rand), mapper, active, Schema);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        {
            var active = columnsNeeded.ToList();
            var deps = mapper.GetDependencies(active).ToList();
            return input.GetRowCursorSet(deps, n, rand).Select(c => (DataViewRowCursor)new MappedCursor(c, mapper, active, Schema)).ToArray();
        }
    }

    private sealed class MappedCursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _input;
        private readonly DataViewRow _row;

        public MappedCursor(DataViewRowCursor input, IRowToRowMapper mapper, IEnumerable<DataViewSchema.Column> active, DataViewSchema schema)
        {
            _input = input;
            _row = mapper.GetRow(input, active);
            Schema = schema;
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool MoveNext() => _input.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _row.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _row.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed class Mapper : IRowToRowMapper
    {
        private readonly VarianceProxyTransformer _parent;
        private readonly DataViewSchema.Column _source;

        public Mapper(VarianceProxyTransformer parent, DataViewSchema inputSchema)
        {
            _parent = parent;
            _source = SchemaChecks.RequireNumericColumn(inputSchema, parent.InputColumnName);
            InputSchema = inputSchema;
            OutputSchema = parent.GetOutputSchema(inputSchema);
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        private int OutputIndex => OutputSchema.Count - 1;

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var cols = dependingColumns.ToList();
            var result = cols.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]).ToList();
            if (cols.Any(c => c.Index == OutputIndex) && !result.Any(c => c.Index == _source.Index)) result.Add(_source);
            return result;
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
            => new Row(this, input, activeColumns.Any(c => c.Index == OutputIndex));

        private sealed class Row(Mapper m, DataViewRow input, bool active) : DataViewRow
        {
            public override long Position => input.Position;

            public override long Batch => input.Batch;

            public override DataViewSchema Schema => m.OutputSchema;

            public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index == m.OutputIndex ? active : input.IsColumnActive(input.Schema[column.Index]);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index != m.OutputIndex) return input.GetGetter<TValue>(input.Schema[column.Index]);
                var read = SchemaChecks.NumericReader(input, input.Schema[m._source.Index]);
                Delegate g = m._parent.OutputType == DataKind.Single
                    ? (ValueGetter<float>)((ref float v) => v = (float)m._parent.Apply(read()))
                    : (ValueGetter<double>)((ref double v) => v = m._parent.Apply(read()));
                return g as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; requested {typeof(TValue).Name}.");
            }
        }
    }
}
