using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Persistence;
using MlNetLstm.Volatility;

namespace MlNetLstm.MLNet;

/// <summary>
/// Saves and loads a fitted pipeline (a <see cref="TransformerChain{TLastTransformer}"/> or a single transformer)
/// mixing ML.NET's transformers and MlNetLstm's to ONE file. ML.NET cannot serialize third-party transformers in its
/// own model zip (its ModelSaveContext is internal, dotnet/machinelearning issue 4911), so the file is a
/// <see cref="ModelFile"/> container (kind <see cref="Kind"/>): each maximal run of ML.NET transformers is saved with
/// <c>mlContext.Model.Save</c> into an entry (base64 of the zip), each MlNetLstm transformer as its own entries.
/// </summary>
public static class MlNetLstmModel
{
    /// <summary>Archive kind of a saved pipeline.</summary>
    public const string Kind = "mlnet-pipeline";

    /// <summary>Archive kind version.</summary>
    public const int KindVersion = 1;

    /// <summary>Saves <paramref name="model"/> (fitted on data of schema <paramref name="inputSchema"/>) to <paramref name="path"/>.</summary>
    /// <param name="mlContext">The ML.NET context (used for ML.NET's parts).</param>
    /// <param name="model">A fitted transformer or transformer chain.</param>
    /// <param name="inputSchema">Schema of the data the model is applied to.</param>
    /// <param name="path">Destination file.</param>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stages = Flatten(model).ToList();
        var b = new ModelArchiveBuilder(Kind, KindVersion);
        var schema = inputSchema;
        int n = 0;
        for (int i = 0; i < stages.Count;)
        {
            string p = $"stage.{n}.";
            switch (stages[i])
            {
                case SeriesFeatureTransformer f:
                    b.AddText(p + "type", "feature").AddText(p + "kind", f.FeatureKind)
                     .AddText(p + "input", f.InputColumnName).AddText(p + "output", f.OutputColumnName)
                     .AddText(p + "parameterNames", string.Join('\n', f.Parameters.Keys))
                     .Add(p + "parameterValues", f.Parameters.Values.ToArray(), f.Parameters.Count);
                    schema = f.GetOutputSchema(schema);
                    i++;
                    break;
                case GarchVolatilityTransformer g:
                    b.AddText(p + "type", "garch").AddText(p + "input", g.InputColumnName).AddText(p + "output", g.OutputColumnName)
                     .AddText(p + "mean", g.Mean).AddText(p + "volatility", g.Volatility).AddText(p + "distribution", g.Distribution)
                     .Add(p + "trainingReturns", g.TrainingReturns.ToArray(), g.TrainingReturns.Count)
                     .Add(p + "parameters", g.Fit.Values.ToArray(), g.Fit.Values.Count);
                    schema = g.GetOutputSchema(schema);
                    i++;
                    break;
                case LstmVolatilityTransformer l:
                    b.AddText(p + "type", "lstm-volatility").AddText(p + "input", l.InputColumnName).AddText(p + "output", l.OutputColumnName)
                     .AddText(p + "model", Convert.ToBase64String(ModelFile.ToBytes(l.Fitted is CombinedVarianceForecaster ensemble
                         ? ModelSerializer.ToArchive(ensemble) : ModelSerializer.ToArchive(l.Forecaster))));
                    schema = l.GetOutputSchema(schema);
                    i++;
                    break;
                case LstmForecastTransformer f:
                    b.AddText(p + "type", "lstm-forecast").AddText(p + "input", f.InputColumnName).AddText(p + "output", f.OutputColumnName)
                     .AddText(p + "model", Convert.ToBase64String(ModelFile.ToBytes(ModelSerializer.ToArchive(f.Model))));
                    schema = f.GetOutputSchema(schema);
                    i++;
                    break;
                case ReturnTransformTransformer rt:
                    b.AddText(p + "type", "variance-proxy").AddText(p + "input", rt.InputColumnName).AddText(p + "output", rt.OutputColumnName)
                     .AddScalar(p + "transform", (int)rt.Transform);
                    schema = rt.GetOutputSchema(schema);
                    i++;
                    break;
                default:
                    var run = new List<ITransformer>();
                    while (i < stages.Count && stages[i] is not (SeriesFeatureTransformer or GarchVolatilityTransformer or LstmVolatilityTransformer or LstmForecastTransformer or ReturnTransformTransformer)) run.Add(stages[i++]);
                    var chain = new TransformerChain<ITransformer>(run.ToArray());
                    using (var ms = new MemoryStream())
                    {
                        mlContext.Model.Save(chain, schema, ms);
                        b.AddText(p + "type", "mlnet").AddText(p + "zip", Convert.ToBase64String(ms.ToArray()));
                    }

                    schema = chain.GetOutputSchema(schema);
                    break;
            }

            n++;
        }

        b.AddScalar("stages", n);
        ModelFile.Save(path, b.Build());
    }

    /// <summary>Loads a pipeline saved by <see cref="Save"/>; predictions equal the saved pipeline's.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="path">The file.</param>
    /// <returns>The pipeline as a transformer chain.</returns>
    public static TransformerChain<ITransformer> Load(MLContext mlContext, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var a = ModelFile.Load(path);
        a.EnsureKind(Kind, KindVersion);
        int n = a["stages"].AsInt32s()[0];
        var stages = new List<ITransformer>();
        for (int s = 0; s < n; s++)
        {
            string p = $"stage.{s}.";
            string T(string name) => a[p + name].AsText();
            switch (T("type"))
            {
                case "feature":
                    var names = T("parameterNames").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    var values = a[p + "parameterValues"].AsDoubles();
                    var dict = names.Select((k, j) => (k, values[j])).ToDictionary(t => t.k, t => t.Item2);
                    stages.Add(SeriesFeatureTransformer.Create(T("output"), T("input"), T("kind"), dict));
                    break;
                case "garch":
                    var returns = a[p + "trainingReturns"].AsDoubles();
                    var fit = Volatility.Arch.Create(returns, T("mean"), T("volatility"), T("distribution"))
                        .FixedParameters(a[p + "parameters"].AsDoubles());
                    stages.Add(new GarchVolatilityTransformer(T("output"), T("input"), T("mean"), T("volatility"), T("distribution"), returns, fit));
                    break;
                case "lstm-volatility":
                    ModelArchive lstm = ModelFile.FromBytes(Convert.FromBase64String(T("model")));
                    stages.Add(new LstmVolatilityTransformer(T("output"), T("input"), lstm.Kind == ModelKinds.CombinedVarianceForecaster
                        ? ModelSerializer.ReadCombinedForecaster(lstm) : ModelSerializer.ReadVolatilityForecaster(lstm)));
                    break;
                case "lstm-forecast":
                    var fm = ModelSerializer.ReadForecastModel(ModelFile.FromBytes(Convert.FromBase64String(T("model"))));
                    stages.Add(new LstmForecastTransformer(T("output"), T("input"), fm));
                    break;
                case "variance-proxy":
                    stages.Add(new ReturnTransformTransformer(T("output"), T("input"), (Features.ReturnTransform)a[p + "transform"].AsInt32s()[0]));
                    break;
                case "mlnet":
                    using (var ms = new MemoryStream(Convert.FromBase64String(T("zip"))))
                    {
                        stages.Add(mlContext.Model.Load(ms, out _));
                    }

                    break;
                default:
                    throw new InvalidDataException($"Stage {s} has unknown type '{T("type")}'.");
            }
        }

        return new TransformerChain<ITransformer>(stages.ToArray());
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t)
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
}
