using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;

namespace MlNetLstm.MLNet;

/// <summary>
/// Saves and loads a fitted pipeline (a <see cref="TransformerChain{TLastTransformer}"/> or a single transformer) mixing
/// ML.NET's transformers and MlNetLstm's, to ONE file or stream, with the input schema, as <c>mlContext.Model.Save</c> /
/// <c>Load</c> do for ML.NET's own. ML.NET cannot serialize third-party transformers in its model zip (its ModelSaveContext
/// is internal, dotnet/machinelearning issue 4911), so the file is a <see cref="ModelFile"/> container (kind <see cref="Kind"/>):
/// each maximal run of ML.NET transformers is saved with <c>mlContext.Model.Save</c> into an entry, each MlNetLstm
/// transformer as its own entries, and the input schema as an empty ML.NET model. Files of layout version 1 (without the
/// input schema) still load.
/// </summary>
public static class MlNetLstmModel
{
    /// <summary>Archive kind of a saved pipeline.</summary>
    public const string Kind = "mlnet-pipeline";

    /// <summary>Archive kind version written: 2 adds the input schema, output types, horizons and confidence bounds.</summary>
    public const int KindVersion = 2;

    internal static NotSupportedException UseAdapterSave(string what) => new(
        $"MlNetLstm: {what} cannot be saved by mlContext.Model.Save (ML.NET does not serialize third-party transformers, "
        + "dotnet/machinelearning issue 4911). Save the whole pipeline with MlNetLstmModel.Save(mlContext, model, inputSchema, stream or path) "
        + "and load it with MlNetLstmModel.Load(mlContext, stream or path, out inputSchema).");

    /// <summary>Saves <paramref name="model"/> (fitted on data of schema <paramref name="inputSchema"/>) to a stream.</summary>
    /// <param name="mlContext">The ML.NET context (used for ML.NET's parts).</param>
    /// <param name="model">A fitted transformer or transformer chain.</param>
    /// <param name="inputSchema">Schema of the data the model is applied to.</param>
    /// <param name="stream">Destination (written from its current position; not closed).</param>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ModelFile.ToBytes(ToArchive(mlContext, model, inputSchema)));
    }

    /// <summary>Saves <paramref name="model"/> to a file (written to a temporary file first, then moved into place).</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="model">A fitted transformer or transformer chain.</param>
    /// <param name="inputSchema">Schema of the data the model is applied to.</param>
    /// <param name="path">Destination file.</param>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ModelFile.Save(path, ToArchive(mlContext, model, inputSchema));
    }

    /// <summary>Loads a pipeline saved by <see cref="Save(MLContext, ITransformer, DataViewSchema, Stream)"/>; predictions equal the saved pipeline's.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="stream">The saved pipeline (read to its end).</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on.</param>
    /// <returns>The pipeline as a transformer chain.</returns>
    public static TransformerChain<ITransformer> Load(MLContext mlContext, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return FromArchive(mlContext, ModelFile.FromBytes(ms.ToArray()), out inputSchema);
    }

    /// <summary>Loads a pipeline saved by <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/>.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="path">The file.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on.</param>
    /// <returns>The pipeline as a transformer chain.</returns>
    public static TransformerChain<ITransformer> Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
        => FromArchive(mlContext, ModelFile.Load(path), out inputSchema);

    /// <summary>Loads a pipeline saved by <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/> (input schema not needed).</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="path">The file.</param>
    /// <returns>The pipeline as a transformer chain.</returns>
    public static TransformerChain<ITransformer> Load(MLContext mlContext, string path) => Load(mlContext, path, out _);

    /// <summary>Resumes a <see cref="SeriesPredictionEngine{TSrc, TDst}"/> saved by its CheckPoint(stream), exactly where it stopped.</summary>
    /// <typeparam name="TSrc">Input row class.</typeparam>
    /// <typeparam name="TDst">Output row class.</typeparam>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="stream">The checkpoint (read to its end).</param>
    /// <returns>The engine, with the pipeline and the state of the checkpoint.</returns>
    public static SeriesPredictionEngine<TSrc, TDst> LoadSeriesPredictionEngine<TSrc, TDst>(MLContext mlContext, Stream stream)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return SeriesPredictionEngine<TSrc, TDst>.FromArchive(mlContext, ModelFile.FromBytes(ms.ToArray()));
    }

    /// <summary>Resumes a <see cref="SeriesPredictionEngine{TSrc, TDst}"/> saved by its CheckPoint(path).</summary>
    /// <typeparam name="TSrc">Input row class.</typeparam>
    /// <typeparam name="TDst">Output row class.</typeparam>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The engine.</returns>
    public static SeriesPredictionEngine<TSrc, TDst> LoadSeriesPredictionEngine<TSrc, TDst>(MLContext mlContext, string path)
        where TSrc : class
        where TDst : class, new()
        => SeriesPredictionEngine<TSrc, TDst>.FromArchive(mlContext, ModelFile.Load(path));

    internal static IEnumerable<ITransformer> Flatten(ITransformer t)
    {
        if (t is IEnumerable<ITransformer> chain)
        {
            foreach (var c in chain)
            {
                foreach (var x in Flatten(c)) yield return x;
            }
        }
        else
        {
            yield return t;
        }
    }

    private static bool IsOurs(ITransformer t) => t is SeriesTransformer or VarianceProxyTransformer;

    internal static ModelArchive ToArchive(MLContext mlContext, ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var stages = Flatten(model).ToList();
        var b = new ModelArchiveBuilder(Kind, KindVersion);
        b.AddText("inputSchema", MlNetZip(mlContext, new TransformerChain<ITransformer>(), inputSchema));
        var schema = inputSchema;
        int n = 0;
        for (int i = 0; i < stages.Count;)
        {
            string p = $"stage.{n}.";
            if (!IsOurs(stages[i]))
            {
                var run = new List<ITransformer>();
                while (i < stages.Count && !IsOurs(stages[i])) run.Add(stages[i++]);
                var chain = new TransformerChain<ITransformer>(run.ToArray());
                b.AddText(p + "type", "mlnet").AddText(p + "zip", MlNetZip(mlContext, chain, schema));
                schema = chain.GetOutputSchema(schema);
                n++;
                continue;
            }

            var stage = stages[i++];
            switch (stage)
            {
                case SeriesFeatureTransformer f:
                    b.AddText(p + "type", "feature").AddText(p + "kind", f.FeatureKind)
                     .AddText(p + "input", f.InputColumnName).AddText(p + "output", f.OutputColumnName)
                     .AddText(p + "parameterNames", string.Join('\n', f.Parameters.Keys))
                     .Add(p + "parameterValues", f.Parameters.Values.ToArray(), f.Parameters.Count);
                    break;
                case HarComponentsTransformer h:
                    b.AddText(p + "type", "har").AddText(p + "input", h.InputColumnName)
                     .AddText(p + "daily", h.DailyColumnName).AddText(p + "weekly", h.WeeklyColumnName).AddText(p + "monthly", h.MonthlyColumnName)
                     .AddScalar(p + "weeklyWindow", h.WeeklyWindow).AddScalar(p + "monthlyWindow", h.MonthlyWindow);
                    break;
                case GarchVolatilityTransformer g:
                    b.AddText(p + "type", "garch").AddText(p + "input", g.InputColumnName).AddText(p + "output", g.OutputColumnName)
                     .AddText(p + "mean", GarchNames.Of(g.Mean)).AddText(p + "volatility", GarchNames.Of(g.Process))
                     .AddText(p + "distribution", GarchNames.Of(g.Distribution))
                     .Add(p + "trainingReturns", g.TrainingReturns.ToArray(), g.TrainingReturns.Count)
                     .Add(p + "parameters", g.Fit.Values.ToArray(), g.Fit.Values.Count);
                    WriteForecastColumns(b, p, g);
                    break;
                case LstmVolatilityTransformer l:
                    b.AddText(p + "type", "lstm-volatility").AddText(p + "input", l.InputColumnName).AddText(p + "output", l.OutputColumnName)
                     .AddText(p + "model", Convert.ToBase64String(ModelFile.ToBytes(l.Fitted is CombinedVarianceForecaster ensemble
                         ? ModelSerializer.ToArchive(ensemble) : ModelSerializer.ToArchive(l.Forecaster))));
                    WriteForecastColumns(b, p, l);
                    break;
                case LstmForecastTransformer f:
                    b.AddText(p + "type", "lstm-forecast").AddText(p + "input", f.InputColumnName).AddText(p + "output", f.OutputColumnName)
                     .AddText(p + "model", Convert.ToBase64String(ModelFile.ToBytes(ModelSerializer.ToArchive(f.Model))));
                    if (f.ErrorScale.Count > 0) b.Add(p + "errorScale", f.ErrorScale.ToArray(), f.ErrorScale.Count);
                    WriteForecastColumns(b, p, f);
                    break;
                case VarianceProxyTransformer rt:
                    b.AddText(p + "type", "variance-proxy").AddText(p + "input", rt.InputColumnName).AddText(p + "output", rt.OutputColumnName)
                     .AddScalar(p + "transform", (int)rt.ProxyTransform).AddScalar(p + "outputType", (int)rt.OutputType);
                    break;
                default:
                    throw new NotSupportedException($"Cannot save a {stage.GetType().Name}.");
            }

            if (stage is SeriesTransformer st) b.AddScalar(p + "outputType", (int)st.OutputType);
            schema = stage.GetOutputSchema(schema);
            n++;
        }

        b.AddScalar("stages", n);
        return b.Build();
    }

    private static void WriteForecastColumns(ModelArchiveBuilder b, string p, SeriesForecastTransformer t)
    {
        b.AddScalar(p + "horizon", t.Horizon).AddScalar(p + "confidenceLevel", (double)t.ConfidenceLevel);
        if (t.ConfidenceLowerBoundColumn is { } lo) b.AddText(p + "lower", lo).AddText(p + "upper", t.ConfidenceUpperBoundColumn!);
    }

    private static string MlNetZip(MLContext ml, ITransformer chain, DataViewSchema schema)
    {
        using var ms = new MemoryStream();
        ml.Model.Save(chain, schema, ms);
        return Convert.ToBase64String(ms.ToArray());
    }

    internal static TransformerChain<ITransformer> FromArchive(MLContext mlContext, ModelArchive a, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        a.EnsureKind(Kind, KindVersion);
        int n = a["stages"].AsInt32s()[0];
        var stages = new List<ITransformer>();
        DataViewSchema? firstMlNetInput = null;
        for (int s = 0; s < n; s++)
        {
            string p = $"stage.{s}.";
            string T(string name) => a.Contains(p + name) ? a[p + name].AsText() : throw new InvalidDataException($"Stage {s} has no '{name}' entry.");
            DataKind type = a.Contains(p + "outputType") ? (DataKind)a[p + "outputType"].AsInt32s()[0] : DataKind.Double;
            switch (T("type"))
            {
                case "feature":
                    var names = T("parameterNames").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    var values = a[p + "parameterValues"].AsDoubles();
                    var dict = names.Select((k, j) => (k, values[j])).ToDictionary(t => t.k, t => t.Item2);
                    stages.Add(SeriesFeatureTransformer.Restore(T("kind"), T("output"), T("input"), type, dict));
                    break;
                case "har":
                    stages.Add(new HarComponentsTransformer(T("daily"), T("weekly"), T("monthly"), T("input"),
                        a[p + "weeklyWindow"].AsInt32s()[0], a[p + "monthlyWindow"].AsInt32s()[0], type));
                    break;
                case "garch":
                    var returns = a[p + "trainingReturns"].AsDoubles();
                    var fit = Arch.Create(returns, T("mean"), T("volatility"), T("distribution")).FixedParameters(a[p + "parameters"].AsDoubles());
                    stages.Add(new GarchVolatilityTransformer(T("input"), ReadForecastColumns(a, p, T("output")), type,
                        GarchNames.Mean(T("mean")), GarchNames.Process(T("volatility")), GarchNames.Distribution(T("distribution")), returns, fit));
                    break;
                case "lstm-volatility":
                    ModelArchive lstm = ModelFile.FromBytes(Convert.FromBase64String(T("model")));
                    Evaluation.IFittedVarianceModel fitted = lstm.Kind == ModelKinds.CombinedVarianceForecaster
                        ? ModelSerializer.ReadCombinedForecaster(lstm) : ModelSerializer.ReadVolatilityForecaster(lstm);
                    stages.Add(new LstmVolatilityTransformer(T("input"), ReadForecastColumns(a, p, T("output")), type, fitted));
                    break;
                case "lstm-forecast":
                    var fm = ModelSerializer.ReadForecastModel(ModelFile.FromBytes(Convert.FromBase64String(T("model"))));
                    double[] scale = a.Contains(p + "errorScale") ? a[p + "errorScale"].AsDoubles() : [];
                    stages.Add(new LstmForecastTransformer(T("input"), ReadForecastColumns(a, p, T("output")), type, fm, scale));
                    break;
                case "variance-proxy":
                    stages.Add(new VarianceProxyTransformer(T("output"), T("input"), (Features.ReturnTransform)a[p + "transform"].AsInt32s()[0], type));
                    break;
                case "mlnet":
                    using (var ms = new MemoryStream(Convert.FromBase64String(T("zip"))))
                    {
                        stages.Add(mlContext.Model.Load(ms, out var schema));
                        if (s == 0) firstMlNetInput = schema;
                    }

                    break;
                default:
                    throw new InvalidDataException($"Stage {s} has unknown type '{T("type")}'.");
            }
        }

        if (a.Contains("inputSchema"))
        {
            using var ms = new MemoryStream(Convert.FromBase64String(a["inputSchema"].AsText()));
            mlContext.Model.Load(ms, out inputSchema);
        }
        else
        {
            // Layout version 1 did not store the input schema: the first ML.NET stage's, or the columns the first stage reads.
            inputSchema = firstMlNetInput ?? InferredSchema(stages);
        }

        return new TransformerChain<ITransformer>(stages.ToArray());
    }

    private static DataViewSchema InferredSchema(List<ITransformer> stages)
    {
        var b = new DataViewSchema.Builder();
        var produced = new HashSet<string>();
        var added = new HashSet<string>();
        foreach (var st in stages)
        {
            IEnumerable<string> reads = st switch
            {
                SeriesTransformer t => [t.InputColumnName, .. t.ExogenousColumnNames],
                VarianceProxyTransformer v => [v.InputColumnName],
                _ => [],
            };
            foreach (string c in reads)
                if (!produced.Contains(c) && added.Add(c)) b.AddColumn(c, NumberDataViewType.Double);
            IEnumerable<string> outs = st switch
            {
                SeriesTransformer t => t.OutputColumnNames,
                VarianceProxyTransformer v => [v.OutputColumnName],
                _ => [],
            };
            foreach (string c in outs) produced.Add(c);
        }

        return b.ToSchema();
    }

    private static ForecastColumns ReadForecastColumns(ModelArchive a, string p, string output)
    {
        int horizon = a.Contains(p + "horizon") ? a[p + "horizon"].AsInt32s()[0] : 1;
        float level = a.Contains(p + "confidenceLevel") ? (float)a[p + "confidenceLevel"].AsDoubles()[0] : SeriesForecastOptions.DefaultConfidenceLevel;
        string? lo = a.Contains(p + "lower") ? a[p + "lower"].AsText() : null;
        string? hi = a.Contains(p + "upper") ? a[p + "upper"].AsText() : null;
        return new ForecastColumns(output, horizon, lo, hi, level);
    }
}
