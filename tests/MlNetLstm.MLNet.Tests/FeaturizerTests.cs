using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;
using static MlNetLstm.MLNet.Tests.TestData;

namespace MlNetLstm.MLNet.Tests;

public class FeaturizerTests
{
    [Fact]
    public void Featurizers_between_MLNet_transforms_equal_the_core_batch_functions()
    {
        var ml = new MLContext(seed: 1);
        var prices = Prices(300);
        var pipeline = ml.Transforms.CopyColumns("P", "Price")
            .Append(ml.Transforms.ComputeReturns("R", "P", ReturnKind.Log, percent: true))
            .Append(ml.Transforms.ComputeEwmaVariance("Ewma", "R", 0.94))
            .Append(ml.Transforms.ComputeRollingVariance(new RollingVarianceEstimator.Options { OutputColumnName = "Roll", InputColumnName = "R", Window = 10 }))
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

        Column(output, "EwmaNorm").Max().Should().BeApproximately(1, 1e-12);
        output.GetColumn<double[]>("Features").First().Should().HaveCount(2);
    }

    [Fact]
    public void Realized_variance_equals_the_core_online_feature_and_single_columns_are_read_and_written()
    {
        var ml = new MLContext(seed: 1);
        var prices = Prices(240, seed: 3);
        var data = ml.Data.LoadFromEnumerable(prices.Select(p => new SinglePriceRow { Price = (float)p }));
        var model = ml.Transforms.ComputeRealizedVariance("Rv", "Price", pricesPerPeriod: 12, percent: true)
            .Append(ml.Transforms.ComputeReturns("R", "Price", outputType: DataKind.Single))
            .Fit(data);
        var output = model.Transform(data);
        output.Schema["R"].Type.Should().Be(NumberDataViewType.Single);
        var rv = new OnlineRealizedVariance(12, percent: true);
        Column(output, "Rv").Should().Equal(prices.Select(p => rv.Update((float)p)).ToArray());
        var ret = new OnlineReturns();
        output.GetColumn<float>("R").Should().Equal(prices.Select(p => (float)ret.Update((float)p)).ToArray());
    }

    [Fact]
    public void Har_components_after_an_MLNet_CustomMapping_equal_the_core_batch_function()
    {
        var ml = new MLContext(1);
        var data = Load(ml, Prices(120, seed: 5));
        var pipeline = ml.Transforms.ComputeReturns("R", "Price", percent: true)
            .Append(ml.Transforms.CustomMapping<SqIn, SqOut>((i, o) => o.Sq = i.R * i.R, null))
            .Append(ml.Transforms.ComputeHarComponents("D", "W", "M", "Sq"));
        var outp = pipeline.Fit(data).Transform(data);
        var sq = Column(outp, "Sq");
        var d = new double[sq.Length]; var w = new double[sq.Length]; var m = new double[sq.Length];
        HarComponents.Compute(sq, d, w, m);
        Column(outp, "D").Should().Equal(d);
        Column(outp, "W").Should().Equal(w);
        Column(outp, "M").Should().Equal(m);
    }

    public sealed class SqIn { public double R { get; set; } }

    public sealed class SqOut { public double Sq { get; set; } }

    [Fact]
    public void Missing_column_wrong_type_and_bad_parameters_name_the_column_or_parameter()
    {
        var ml = new MLContext(1);
        var est = ml.Transforms.ComputeReturns("R", "Close");
        var data = Load(ml, Prices(20));
        est.Invoking(e => e.Fit(data)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Close'*not found*Double or Single*");
        est.Invoking(e => e.GetOutputSchema(new SchemaShape(Array.Empty<SchemaShape.Column>())))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Close'*");

        var text = ml.Data.LoadFromEnumerable(new[] { new TextRow { Price = "1" } });
        FluentActions.Invoking(() => ml.Transforms.ComputeReturns("R", "Price").Append(ml.Transforms.CopyColumns("X", "R")).Fit(text))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Price'*type String*Double or Single*");
        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByGarch("V", "Price").Fit(text))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Price'*Double or Single*");
        FluentActions.Invoking(() => ml.Transforms.ComputeEwmaVariance("E", "R", lambda: 1.5)).Should().Throw<ArgumentException>().WithMessage("*lambda*");
        FluentActions.Invoking(() => ml.Transforms.ComputeReturns("R", "Price", outputType: DataKind.Int32))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Single or*Double*");
        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByGarch("V", "R", horizon: 0))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Horizon*");
        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByGarch("V", "R", confidenceLowerBoundColumn: "Lo"))
            .Should().Throw<ArgumentException>().WithMessage("*both*");
        FluentActions.Invoking(() => ml.Forecasting.ForecastVolatilityByGarch("V", "R", process: GarchProcess.Egarch, horizon: 3))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*EGARCH*Horizon = 1*");

        var nan = ml.Data.LoadFromEnumerable(new[] { 1.0, 2.0, double.NaN, 3.0 }.Select(p => new PriceRow { Price = p }));
        FluentActions.Invoking(() => ml.Transforms.ComputeEwmaVariance("E", "Price").Fit(nan).Transform(nan).GetColumn<double>("E").ToArray())
            .Should().Throw<InvalidOperationException>().WithMessage("*'Price' row 2*");
    }

    [Fact]
    public void Variance_proxy_works_in_PredictionEngine_between_MLNet_transforms()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { -2.0, 0.5, 3.0, -1.0 }.Select(r => new ReturnRow { R = r }));
        var pipeline = ml.Transforms.CopyColumns("R2", "R")
            .Append(ml.Transforms.ComputeVarianceProxy("Sq", "R2"))
            .Append(ml.Transforms.ComputeVarianceProxy("Abs", "R2", ReturnTransform.Absolute, DataKind.Single))
            .Append(ml.Transforms.Concatenate("V", "Abs", "Abs"));
        var model = pipeline.Fit(data);
        var engine = ml.Model.CreatePredictionEngine<ReturnRow, ProxyOut>(model);
        engine.Predict(new ReturnRow { R = -3 }).Sq.Should().Be(9);
        engine.Predict(new ReturnRow { R = -0.5 }).V.Should().Equal(0.5f, 0.5f);
        Column(model.Transform(data), "Sq").Should().Equal(4, 0.25, 9, 1);
    }

    public sealed class ProxyOut
    {
        public double Sq { get; set; }
        public float[] V { get; set; } = [];
    }

    [Fact]
    public void PredictionEngine_on_a_stateful_stage_gives_the_adapter_message_before_MLNets()
    {
        var ml = new MLContext(1);
        var data = Load(ml, Prices(50));
        var model = ml.Transforms.CopyColumns("P", "Price").Append(ml.Transforms.ComputeEwmaVariance("E", "P")).Fit(data);
        FluentActions.Invoking(() => ml.Model.CreatePredictionEngine<PriceRow, EOut>(model))
            .Should().Throw<NotSupportedException>().WithMessage("MlNetLstm: EWMA variance on column 'P' depends on the rows before it*CreateSeriesPredictionEngine*");
    }

    public sealed class EOut { public double E { get; set; } }
}
