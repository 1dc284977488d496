using Microsoft.ML;
using Microsoft.ML.Data;
#if MLNET_TIMESERIES
using Microsoft.ML.Transforms.TimeSeries;
#endif
using MlNetLstm.Evaluation;
using MlNetLstm.Features;
using MlNetLstm.MLNet;
using MlNetLstm.Volatility;

namespace MlNetLstm.MLNet.Tests;

public sealed class PriceRow
{
    public double Price { get; set; }
}

public sealed class TextRow
{
    public string Price { get; set; } = "";
}

public class MlNetPipelineTests
{
    private static double[] Prices(int n, int seed = 7)
    {
        var rng = new Random(seed);
        var p = new double[n];
        double price = 100, h = 1e-4;
        for (int t = 0; t < n; t++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double e = Math.Sqrt(h) * z;
            h = 1e-6 + 0.08 * e * e + 0.9 * h;
            price *= Math.Exp(e);
            p[t] = price;
        }

        return p;
    }

    private static IDataView Load(MLContext ml, double[] prices) => ml.Data.LoadFromEnumerable(prices.Select(p => new PriceRow { Price = p }));

    private static double[] Column(IDataView v, string name) => v.GetColumn<double>(name).ToArray();

    [Fact]
    public void Featurizers_between_MLNet_transforms_equal_the_core_batch_functions()
    {
        var ml = new MLContext(seed: 1);
        var prices = Prices(300);
        var pipeline = ml.Transforms.CopyColumns("P", "Price")
            .Append(ml.Transforms.ComputeReturns("R", "P", ReturnKind.Log, percent: true))
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R", 0.94))
            .Append(ml.Transforms.ComputeRollingVariance("Roll", "R", 10))
            .Append(ml.Transforms.Concatenate("Features", "R", "Ewma"))
            .Append(ml.Transforms.NormalizeMinMax("EwmaNorm", "Ewma"));
        var model = pipeline.Fit(Load(ml, prices));
        var output = model.Transform(Load(ml, prices));

        var r = new double[prices.Length - 1];
        Returns.Log(prices, r, percent: true);
        var rCol = Column(output, "R");
        rCol[0].Should().Be(0);
        rCol.Skip(1).Should().Equal(r);

        var ewma = new double[rCol.Length];
        EwmaVariance.Compute(rCol, 0.94, ewma);
        Column(output, "Ewma").Should().Equal(ewma);

        var roll = new OnlineRollingVariance(10);
        Column(output, "Roll").Should().Equal(rCol.Select(roll.Update).ToArray());

        var norm = output.GetColumn<double>("EwmaNorm").ToArray();
        norm.Max().Should().BeApproximately(1, 1e-12);
        output.GetColumn<double[]>("Features").First().Should().HaveCount(2);
    }

    [Fact]
    public void Missing_column_and_wrong_type_name_the_column_and_expected_type()
    {
        var ml = new MLContext(1);
        var est = ml.Transforms.ComputeReturns("R", "Close");
        var data = Load(ml, Prices(20));
        var missing = () => est.Fit(data);
        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Close'*not found*Double or Single*");
        var shape = () => est.GetOutputSchema(new SchemaShape(Array.Empty<SchemaShape.Column>()));
        shape.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Close'*");

        var text = ml.Data.LoadFromEnumerable(new[] { new TextRow { Price = "1" } });
        var wrong = () => ml.Transforms.ComputeReturns("R", "Price").Append(ml.Transforms.CopyColumns("X", "R")).Fit(text);
        wrong.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Price'*type String*Double or Single*");
        var garch = () => ml.Forecasting.ForecastVolatilityByGarch("V", "Price").Fit(text);
        garch.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Price'*Double or Single*");
    }

    [Fact]
    public void Garch_forecast_equals_core_fit_and_streaming_engine_matches_cursor_with_checkpoint()
    {
        var ml = new MLContext(1);
        var prices = Prices(400);
        var pipeline = ml.Transforms.ComputeReturns("R", "Price", percent: true)
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Var", "R"));
        var data = Load(ml, prices);
        var model = pipeline.Fit(data);
        var outVar = Column(model.Transform(data), "Var");
        var r = Column(model.Transform(data), "R");

        var core = Arch.Create(r, "constant", "garch", "normal").Fit();
        var garch = model.LastTransformer;
        garch.Fit.Values.Should().Equal(core.Values);
        double.IsFinite(outVar[0]).Should().BeTrue("a constant-mean model forecasts after one return");
        for (int t = 0; t < r.Length; t += 50)
        {
            outVar[t].Should().Be(core.Forecast(r.AsSpan(0, t + 1), 1).ReturnVariance[0]);
        }

        var engine = new SeriesStreamingEngine(garch);
        var path = Path.GetTempFileName();
        for (int t = 0; t < 200; t++) engine.Predict(r[t]).Should().Be(outVar[t]);
        engine.CheckPoint(path);
        var resumed = new SeriesStreamingEngine(garch);
        resumed.Restore(path);
        for (int t = 200; t < r.Length; t++)
        {
            double a = engine.Predict(r[t]);
            resumed.Predict(r[t]).Should().Be(a);
            a.Should().Be(outVar[t]);
        }

        File.Delete(path);
    }

    [Fact]
    public void Save_and_load_one_file_gives_identical_predictions()
    {
        var ml = new MLContext(1);
        var prices = Prices(300);
        var data = Load(ml, prices);
        var pipeline = ml.Transforms.CopyColumns("P", "Price")
            .Append(ml.Transforms.ComputeReturns("R", "P", percent: true))
            .Append(ml.Transforms.NormalizeMinMax("Rn", "R"))
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R"))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Var", "R"))
            .Append(ml.Transforms.CopyColumns("Out", "Var"));
        var model = pipeline.Fit(data);
        var path = Path.GetTempFileName();
        MlNetLstmModel.Save(ml, model, data.Schema, path);
        var loaded = MlNetLstmModel.Load(ml, path);
        File.Delete(path);

        var a = model.Transform(data);
        var b = loaded.Transform(data);
        foreach (var col in new[] { "R", "Ewma", "Var", "Out" }) Column(b, col).Should().Equal(Column(a, col), col);
        b.GetColumn<double>("Rn").Should().Equal(a.GetColumn<double>("Rn"));
    }

#if MLNET_TIMESERIES
    [Fact]
    public void MLNet_Ssa_runs_beside_Garch_and_is_evaluated_with_core_losses()
    {
        var ml = new MLContext(1);
        var prices = Prices(500);
        var data = Load(ml, prices);
        var feats = ml.Transforms.ComputeReturns("R", "Price", percent: true)
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R"))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Garch", "R"))
            .Fit(data).Transform(data);
        var r = Column(feats, "R");
        var ewmaF = ml.Transforms.CustomMapping<EwmaIn, EwmaOut>((i, o) => o.EwmaF = (float)i.Ewma, null).Fit(feats).Transform(feats);
        var ssa = ml.Forecasting.ForecastBySsa("SsaF", "EwmaF", windowSize: 20, seriesLength: 60, trainSize: 400, horizon: 1)
            .Fit(ewmaF);
        var engine = ssa.CreateTimeSeriesEngine<EwmaOut, SsaOut>(ml);
        var ewma = Column(feats, "Ewma");
        var garch = Column(feats, "Garch");
        var ssaF = new List<double>();
        var garchF = new List<double>();
        var proxy = new List<double>();
        for (int t = 400; t < r.Length - 1; t++)
        {
            var p = engine.Predict(new EwmaOut { EwmaF = (float)ewma[t] });
            ssaF.Add(Math.Max(1e-8, p.SsaF[0]));
            garchF.Add(garch[t]);
            proxy.Add(r[t + 1] * r[t + 1]);
        }

        double lSsa = Losses.Mean(LossFunction.Qlike, ssaF.ToArray(), proxy.ToArray());
        double lGarch = Losses.Mean(LossFunction.Qlike, garchF.ToArray(), proxy.ToArray());
        double.IsFinite(lSsa).Should().BeTrue();
        double.IsFinite(lGarch).Should().BeTrue();
    }

    public sealed class EwmaIn
    {
        public double Ewma { get; set; }
    }

    public sealed class EwmaOut
    {
        public float EwmaF { get; set; }
    }

    public sealed class SsaOut
    {
        public float[] SsaF { get; set; } = [];
    }
#endif
}

public class MlNetLstmVolatilityTests
{
    [Fact]
    public void Lstm_volatility_pipeline_equals_core_forecaster_streams_and_round_trips()
    {
        var ml = new MLContext(1);
        var rng = new Random(3);
        var prices = new double[360];
        double price = 100;
        for (int t = 0; t < prices.Length; t++) { price *= Math.Exp(0.01 * (rng.NextDouble() - 0.5) * (t > 180 ? 3 : 1)); prices[t] = price; }
        var data = ml.Data.LoadFromEnumerable(prices.Select(p => new PriceRow { Price = p }));
        var pipeline = ml.Transforms.ComputeReturns("R", "Price", percent: true)
            .Append(ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimatorOptions
            {
                OutputColumnName = "Lstm", InputColumnName = "R",
                Model = new() { HiddenSize = 4, Epochs = 3, SequenceLength = 32, BurnIn = 8, ContextLength = 48 },
            }))
            .Append(ml.Transforms.CopyColumns("Out", "Lstm"));
        var model = pipeline.Fit(data);
        var output = model.Transform(data);
        var r = output.GetColumn<double>("R").ToArray();
        var lstm = output.GetColumn<double>("Lstm").ToArray();
        var lt = model.Take(2).Last().Should().BeOfType<LstmVolatilityTransformer>().Subject;
        for (int t = 0; t < r.Length; t += 37) lstm[t].Should().Be(lt.Forecaster.ForecastVariance(r.AsSpan(0, t + 1), 1)[0]);

        var engine = new SeriesStreamingEngine(lt);
        using var ms = new MemoryStream();
        for (int t = 0; t < 100; t++) engine.Predict(r[t]).Should().Be(lstm[t]);
        engine.CheckPoint(ms);
        ms.Position = 0;
        var resumed = new SeriesStreamingEngine(lt);
        resumed.Restore(ms);
        for (int t = 100; t < 140; t++) resumed.Predict(r[t]).Should().Be(lstm[t]);

        var path = Path.GetTempFileName();
        MlNetLstmModel.Save(ml, model, data.Schema, path);
        var loaded = MlNetLstmModel.Load(ml, path);
        File.Delete(path);
        loaded.Transform(data).GetColumn<double>("Out").Should().Equal(lstm);
    }
}

public class MlNetLstmSeedEnsembleTests
{
    [Fact]
    public void A_seed_ensemble_equals_the_core_ensemble_streams_and_round_trips_with_exogenous_columns()
    {
        var ml = new MLContext(1);
        var rng = new Random(8);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var rows = Enumerable.Range(0, 300).Select(t => new ReturnIvRow { R = Normal() * (t > 150 ? 2 : 1), Iv = (float)Normal(), Volume = 1e6 + t }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var core = new Volatility.Neural.LstmVolatilityOptions { HiddenSize = 4, Epochs = 2, SequenceLength = 32, BurnIn = 8, ContextLength = 48, Seed = 9 };
        var model = ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimatorOptions
            {
                OutputColumnName = "Lstm", InputColumnName = "R", ExogenousColumnNames = ["Iv"], Model = core, Seeds = 3,
            })
            .Append(ml.Transforms.CopyColumns("Out", "Lstm")).Fit(data);
        var lt = model.First().Should().BeOfType<LstmVolatilityTransformer>().Subject;
        lt.Members.Select(m => m.Options.Seed).Should().Equal(9, 10, 11);
        lt.Forecaster.Should().BeSameAs(lt.Members[0]);

        double[] r = rows.Select(v => v.R).ToArray();
        var x = MlNetLstm.Data.ExogenousSeries.FromColumns([new("Iv", rows.Select(v => (double)v.Iv).ToArray())]);
        var ensemble = Volatility.Neural.LstmVolatilityModel.SeedEnsemble(core, 3).Fit(r, x);
        var lstm = model.Transform(data).GetColumn<double>("Lstm").ToArray();
        for (int t = 0; t < r.Length; t += 29) lstm[t].Should().Be(ensemble.ForecastVariance(r.AsSpan(0, t + 1), x.Slice(0, t + 1), 1)[0]);
        lstm[200].Should().NotBe(lt.Forecaster.ForecastVariance(r.AsSpan(0, 201), x.Slice(0, 201), 1)[0], "the ensemble is not its first network");

        var engine = new SeriesStreamingEngine(lt);
        for (int t = 0; t < 60; t++) engine.Predict(r[t], x.Row(t)).Should().Be(lstm[t]);

        var path = Path.GetTempFileName();
        MlNetLstmModel.Save(ml, model, data.Schema, path);
        var loaded = MlNetLstmModel.Load(ml, path);
        File.Delete(path);
        loaded.Transform(data).GetColumn<double>("Out").Should().Equal(lstm);
        loaded.OfType<LstmVolatilityTransformer>().Single().Members.Should().HaveCount(3);

        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByLstm("L", "R", seeds: 0).Fit(data))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Seeds*");
    }
}

public sealed class ReturnIvRow
{
    public double R { get; set; }
    public float Iv { get; set; }
    public double Volume { get; set; }
}

public class MlNetLstmExogenousTests
{
    [Fact]
    public void Lstm_volatility_with_exogenous_columns_equals_the_core_forecaster_streams_and_round_trips()
    {
        var ml = new MLContext(1);
        var rng = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var a = new double[401];
        for (int t = 1; t <= 400; t++) a[t] = 0.9 * a[t - 1] + 0.45 * Normal();
        var rows = Enumerable.Range(0, 400).Select(t => new ReturnIvRow { R = Math.Exp(a[t]) * Normal(), Iv = (float)(a[t + 1] + 0.1 * Normal()), Volume = 1e6 + t }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimatorOptions
            {
                OutputColumnName = "Lstm", InputColumnName = "R", ExogenousColumnNames = ["Iv", "Volume"],
                Model = new() { HiddenSize = 4, Epochs = 3, SequenceLength = 32, BurnIn = 8, ContextLength = 48 },
            })
            .Append(ml.Transforms.CopyColumns("Out", "Lstm"));
        var model = pipeline.Fit(data);
        var lt = model.First().Should().BeOfType<LstmVolatilityTransformer>().Subject;
        lt.ExogenousColumnNames.Should().Equal("Iv", "Volume");
        lt.Forecaster.ExogenousNames.Should().Equal("Iv", "Volume");
        var lstm = model.Transform(data).GetColumn<double>("Lstm").ToArray();
        double[] r = rows.Select(x => x.R).ToArray();
        var x = MlNetLstm.Data.ExogenousSeries.FromColumns([new("Iv", rows.Select(v => (double)v.Iv).ToArray()), new("Volume", rows.Select(v => v.Volume).ToArray())]);
        for (int t = 0; t < r.Length; t += 37) lstm[t].Should().Be(lt.Forecaster.ForecastVariance(r.AsSpan(0, t + 1), x.Slice(0, t + 1), 1)[0]);

        var engine = new SeriesStreamingEngine(lt);
        engine.Invoking(e => e.Predict(r[0])).Should().Throw<InvalidOperationException>().WithMessage("*exogenous*");
        using var ms = new MemoryStream();
        for (int t = 0; t < 100; t++) engine.Predict(r[t], x.Row(t)).Should().Be(lstm[t]);
        engine.CheckPoint(ms);
        ms.Position = 0;
        var resumed = new SeriesStreamingEngine(lt);
        resumed.Restore(ms);
        for (int t = 100; t < 140; t++) resumed.Predict(r[t], x.Row(t)).Should().Be(lstm[t]);

        var path = Path.GetTempFileName();
        MlNetLstmModel.Save(ml, model, data.Schema, path);
        var loaded = MlNetLstmModel.Load(ml, path);
        File.Delete(path);
        loaded.Transform(data).GetColumn<double>("Out").Should().Equal(lstm);

        var noIv = ml.Data.LoadFromEnumerable(rows.Select(v => new PriceRow { Price = v.R }));
        FluentActions.Invoking(() => model.Transform(noIv)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'R' not found*");
        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByLstm("L", "R", exogenousColumnNames: ["Vix"]).Fit(data))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Vix' not found*");
    }
}

public class MlNetLstmForecastTests
{
    [Fact]
    public void ForecastByLstm_equals_core_model_streams_and_round_trips()
    {
        var ml = new MLContext(1);
        var values = Enumerable.Range(0, 240).Select(t => 100 + 10 * Math.Sin(t * 0.3) + 0.01 * t).ToArray();
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new PriceRow { Price = v }));
        var pipeline = ml.Transforms.CopyColumns("Y", "Price")
            .Append(ml.Forecasting.ForecastByLstm(new LstmForecastEstimatorOptions
            {
                OutputColumnName = "F", InputColumnName = "Y",
                Model = new() { WindowSize = 12, HiddenSize = 8, Epochs = 3 },
            }));
        var model = pipeline.Fit(data);
        var f = model.Transform(data).GetColumn<double>("F").ToArray();
        var core = model.LastTransformer.Model;
        f.Take(11).Should().OnlyContain(v => double.IsNaN(v));
        for (int t = 11; t < values.Length; t += 23) f[t].Should().Be(core.Predict(values.AsSpan(t - 11, 12))[0]);

        var engine = new SeriesStreamingEngine(model.LastTransformer);
        for (int t = 0; t < values.Length; t++) engine.Predict(values[t]).Should().Be(f[t]);

        var path = Path.GetTempFileName();
        MlNetLstmModel.Save(ml, model, data.Schema, path);
        var loaded = MlNetLstmModel.Load(ml, path);
        File.Delete(path);
        loaded.Transform(data).GetColumn<double>("F").Should().Equal(f);
    }
}

public class MlNetHarTests
{
    [Fact]
    public void Har_components_after_an_MLNet_CustomMapping_equal_the_core_batch_function()
    {
        var ml = new MLContext(1);
        var rng = new Random(5);
        var prices = new double[120];
        double p = 50;
        for (int t = 0; t < prices.Length; t++) { p *= Math.Exp(0.02 * (rng.NextDouble() - 0.5)); prices[t] = p; }
        var data = ml.Data.LoadFromEnumerable(prices.Select(v => new PriceRow { Price = v }));
        var pipeline = ml.Transforms.ComputeReturns("R", "Price", percent: true)
            .Append(ml.Transforms.CustomMapping<SqIn, SqOut>((i, o) => o.Sq = i.R * i.R, null))
            .Append(ml.Transforms.ComputeHarComponents("D", "W", "M", "Sq"));
        var model = pipeline.Fit(data);
        var outp = model.Transform(data);
        var sq = outp.GetColumn<double>("Sq").ToArray();
        var d = new double[sq.Length]; var w = new double[sq.Length]; var m = new double[sq.Length];
        HarComponents.Compute(sq, d, w, m);
        outp.GetColumn<double>("D").Should().Equal(d);
        outp.GetColumn<double>("W").Should().Equal(w);
        outp.GetColumn<double>("M").Should().Equal(m);
    }

    public sealed class SqIn { public double R { get; set; } }

    public sealed class SqOut { public double Sq { get; set; } }
}

public class MlNetPredictionEngineTests
{
    public sealed class RIn { public double R { get; set; } }

    public sealed class ROut { public double Sq { get; set; } public float[] V { get; set; } = []; }

    [Fact]
    public void Variance_proxy_works_in_PredictionEngine_between_MLNet_transforms_and_round_trips()
    {
        var ml = new MLContext(1);
        var rows = new[] { -2.0, 0.5, 3.0, -1.0 }.Select(r => new RIn { R = r }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.CopyColumns("R2", "R")
            .Append(ml.Transforms.ComputeVarianceProxy("Sq", "R2"))
            .Append(ml.Transforms.Conversion.ConvertType("SqF", "Sq", DataKind.Single))
            .Append(ml.Transforms.Concatenate("V", "SqF", "SqF"));
        var model = pipeline.Fit(data);
        var engine = ml.Model.CreatePredictionEngine<RIn, ROut>(model);
        engine.Predict(new RIn { R = -3 }).Sq.Should().Be(9);
        engine.Predict(new RIn { R = 0.5 }).V.Should().Equal(0.25f, 0.25f);
        model.Transform(data).GetColumn<double>("Sq").Should().Equal(4, 0.25, 9, 1);

        var path = Path.GetTempFileName();
        MlNetLstmModel.Save(ml, model, data.Schema, path);
        var loaded = MlNetLstmModel.Load(ml, path);
        File.Delete(path);
        ml.Model.CreatePredictionEngine<RIn, ROut>(loaded).Predict(new RIn { R = 2 }).Sq.Should().Be(4);
    }
}
