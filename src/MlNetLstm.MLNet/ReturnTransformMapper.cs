using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>
/// Row-to-row variance proxy of a return column: <c>r²</c> (squared) or <c>|r|</c> (absolute), core
/// <see cref="OnlineReturnTransform"/>. Unlike the order-dependent featurizers it maps each row on its own, so it
/// works in ML.NET's PredictionEngine and with any cursoring (shuffled, parallel). Immutable.
/// </summary>
public sealed class ReturnTransformTransformer : ITransformer, IEstimator<ReturnTransformTransformer>
{
    internal ReturnTransformTransformer(string output, string input, ReturnTransform transform)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        OutputColumnName = output;
        InputColumnName = input;
        Transform = transform;
    }

    /// <summary>Output column name.</summary>
    public string OutputColumnName { get; }

    /// <summary>Return column name.</summary>
    public string InputColumnName { get; }

    /// <summary>The element-wise transform.</summary>
    public ReturnTransform Transform { get; }

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Nothing is learned: returns this transformer after checking the schema.</summary>
    /// <param name="input">Training data.</param>
    /// <returns>This instance.</returns>
    public ReturnTransformTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.RequireNumericColumn(input.Schema, InputColumnName);
        return this;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, InputColumnName);
        return SchemaChecks.AddDoubleColumns(inputSchema, OutputColumnName);
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, InputColumnName);
        var b = new DataViewSchema.Builder();
        b.AddColumns(inputSchema);
        b.AddColumn(OutputColumnName, NumberDataViewType.Double);
        return b.ToSchema();
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    /// <summary>Not supported by ML.NET for third-party transformers; use <see cref="MlNetLstmModel.Save"/>.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException("Save pipelines containing MlNetLstm transformers with MlNetLstmModel.Save (ML.NET issue 4911).");

    /// <inheritdoc />
    IDataView ITransformer.Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Row-wise and stateless, so the order-preserving view is correct here too (each row uses only itself).
        return new SeriesFeatureDataView(input, InputColumnName, OutputColumnName, () => new OnlineReturnTransform(Transform));
    }

    internal double Apply(double r) => Transform switch
    {
        ReturnTransform.Squared => r * r,
        ReturnTransform.Absolute => Math.Abs(r),
        _ => r,
    };

    private sealed class Mapper : IRowToRowMapper
    {
        private readonly ReturnTransformTransformer _parent;
        private readonly DataViewSchema.Column _source;

        public Mapper(ReturnTransformTransformer parent, DataViewSchema inputSchema)
        {
            _parent = parent;
            _source = SchemaChecks.RequireNumericColumn(inputSchema, parent.InputColumnName);
            InputSchema = inputSchema;
            OutputSchema = parent.GetOutputSchema(inputSchema);
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var cols = dependingColumns.ToList();
            var result = cols.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]).ToList();
            if (cols.Any(c => c.Index == OutputSchema.Count - 1) && !result.Any(c => c.Index == _source.Index)) result.Add(_source);
            return result;
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
            => new Row(this, input, activeColumns.Any(c => c.Index == OutputSchema.Count - 1));

        private sealed class Row : DataViewRow
        {
            private readonly Mapper _m;
            private readonly DataViewRow _input;
            private readonly bool _active;

            public Row(Mapper m, DataViewRow input, bool active)
            {
                _m = m;
                _input = input;
                _active = active;
            }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override DataViewSchema Schema => _m.OutputSchema;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index == _m.OutputSchema.Count - 1 ? _active : _input.IsColumnActive(_input.Schema[column.Index]);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index != _m.OutputSchema.Count - 1) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
                if (typeof(TValue) != typeof(double)) throw new InvalidOperationException($"Column '{column.Name}' is of type Double; requested {typeof(TValue).Name}.");
                var read = SchemaChecks.NumericReader(_input, _input.Schema[_m._source.Index]);
                ValueGetter<double> g = (ref double v) => v = _m._parent.Apply(read());
                return (ValueGetter<TValue>)(object)g;
            }
        }
    }
}
