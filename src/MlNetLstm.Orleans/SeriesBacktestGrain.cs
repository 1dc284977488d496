using Orleans.Placement;

namespace MlNetLstm.Orleans;

/// <summary>A stateless grain placed at random over the silos: one activation per series (a fresh key each).</summary>
[RandomPlacement]
public sealed class SeriesBacktestGrain : Grain, ISeriesBacktestGrain
{
    private readonly ILocalSiloDetails _silo;
    private readonly SeriesBacktestHook? _hook;

    /// <summary>Creates the grain (by Orleans).</summary>
    public SeriesBacktestGrain(ILocalSiloDetails silo, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _silo = silo;
        _hook = (SeriesBacktestHook?)services.GetService(typeof(SeriesBacktestHook));
    }

    /// <inheritdoc />
    public async Task<SeriesBacktestResult> Run(SeriesBacktestRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_hook is not null) await _hook.BeforeRunAsync(request.Name, _silo.SiloAddress);
        var result = await Task.Run(() => UniverseBacktest.RunSeries(request));
        DeactivateOnIdle();
        return result with { Silo = _silo.SiloAddress.ToString() };
    }
}
