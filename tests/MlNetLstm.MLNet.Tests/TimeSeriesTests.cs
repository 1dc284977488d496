#if MLNET_TIMESERIES
using Microsoft.ML;
using Microsoft.ML.Transforms.TimeSeries;
using MlNetLstm.Evaluation;
using static MlNetLstm.MLNet.Tests.TestData;

namespace MlNetLstm.MLNet.Tests;

/// <summary>Runs only with -p:MlNetTimeSeries=true (Microsoft.ML.TimeSeries): ML.NET's SSA beside the adapter's forecasters.</summary>
public class TimeSeriesTests
{
    [Fact]
    public void MLNet_Ssa_runs_beside_Garch_on_Single_columns_and_is_evaluated_with_the_adapter()
    {
        var ml = new MLContext(1);
        var data = Load(ml, Prices(500));
        var scored = ml.Transforms.ComputeReturns("R", "Price", percent: true)
            .Append(ml.Transforms.ComputeVarianceProxy("Sq", "R"))
            .Append(ml.Transforms.ComputeEwmaVariance("EwmaF", "R", outputType: Microsoft.ML.Data.DataKind.Single))
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Garch", "R"))
            .Append(ml.Forecasting.ForecastBySsa("Ssa", "EwmaF", windowSize: 20, seriesLength: 60, trainSize: 400, horizon: 1))
            .Fit(data).Transform(data);
        var ssa = scored.GetColumn<float[]>("Ssa").Select(v => Math.Max(1e-8, v[0])).ToArray();
        ssa.Should().OnlyContain(v => double.IsFinite(v));
        var metrics = ml.Forecasting.EvaluateVolatility(ml.Data.SkipRows(scored, 400), "Sq", "Garch");
        double.IsFinite(metrics.Qlike).Should().BeTrue();
    }
}
#endif
