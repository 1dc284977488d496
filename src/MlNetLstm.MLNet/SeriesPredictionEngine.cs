using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;

namespace MlNetLstm.MLNet;

/// <summary>
/// Row-at-a-time, stateful predictions of a whole fitted pipeline (ML.NET's row-to-row transformers and MlNetLstm's
/// order-dependent stages), in the role of ML.NET's <c>TimeSeriesPredictionEngine</c>: <see cref="Predict"/> consumes the
/// next row, updates every stage's state and returns the outputs for that row, identical to the values a transform over
/// all rows so far gives at that row. <see cref="CheckPoint(Stream)"/> saves the pipeline and the state;
/// <see cref="MlNetLstmModel.LoadSeriesPredictionEngine{TSrc, TDst}(MLContext, Stream)"/> resumes exactly where it stopped.
/// Every stateful stage is updated at every row, whichever columns <typeparamref name="TDst"/> reads. Not thread-safe (one
/// engine per caller); the pipeline is shared.
/// </summary>
/// <typeparam name="TSrc">Input row class (its properties are the pipeline's input columns).</typeparam>
/// <typeparam name="TDst">Output row class (properties named like the columns it reads).</typeparam>
public sealed class SeriesPredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    /// <summary>Archive kind of a checkpoint.</summary>
    public const string CheckpointKind = "mlnet-series-engine";

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly Stage[] _stages;
    private readonly Feed _feed = new();
    private readonly DataViewRowCursor _source;
    private readonly IEnumerator<TDst> _rows;
    private Exception? _fault;

    /// <summary>A stateful stage: its state, its row (the state's outputs beside its input row) and readers of its inputs.</summary>
    private sealed record Stage(ISeriesState State, double[] Values, Func<double> Input, Func<double>[] Exogenous, double[] ExogenousRow, string Column);

    internal SeriesPredictionEngine(MLContext ml, ITransformer model)
    {
        _ml = ml ?? throw new ArgumentNullException(nameof(ml));
        _model = model ?? throw new ArgumentNullException(nameof(model));
        // The rows go through the pipeline as ML.NET's PredictionEngine sends them: ML.NET's stages by their row-to-row mappers
        // (no cursor, so nothing reads ahead), MlNetLstm's stateful stages by a row that shows their state's outputs.
        IDataView sourceView = ml.Data.LoadFromEnumerable(_feed);
        _inputSchema = sourceView.Schema;
        _source = sourceView.GetRowCursor(sourceView.Schema);
        DataViewRow row = _source;
        var stages = new List<Stage>();
        foreach (var stage in MlNetLstmModel.Flatten(model))
        {
            if (stage is SeriesTransformer st)
            {
                var schema = st.GetOutputSchema(row.Schema);
                OutputGetters.Offsets(st.Outputs, out int total);
                var values = new double[total];
                var input = SchemaChecks.NumericReader(row, SchemaChecks.RequireNumericColumn(row.Schema, st.InputColumnName));
                var exog = st.ExogenousColumnNames.Select(c => SchemaChecks.NumericReader(row, SchemaChecks.RequireNumericColumn(row.Schema, c))).ToArray();
                stages.Add(new Stage(st.CreateState(), values, input, exog, new double[exog.Length], st.InputColumnName));
                row = new StateRow(row, st, schema, values);
            }
            else
            {
                IRowToRowMapper mapper;
                try
                {
                    mapper = stage.GetRowToRowMapper(row.Schema);
                }
                catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException)
                {
                    throw new NotSupportedException($"The pipeline stage {stage.GetType().Name} is not a row-to-row transformer, so the pipeline cannot run row by row.", ex);
                }

                row = mapper.GetRow(row, mapper.OutputSchema);
            }
        }

        _stages = [.. stages];
        _rows = ml.Data.CreateEnumerable<TDst>(new LiveView(row), reuseRowObject: false, ignoreMissingColumns: true).GetEnumerator();
    }

    /// <summary>Rows consumed so far (including those before a restored checkpoint).</summary>
    public long Count { get; private set; }

    /// <summary>The pipeline.</summary>
    public ITransformer Model => _model;

    /// <summary>Consumes the next row and returns the pipeline's outputs for it.</summary>
    /// <param name="example">The next row (in time order).</param>
    /// <returns>The outputs of this row.</returns>
    /// <exception cref="InvalidOperationException">A stage rejected the row (the message names the column and row); the engine
    /// is then unusable, because the stages before the failing one have already moved on: resume from a checkpoint.</exception>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (_fault is not null)
            throw new InvalidOperationException("The engine failed on an earlier row and its state is incomplete; load the last checkpoint to resume.", _fault);
        _feed.Pending = example;
        try
        {
            if (!_source.MoveNext()) throw new InvalidOperationException("The input produced no row.");
            foreach (var s in _stages)
            {
                double x = s.Input();
                for (int j = 0; j < s.Exogenous.Length; j++) s.ExogenousRow[j] = s.Exogenous[j]();
                try
                {
                    s.State.Update(x, s.ExogenousRow);
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidOperationException($"Column '{s.Column}' row {Count}: {ex.Message}", ex);
                }

                s.State.Write(s.Values);
            }

            if (!_rows.MoveNext()) throw new InvalidOperationException("The pipeline produced no row for the input.");
        }
        catch (Exception ex)
        {
            _fault = ex;
            throw;
        }

        Count++;
        return _rows.Current;
    }

    /// <summary>Saves the pipeline and the state of every stage to a stream (the pipeline as <see cref="MlNetLstmModel.Save(MLContext, ITransformer, DataViewSchema, Stream)"/> saves it).</summary>
    /// <param name="stream">Destination (written from its current position; not closed).</param>
    public void CheckPoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ModelFile.ToBytes(ToArchive()));
    }

    /// <summary>Saves the pipeline and the state to a file (written to a temporary file first, then moved into place).</summary>
    /// <param name="path">Destination file.</param>
    public void CheckPoint(string path) => ModelFile.Save(path, ToArchive());

    private ModelArchive ToArchive()
    {
        if (_fault is not null) throw new InvalidOperationException("The engine failed on an earlier row; its state is incomplete and is not saved.", _fault);
        var pipeline = MlNetLstmModel.ToArchive(_ml, _model, _inputSchema);
        var b = new ModelArchiveBuilder(CheckpointKind, 1)
            .AddText("pipeline", Convert.ToBase64String(ModelFile.ToBytes(pipeline)))
            .AddScalar("count", (double)Count)
            .AddScalar("stages", _stages.Length);
        for (int i = 0; i < _stages.Length; i++)
        {
            double[] s = _stages[i].State.GetState();
            b.Add($"state.{i}", s, s.Length);
        }

        return b.Build();
    }

    internal static SeriesPredictionEngine<TSrc, TDst> FromArchive(MLContext ml, ModelArchive a)
    {
        a.EnsureKind(CheckpointKind, 1);
        var model = MlNetLstmModel.FromArchive(ml, ModelFile.FromBytes(Convert.FromBase64String(a["pipeline"].AsText())), out _);
        var engine = new SeriesPredictionEngine<TSrc, TDst>(ml, model);
        int n = a["stages"].AsInt32s()[0];
        if (n != engine._stages.Length)
            throw new InvalidDataException($"The checkpoint holds {n} stage state(s); its pipeline has {engine._stages.Length} stateful stage(s).");
        for (int i = 0; i < n; i++)
        {
            var s = engine._stages[i];
            s.State.SetState(a[$"state.{i}"].AsDoubles());
            s.State.Write(s.Values);
        }
        engine.Count = (long)a["count"].AsDoubles()[0];
        return engine;
    }

    /// <summary>Releases the underlying cursors.</summary>
    public void Dispose()
    {
        _rows.Dispose();
        _source.Dispose();
    }

    /// <summary>A stateful stage's row: the input row's columns and the state's outputs (written by Predict).</summary>
    private sealed class StateRow(DataViewRow input, SeriesTransformer stage, DataViewSchema schema, double[] values) : DataViewRow
    {
        private readonly int[] _offsets = OutputGetters.Offsets(stage.Outputs, out _);

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override DataViewSchema Schema => schema;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index >= input.Schema.Count || input.IsColumnActive(input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int o = column.Index - input.Schema.Count;
            return o < 0
                ? input.GetGetter<TValue>(input.Schema[column.Index])
                : OutputGetters.Create<TValue>(values, _offsets[o], stage.Outputs[o].Width, stage.OutputType, column);
        }
    }

    /// <summary>A view of the engine's current row, for ML.NET's mapping to <typeparamref name="TDst"/>: every MoveNext shows it again.</summary>
    private sealed class LiveView(DataViewRow row) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema => row.Schema;

        public long? GetRowCount() => null;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(row);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(row)];

        private sealed class Cursor(DataViewRow row) : DataViewRowCursor
        {
            public override long Position => row.Position;

            public override long Batch => row.Batch;

            public override DataViewSchema Schema => row.Schema;

            public override bool MoveNext() => true;

            public override ValueGetter<DataViewRowId> GetIdGetter() => row.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);
        }
    }

    /// <summary>The engine's input: an endless sequence that yields the row handed to <see cref="Predict"/>, once.</summary>
    private sealed class Feed : IEnumerable<TSrc>
    {
        public TSrc? Pending { get; set; }

        public IEnumerator<TSrc> GetEnumerator()
        {
            while (true)
            {
                var row = Pending ?? throw new InvalidOperationException("The pipeline asked for a row before Predict was called (it reads ahead), so it cannot run row by row.");
                Pending = null;
                yield return row;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>Creates <see cref="SeriesPredictionEngine{TSrc, TDst}"/>s (<c>mlContext.Model.CreateSeriesPredictionEngine</c>).</summary>
public static class SeriesPredictionEngineCatalog
{
    /// <summary>
    /// A stateful row-at-a-time engine over a whole fitted pipeline (ML.NET's PredictionEngine cannot carry the state of
    /// MlNetLstm's order-dependent stages). See <see cref="SeriesPredictionEngine{TSrc, TDst}"/>.
    /// </summary>
    /// <typeparam name="TSrc">Input row class.</typeparam>
    /// <typeparam name="TDst">Output row class.</typeparam>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="mlContext">The ML.NET context (ML.NET's catalogs do not expose it; used to read the input rows and to checkpoint).</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <returns>An engine in the initial state (no row seen).</returns>
    public static SeriesPredictionEngine<TSrc, TDst> CreateSeriesPredictionEngine<TSrc, TDst>(this ModelOperationsCatalog catalog, MLContext mlContext, ITransformer model)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SeriesPredictionEngine<TSrc, TDst>(mlContext, model);
    }
}
