using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.MLNet.Tests.TestData;

namespace MlNetLstm.MLNet.Tests;

public class SeriesPredictionEngineTests
{
    public sealed class Out
    {
        public double R { get; set; }
        public double Ewma { get; set; }
        public float Garch { get; set; }
        public double Lstm { get; set; }
        public float[] Steps { get; set; } = [];
        public float[] Features { get; set; } = [];
    }

    private static (MLContext Ml, IDataView Data, ITransformer Model, double[] Prices) Pipeline()
    {
        var ml = new MLContext(1);
        var prices = Prices(400, seed: 12);
        var data = Load(ml, prices);
        var model = ml.Transforms.CopyColumns("P", "Price")
            .Append(ml.Transforms.ComputeReturns("R", "P", percent: true))
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R"))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Garch", "R", outputType: DataKind.Single))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Steps", "R", GarchProcess.Gjr, horizon: 3, outputType: DataKind.Single))
            .Append(ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options { OutputColumnName = "Lstm", InputColumnName = "R", Model = SmallLstm() }))
            .Append(ml.Transforms.Conversion.ConvertType("EwmaF", "Ewma", DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "EwmaF", "Garch"))
            .Fit(data);
        return (ml, data, model, prices);
    }

    [Fact]
    public void Engine_over_the_whole_pipeline_equals_the_transform_and_a_checkpoint_resumes_bit_for_bit()
    {
        var (ml, data, model, prices) = Pipeline();
        var scored = model.Transform(data);
        var r = Column(scored, "R");
        var ewma = Column(scored, "Ewma");
        var garch = scored.GetColumn<float>("Garch").ToArray();
        var lstm = Column(scored, "Lstm");
        var steps = scored.GetColumn<float[]>("Steps").ToArray();

        using var engine = ml.Model.CreateSeriesPredictionEngine<PriceRow, Out>(ml, model);
        using var checkpoint = new MemoryStream();
        for (int t = 0; t < prices.Length; t++)
        {
            var o = engine.Predict(new PriceRow { Price = prices[t] });
            o.R.Should().Be(r[t]);
            o.Ewma.Should().Be(ewma[t]);
            o.Garch.Should().Be(garch[t]);
            o.Lstm.Should().Be(lstm[t]);
            o.Steps.Should().Equal(steps[t]);
            o.Features.Should().Equal((float)ewma[t], garch[t]);
            if (t == 249) engine.CheckPoint(checkpoint);
        }

        engine.Count.Should().Be(prices.Length);
        checkpoint.Position = 0;
        using var resumed = MlNetLstmModel.LoadSeriesPredictionEngine<PriceRow, Out>(ml, checkpoint);
        resumed.Count.Should().Be(250);
        for (int t = 250; t < prices.Length; t++)
        {
            var o = resumed.Predict(new PriceRow { Price = prices[t] });
            o.R.Should().Be(r[t]);
            o.Lstm.Should().Be(lstm[t]);
            o.Garch.Should().Be(garch[t]);
            o.Steps.Should().Equal(steps[t]);
        }
    }

    public sealed class LstmOnly { public double Lstm { get; set; } }

    [Fact]
    public void Every_stateful_stage_advances_whichever_columns_are_read_and_a_file_checkpoint_works()
    {
        var (ml, data, model, prices) = Pipeline();
        var lstm = Column(model.Transform(data), "Lstm");
        var path = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.mlnetlstm");
        try
        {
            var engine = ml.Model.CreateSeriesPredictionEngine<PriceRow, LstmOnly>(ml, model);
            for (int t = 0; t < 100; t++) engine.Predict(new PriceRow { Price = prices[t] }).Lstm.Should().Be(lstm[t]);
            engine.CheckPoint(path);
            var resumed = MlNetLstmModel.LoadSeriesPredictionEngine<PriceRow, Out>(ml, path);
            for (int t = 100; t < 150; t++) resumed.Predict(new PriceRow { Price = prices[t] }).Lstm.Should().Be(lstm[t]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bad_row_names_the_column_and_the_engine_refuses_to_continue()
    {
        var (ml, _, model, prices) = Pipeline();
        var engine = ml.Model.CreateSeriesPredictionEngine<PriceRow, Out>(ml, model);
        engine.Predict(new PriceRow { Price = prices[0] });
        engine.Invoking(e => e.Predict(new PriceRow { Price = double.NaN })).Should().Throw<InvalidOperationException>().WithMessage("*row 1*");
        engine.Invoking(e => e.Predict(new PriceRow { Price = prices[1] })).Should().Throw<InvalidOperationException>().WithMessage("*checkpoint*");
    }
}

public class PersistenceTests
{
    [Fact]
    public void Save_and_load_through_streams_give_identical_outputs_and_the_input_schema()
    {
        var ml = new MLContext(1);
        var prices = Prices(300);
        var data = Load(ml, prices);
        var model = ml.Transforms.CopyColumns("P", "Price")
            .Append(ml.Transforms.ComputeReturns("R", "P", percent: true))
            .Append(ml.Transforms.NormalizeMinMax("Rn", "R"))
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R", outputType: DataKind.Single))
            .Append(ml.Transforms.ComputeVarianceProxy("Sq", "R"))
            .Append(ml.Transforms.ComputeHarComponents("D", "W", "M", "Sq"))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Var", "R", GarchProcess.Gjr, horizon: 2, confidenceLowerBoundColumn: "Lo", confidenceUpperBoundColumn: "Hi"))
            .Append(ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options { OutputColumnName = "L", InputColumnName = "R", Model = SmallLstm(), Seeds = 2 }))
            .Append(ml.Forecasting.ForecastByLstm(new LstmForecastEstimator.Options
            {
                OutputColumnName = "F", InputColumnName = "R", Model = new() { WindowSize = 8, HiddenSize = 4, Epochs = 2 },
                ConfidenceLowerBoundColumn = "FLo", ConfidenceUpperBoundColumn = "FHi",
            }))
            .Append(ml.Transforms.CopyColumns("Out", "L"))
            .Fit(data);
        using var ms = new MemoryStream();
        MlNetLstmModel.Save(ml, model, data.Schema, ms);
        ms.Position = 0;
        var loaded = MlNetLstmModel.Load(ml, ms, out var schema);
        schema.Select(c => (c.Name, c.Type)).Should().Equal(data.Schema.Select(c => (c.Name, c.Type)));

        var a = model.Transform(data);
        var b = loaded.Transform(data);
        b.Schema.Select(c => (c.Name, c.Type.ToString())).Should().Equal(a.Schema.Select(c => (c.Name, c.Type.ToString())));
        foreach (var col in new[] { "R", "Rn", "Sq", "D", "W", "M", "L", "Out", "F", "FLo", "FHi" })
            Column(b, col).Should().Equal(Column(a, col), col);
        b.GetColumn<float>("Ewma").Should().Equal(a.GetColumn<float>("Ewma"));
        foreach (var col in new[] { "Var", "Lo", "Hi" })
            VectorColumn(b, col).Should().BeEquivalentTo(VectorColumn(a, col), o => o.WithStrictOrdering(), col);
    }

    [Fact]
    public void MLNets_own_Save_fails_with_a_message_pointing_to_the_adapters_Save()
    {
        var ml = new MLContext(1);
        var data = Load(ml, Prices(50));
        var model = ml.Transforms.ComputeEwmaVariance("E", "Price").Fit(data);
        using var ms = new MemoryStream();
        FluentActions.Invoking(() => ml.Model.Save(model, data.Schema, ms))
            .Should().Throw<Exception>().Where(e => e.ToString().Contains("MlNetLstmModel.Save(mlContext, model, inputSchema, stream or path)"));
    }

    [Fact]
    public void A_version_1_file_still_loads_and_gives_the_outputs_it_was_saved_with()
    {
        var ml = new MLContext(1);
        string dir = Path.Combine(Root, "tests", "data", "mlnet");
        var lines = File.ReadAllLines(Path.Combine(dir, "v1-pipeline-outputs.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double[] Col(string name) => rows.Select(r => r[Array.IndexOf(header, name)]).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new V1Row { P = r[0], R = r[1] }));

        var model = MlNetLstmModel.Load(ml, Path.Combine(dir, "v1-pipeline.mlnetlstm"), out var schema);
        schema.Select(c => c.Name).Should().Equal("P", "R");
        var output = model.Transform(data);
        foreach (string c in new[] { "Ret", "Ewma", "Roll", "Sq", "D", "W", "M", "Garch", "F", "EwmaN" })
            Column(output, c).Should().Equal(Col(c), c);
        // Version 1 re-ran the last ContextLength returns for every row; the stream carries the state (see README.md there).
        var lstm = Column(output, "Lstm");
        var saved = Col("Lstm");
        for (int t = 0; t < lstm.Length; t++) lstm[t].Should().BeApproximately(saved[t], 1e-6 * saved[t], $"row {t}");
    }

    [Fact]
    public void A_version_1_file_reads_its_saved_return_kind_ordinal_as_log_returns()
    {
        // The adapter persists (int)ReturnKind. The single MlNetLstm.ReturnKind keeps the ordinals the adapter wrote
        // (Simple = 0, Log = 1); the v1 fixture's "Ret" stage was saved with the default kind, Log, and percent.
        ((int)ReturnKind.Simple).Should().Be(0);
        ((int)ReturnKind.Log).Should().Be(1);
        var ml = new MLContext(1);
        string dir = Path.Combine(Root, "tests", "data", "mlnet");
        var lines = File.ReadAllLines(Path.Combine(dir, "v1-pipeline-outputs.csv"));
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new V1Row { P = r[0], R = r[1] }));
        var model = MlNetLstmModel.Load(ml, Path.Combine(dir, "v1-pipeline.mlnetlstm"), out _);
        var ret = Column(model.Transform(data), "Ret");
        double farthestFromSimple = 0;
        for (int t = 1; t < ret.Length; t++)
        {
            double log = 100 * Math.Log(rows[t][0] / rows[t - 1][0]);
            double simple = 100 * (rows[t][0] / rows[t - 1][0] - 1);
            ret[t].Should().BeApproximately(log, 1e-12, $"row {t} is a log return");
            farthestFromSimple = Math.Max(farthestFromSimple, Math.Abs(ret[t] - simple));
        }
        farthestFromSimple.Should().BeGreaterThan(1e-4, "a misread ordinal would give simple returns");
    }

    public sealed class V1Row
    {
        public double P { get; set; }
        public double R { get; set; }
    }
}

public class EvaluationTests
{
    [Fact]
    public void EvaluateVolatility_equals_the_core_losses_Mincer_Zarnowitz_and_Diebold_Mariano()
    {
        var ml = new MLContext(1);
        var r = Dem2Gbp(800);
        var data = LoadReturns(ml, r);
        var model = ml.Transforms.ComputeVarianceProxy("Sq", "R")
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R"))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Garch", "R", mean: GarchMean.AutoRegressive1))
            .Fit(ml.Data.TakeRows(data, 500));
        var test = ml.Data.SkipRows(model.Transform(data), 500);
        var metrics = ml.Forecasting.EvaluateVolatility(test, "Sq", "Garch", benchmarkColumnName: "Ewma");

        var garch = Column(test, "Garch");
        var ewma = Column(test, "Ewma");
        var sq = Column(test, "Sq");
        double[] f = garch[..^1], g = ewma[..^1], p = sq[1..];
        metrics.Count.Should().Be(299);
        metrics.Qlike.Should().Be(Losses.Qlike(f, p));
        metrics.Mse.Should().Be(Losses.Mse(f, p));
        metrics.Mae.Should().Be(Losses.Mae(f, p));
        metrics.MincerZarnowitz.Should().Be(MincerZarnowitz.Fit(f, p));
        metrics.MincerZarnowitzRSquared.Should().BeInRange(0, 1);
        metrics.DieboldMariano.Should().Be(DieboldMariano.Test(Loss.Qlike, f, g, p));

        // NaN warm-up forecasts are left out; a non-positive forecast names its column and row.
        var warm = ml.Forecasting.ForecastVolatilityByGarch("G", "R", mean: GarchMean.AutoRegressive1).Fit(data).Transform(data);
        var proxy = ml.Transforms.ComputeVarianceProxy("Sq", "R").Fit(warm).Transform(warm);
        ml.Forecasting.EvaluateVolatility(proxy, "Sq", "G").Count.Should().Be(r.Length - 2);
        FluentActions.Invoking(() => ml.Forecasting.EvaluateVolatility(proxy, "Sq", "R"))
            .Should().Throw<ArgumentException>().WithMessage("*'R' row *positive*");
    }
}

public class MultiStepEvaluationTests
{
    [Fact]
    public void A_step_of_a_vector_forecast_column_is_paired_with_the_proxy_that_many_rows_later()
    {
        var ml = new MLContext(1);
        var r = Dem2Gbp(400);
        var data = LoadReturns(ml, r);
        var scored = ml.Transforms.ComputeVarianceProxy("Sq", "R", outputType: DataKind.Single)
            .Append(ml.Forecasting.ForecastVolatilityByGarch("G", "R", horizon: 3, outputType: DataKind.Single))
            .Fit(data).Transform(data);
        var g = scored.GetColumn<float[]>("G").ToArray();
        var sq = scored.GetColumn<float>("Sq").ToArray();
        var metrics = ml.Forecasting.EvaluateVolatility(scored, "Sq", "G", step: 2);
        double[] f = g[..^2].Select(v => (double)v[1]).ToArray(), p = sq[2..].Select(v => (double)v).ToArray();
        metrics.Count.Should().Be(398);
        metrics.Qlike.Should().Be(Losses.Qlike(f, p));
        metrics.MincerZarnowitz.Should().Be(MincerZarnowitz.Fit(f, p));
        FluentActions.Invoking(() => ml.Forecasting.EvaluateVolatility(scored, "Sq", "G", step: 4))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'G'*step 4*");
    }
}

public class SchemaShapeTests
{
    [Fact]
    public void GetOutputSchema_of_every_estimator_matches_the_fitted_output_schema()
    {
        var ml = new MLContext(1);
        var prices = Prices(300);
        var data = Load(ml, prices);
        var returns = ml.Transforms.ComputeReturns("R", "Price", percent: true).Fit(data).Transform(data);
        var estimators = new List<IEstimator<ITransformer>>
        {
            ml.Transforms.ComputeReturns("Ret", "Price", outputType: DataKind.Single),
            ml.Transforms.ComputeEwmaVariance("Ewma", "R"),
            ml.Transforms.ComputeRollingVariance("Roll", "R", 5),
            ml.Transforms.ComputeRealizedVariance("Rv", "Price", 10),
            ml.Transforms.ComputeVarianceProxy("Sq", "R", outputType: DataKind.Single),
            ml.Transforms.ComputeHarComponents("D", "W", "M", "R"),
            ml.Forecasting.ForecastVolatilityByGarch("G", "R", horizon: 3, confidenceLowerBoundColumn: "Lo", confidenceUpperBoundColumn: "Hi"),
            ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options { OutputColumnName = "L", InputColumnName = "R", Model = SmallLstm() with { Epochs = 1 }, OutputType = DataKind.Single }),
            ml.Forecasting.ForecastByLstm(new LstmForecastEstimator.Options { OutputColumnName = "F", InputColumnName = "R", Model = new() { WindowSize = 5, HiddenSize = 2, Epochs = 1 }, Horizon = 2 }),
        };
        var inputShape = BuilderExtensions.ShapeOf(returns.Schema);
        foreach (var est in estimators)
        {
            var shape = est.GetOutputSchema(inputShape);
            var schema = est.Fit(returns).Transform(returns).Schema;
            schema.Select(c => c.Name).Should().BeEquivalentTo(shape.Select(c => c.Name), est.GetType().Name);
            foreach (var col in shape)
            {
                var actual = schema[col.Name];
                var expected = BuilderExtensions.ShapeOf(new DataViewSchema.Builder().Also(b => b.AddColumn(col.Name, actual.Type)).ToSchema()).Single();
                (col.Kind, col.ItemType, col.IsKey).Should().Be((expected.Kind, expected.ItemType, expected.IsKey), $"{est.GetType().Name} column {col.Name}");
            }
        }
    }
}

internal static class BuilderExtensions
{
    // SchemaShape.Create(DataViewSchema) is internal in ML.NET; estimators' users get shapes from ML.NET itself.
    private static readonly System.Reflection.MethodInfo Create = typeof(SchemaShape).GetMethod("Create",
        System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!;

    public static SchemaShape ShapeOf(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;

    public static DataViewSchema.Builder Also(this DataViewSchema.Builder b, Action<DataViewSchema.Builder> a)
    {
        a(b);
        return b;
    }
}
