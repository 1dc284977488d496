using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Data;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.MLNet.Tests.TestData;

namespace MlNetLstm.MLNet.Tests;

public class GarchForecasterTests
{
    [Theory]
    [InlineData(GarchProcess.Garch, GarchMean.Constant, GarchDistribution.Normal)]
    [InlineData(GarchProcess.Gjr, GarchMean.AutoRegressive1, GarchDistribution.StudentT)]
    [InlineData(GarchProcess.Egarch, GarchMean.Zero, GarchDistribution.Normal)]
    public void Garch_column_equals_the_core_forecast_from_the_history_at_every_row(GarchProcess process, GarchMean mean, GarchDistribution dist)
    {
        var ml = new MLContext(1);
        var r = Dem2Gbp(600);
        var data = LoadReturns(ml, r);
        var model = ml.Forecasting.ForecastVolatilityByGarch("Var", "R", process, dist, mean).Fit(data);
        var core = Arch.Create(r, GarchNames.Of(mean), GarchNames.Of(process), GarchNames.Of(dist)).Fit();
        model.Fit.Values.Should().Equal(core.Values);
        var col = Column(model.Transform(data), "Var");
        int lags = mean == GarchMean.AutoRegressive1 ? 1 : 0;
        if (lags > 0) col.Take(lags).Should().OnlyContain(v => double.IsNaN(v));
        col.Skip(lags).Should().OnlyContain(v => v > 0 && double.IsFinite(v));
        for (int t = lags; t < r.Length; t += 23)
        {
            double expected = core.Forecast(r.AsSpan(0, t + 1), 1).ReturnVariance[0];
            // The filter recursion is the core's own; EGARCH's one-step forecast is averaged over identical simulations there.
            if (process == GarchProcess.Egarch) col[t].Should().BeApproximately(expected, 1e-12 * expected, $"row {t}");
            else col[t].Should().Be(expected, $"row {t}");
        }
    }

    [Fact]
    public void Multi_step_vector_columns_and_confidence_bounds_equal_the_core_forecast()
    {
        var ml = new MLContext(1);
        var r = Dem2Gbp(500);
        var data = LoadReturns(ml, r);
        var model = ml.Forecasting.ForecastVolatilityByGarch("Var", "R", GarchProcess.Gjr, horizon: 5,
            confidenceLowerBoundColumn: "Lo", confidenceUpperBoundColumn: "Hi", confidenceLevel: 0.9f, outputType: DataKind.Single).Fit(data);
        var output = model.Transform(data);
        output.Schema["Var"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 5));
        var v = output.GetColumn<float[]>("Var").ToArray();
        var lo = output.GetColumn<float[]>("Lo").ToArray();
        var hi = output.GetColumn<float[]>("Hi").ToArray();
        // Squared-return interval at 90 %: chi-square(1) quantiles 0.0039321 and 3.8414588.
        double qLo = 0.003932140000019522, qHi = 3.841458820694124;
        for (int t = 0; t < r.Length; t += 41)
        {
            var f = model.Fit.Forecast(r.AsSpan(0, t + 1), 5).ReturnVariance;
            v[t].Should().Equal(f.Select(x => (float)x));
            for (int k = 0; k < 5; k++)
            {
                lo[t][k].Should().BeApproximately((float)(f[k] * qLo), 1e-6f * (float)f[k]);
                hi[t][k].Should().BeApproximately((float)(f[k] * qHi), 1e-6f * (float)f[k]);
            }
        }
    }
}

public class LstmVolatilityForecasterTests
{
    // Largest relative difference between the stateful and the windowed forecasts with the default context (0 on dem2gbp: the memory has faded to float precision within 192 steps).
    private const double MaxRelativeDifference = 1e-6;

    [Fact]
    public void Lstm_column_equals_the_core_streaming_forecasts_bit_for_bit_and_the_windowed_forecasts_to_rounding()
    {
        var ml = new MLContext(1);
        var r = Dem2Gbp(500);
        var data = LoadReturns(ml, r);
        var model = ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options
        {
            OutputColumnName = "Lstm", InputColumnName = "R", Model = SmallLstm() with { ContextLength = LstmVolatilityOptions.DefaultContextLength }, Seed = 11,
        }).Append(ml.Transforms.CopyColumns("Out", "Lstm")).Fit(data);
        var lt = model.First().Should().BeOfType<LstmVolatilityTransformer>().Subject;
        lt.Forecaster.Options.Seed.Should().Be(11);
        var col = Column(model.Transform(data), "Lstm");
        col.Should().Equal(lt.Forecaster.Explain(r).Forecast);
        var stream = new LstmVolatilityStream(lt.Forecaster);
        for (int t = 0; t < r.Length; t++)
        {
            stream.Update(r[t]);
            stream.ForecastOneStep().Should().Be(col[t]);
        }

        // ForecastVariance re-runs the last ContextLength returns from a zero state: equal before that, then to float rounding
        // once the network's memory of the older returns has faded (default ContextLength, 192 steps).
        double maxRel = 0;
        for (int t = 0; t < r.Length; t += 7)
        {
            double w = lt.Forecaster.ForecastVariance(r.AsSpan(0, t + 1), 1)[0];
            if (t < LstmVolatilityOptions.DefaultContextLength) col[t].Should().Be(w);
            else maxRel = Math.Max(maxRel, Math.Abs(col[t] / w - 1));
        }

        Console.WriteLine($"stateful vs windowed: largest relative difference {maxRel:G3}");
        maxRel.Should().BeLessThan(MaxRelativeDifference);
    }

    [Fact]
    public void Multi_step_forecasts_with_bounds_equal_the_core_stream()
    {
        var ml = new MLContext(1);
        var r = Dem2Gbp(400);
        var data = LoadReturns(ml, r);
        var model = ml.Forecasting.ForecastVolatilityByLstm("V", "R", hiddenSize: 4, epochs: 2, seed: 3, horizon: 4,
            confidenceLowerBoundColumn: "Lo", confidenceUpperBoundColumn: "Hi").Fit(data);
        var output = model.Transform(data);
        var v = VectorColumn(output, "V");
        var lo = VectorColumn(output, "Lo");
        var hi = VectorColumn(output, "Hi");
        double qLo = Math.Pow(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5125), 2);
        double qHi = Math.Pow(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.9875), 2);
        qLo.Should().BeApproximately(0.000982, 1e-6);
        qHi.Should().BeApproximately(5.0239, 1e-4);
        var stream = new LstmVolatilityStream(model.Forecaster);
        var f = new double[4];
        for (int t = 0; t < r.Length; t++)
        {
            stream.Update(r[t]);
            stream.Forecast(f);
            v[t].Should().Equal(f);
            lo[t].Should().Equal(f.Select(x => x * qLo));
            hi[t].Should().Equal(f.Select(x => x * qHi));
        }

        // The one-step head equals the core windowed forecast during the first ContextLength rows, and the steps follow its formula.
        model.Forecaster.ForecastVariance(r.AsSpan(0, 50), 4).Should().Equal(v[49]);
    }

    [Fact]
    public void Seed_comes_from_the_MLContext_when_unset_and_from_the_options_when_set()
    {
        var r = Dem2Gbp(300);
        int Seed(MLContext ml, int? seed = null) => ml.Forecasting.ForecastVolatilityByLstm("L", "R", seed: seed).Seed;
        Seed(new MLContext(seed: 5)).Should().Be(Seed(new MLContext(seed: 5)));
        Seed(new MLContext(seed: 5)).Should().NotBe(Seed(new MLContext(seed: 6)));
        Seed(new MLContext(seed: 5), 77).Should().Be(77);
        new MLContext(5).Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options { Model = SmallLstm(seed: 9) }).Seed.Should().Be(9);

        double[] Fit(int ctx) { var ml = new MLContext(ctx); var d = LoadReturns(ml, r); return Column(ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options { OutputColumnName = "L", InputColumnName = "R", Model = SmallLstm() with { Epochs = 1 } }).Fit(d).Transform(d), "L"); }
        Fit(5).Should().Equal(Fit(5), "same MLContext seed, same model");
    }

    [Fact]
    public void Seed_ensemble_with_exogenous_columns_equals_the_core_ensemble_members()
    {
        var ml = new MLContext(1);
        var rng = new Random(8);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var rows = Enumerable.Range(0, 300).Select(t => new ReturnIvRow { R = Normal() * (t > 150 ? 2 : 1), Iv = (float)Normal(), Volume = 1e6 + t }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options
        {
            OutputColumnName = "Lstm", InputColumnName = "R", ExogenousColumnNames = ["Iv"], Model = SmallLstm(seed: 9) with { Epochs = 2 }, Seeds = 3,
        }).Fit(data);
        model.Members.Select(m => m.Options.Seed).Should().Equal(9, 10, 11);
        model.ExogenousColumnNames.Should().Equal("Iv");
        double[] r = rows.Select(v => v.R).ToArray();
        var x = ExogenousSeries.FromColumns([new("Iv", rows.Select(v => (double)v.Iv).ToArray())]);
        var core = LstmVolatilityModel.SeedEnsemble(model.Members[0].Options, 3).Fit(r, x);
        var coreMembers = ((CombinedVarianceForecaster)core).Members.Cast<LstmVolatilityForecaster>().ToArray();
        var col = Column(model.Transform(data), "Lstm");
        var explained = coreMembers.Select(m => m.Explain(r, x).Forecast).ToArray();
        for (int t = 0; t < r.Length; t++)
        {
            double log = 0;
            foreach (var e in explained) log += Math.Log(e[t]);
            col[t].Should().Be(Math.Exp(log / 3), $"row {t}");
        }

        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByLstm("L", "R", exogenousColumnNames: ["Vix"]).Fit(data))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Vix' not found*");
        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByLstm("L", "R", seeds: 0))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Seeds*");
    }
}

public class LstmForecasterTests
{
    [Fact]
    public void ForecastByLstm_equals_the_core_model_with_multi_step_vectors_and_bounds()
    {
        var ml = new MLContext(1);
        var values = Enumerable.Range(0, 240).Select(t => 100 + 10 * Math.Sin(t * 0.3) + 0.01 * t).ToArray();
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new PriceRow { Price = v }));
        var model = ml.Transforms.CopyColumns("Y", "Price").Append(ml.Forecasting.ForecastByLstm(new LstmForecastEstimator.Options
        {
            OutputColumnName = "F", InputColumnName = "Y", Horizon = 3, ConfidenceLowerBoundColumn = "Lo", ConfidenceUpperBoundColumn = "Hi",
            Model = new() { WindowSize = 12, HiddenSize = 8, Epochs = 3 }, Seed = 4,
        })).Fit(data);
        var output = model.Transform(data);
        var f = VectorColumn(output, "F");
        var lo = VectorColumn(output, "Lo");
        var hi = VectorColumn(output, "Hi");
        var core = model.LastTransformer.Model;
        core.Options.Seed.Should().Be(4);
        f.Take(11).Should().OnlyContain(v => v.All(double.IsNaN));
        var scale = LstmForecastEstimator.InSampleErrorScale(core, values, 3);
        model.LastTransformer.ErrorScale.Should().Equal(scale);
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.975);
        for (int t = 11; t < values.Length; t += 23)
        {
            var expected = core.Forecast(values.AsSpan(t - 11, 12), 3);
            f[t].Should().Equal(expected);
            lo[t].Should().Equal(expected.Select((e, k) => e - z * scale[k]));
            hi[t].Should().Equal(expected.Select((e, k) => e + z * scale[k]));
        }

        scale.Should().OnlyContain(s => s > 0 && double.IsFinite(s));
    }
}
