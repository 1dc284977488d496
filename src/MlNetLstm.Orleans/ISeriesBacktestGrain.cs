using MlNetLstm.Evaluation;

namespace MlNetLstm.Orleans;

/// <summary>Runs the walk-forward of one series on whichever silo it is placed on.</summary>
public interface ISeriesBacktestGrain : IGrainWithGuidKey
{
    /// <summary>Runs <see cref="WalkForward.Run(double[], IReadOnlyList{IVarianceModel}, WalkForwardOptions?, IProgress{WalkForwardProgress}?)"/> on the request.</summary>
    Task<SeriesBacktestResult> Run(SeriesBacktestRequest request);
}
