using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>
/// A lazy <see cref="IDataView"/> over an input view that appends one <see cref="double"/> column computed on the fly
/// by a fresh <see cref="IOnlineFeature"/> per cursor from a numeric source column. The feature is order-dependent,
/// so this view refuses shuffling and always cursors sequentially (one cursor, rows in input order): row t of the
/// output is <c>f(x_1, ..., x_t)</c> exactly as the core streaming feature computes it.
/// </summary>
internal sealed class SeriesFeatureDataView : IDataView
{
    private readonly IDataView _input;
    private readonly int _sourceIndex;
    private readonly Func<IOnlineFeature> _factory;
    private readonly int[] _exogenousIndices;

    public SeriesFeatureDataView(IDataView input, string sourceColumn, string outputColumn, Func<IOnlineFeature> factory,
        IReadOnlyList<string>? exogenousColumns = null)
    {
        _input = input;
        _sourceIndex = SchemaChecks.RequireNumericColumn(input.Schema, sourceColumn).Index;
        _exogenousIndices = (exogenousColumns ?? []).Select(c => SchemaChecks.RequireNumericColumn(input.Schema, c).Index).ToArray();
        _factory = factory;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input.Schema);
        builder.AddColumn(outputColumn, NumberDataViewType.Double);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        bool outputActive = needed.Contains(Schema.Count - 1);
        var inputCols = _input.Schema.Where(c => needed.Contains(c.Index)
            || (outputActive && (c.Index == _sourceIndex || _exogenousIndices.Contains(c.Index)))).ToList();
        // rand is ignored on purpose: an order-dependent feature must see the rows in order.
        return new Cursor(this, _input.GetRowCursor(inputCols), outputActive);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SeriesFeatureDataView _parent;
        private readonly DataViewRowCursor _input;
        private readonly bool _outputActive;
        private readonly IOnlineFeature _feature;
        private readonly Func<double>? _source;
        private readonly Func<double>[] _exogenous = [];
        private readonly double[] _exogenousRow = [];
        private double _value;

        public Cursor(SeriesFeatureDataView parent, DataViewRowCursor input, bool outputActive)
        {
            _parent = parent;
            _input = input;
            _outputActive = outputActive;
            _feature = parent._factory();
            if (outputActive)
            {
                _source = SchemaChecks.NumericReader(input, input.Schema[parent._sourceIndex]);
                _exogenous = parent._exogenousIndices.Select(i => SchemaChecks.NumericReader(input, input.Schema[i])).ToArray();
                _exogenousRow = new double[_exogenous.Length];
                if (_exogenous.Length > 0 && _feature is not IExogenousOnlineFeature)
                    throw new InvalidOperationException("This transformer does not read exogenous columns.");
            }
        }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override DataViewSchema Schema => _parent.Schema;

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
                        throw new InvalidOperationException($"Column '{_input.Schema[_parent._exogenousIndices[j]].Name}' row {_input.Position}: value {v} is not finite.");
                    _exogenousRow[j] = v;
                }

                try
                {
                    _value = _exogenous.Length > 0 ? ((IExogenousOnlineFeature)_feature).Update(x, _exogenousRow) : _feature.Update(x);
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidOperationException(
                        $"Column '{_input.Schema[_parent._sourceIndex].Name}' row {_input.Position}: {ex.Message}", ex);
                }
            }

            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index == _parent.Schema.Count - 1 ? _outputActive : _input.IsColumnActive(_input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != _parent.Schema.Count - 1) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_outputActive) throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
            if (typeof(TValue) != typeof(double))
            {
                throw new InvalidOperationException($"Column '{column.Name}' is of type Double; requested {typeof(TValue).Name}.");
            }

            ValueGetter<double> getter = (ref double v) => v = _value;
            return (ValueGetter<TValue>)(object)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
