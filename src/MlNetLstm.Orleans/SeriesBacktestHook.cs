namespace MlNetLstm.Orleans;

/// <summary>
/// Awaited by <see cref="SeriesBacktestGrain"/> before a series runs, when a silo registers one in its services (the tests use it to
/// hold every series at a known point, so that a silo is killed while its series are certainly running).
/// </summary>
internal abstract class SeriesBacktestHook
{
    /// <summary>Called on the silo, in the grain's turn, before the walk-forward of <paramref name="seriesName"/> starts.</summary>
    public abstract Task BeforeRunAsync(string seriesName, SiloAddress silo);
}
