using System.Diagnostics;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using Orleans.Placement;
using Orleans.Runtime;

namespace MlNetLstm.Orleans;

/// <summary>The walk-forward of one series of a universe backtest (<see cref="WalkForward"/>'s inputs, serialisable).</summary>
[GenerateSerializer, Immutable]
public sealed record SeriesBacktestRequest
{
    /// <summary>The series' name (tables and JSON).</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>Returns, oldest first.</summary>
    [Id(1)] public double[] Returns { get; init; } = [];

    /// <summary>The models.</summary>
    [Id(2)] public ModelSpec Models { get; init; } = new();

    /// <summary><see cref="WalkForwardOptions.TrainSize"/>.</summary>
    [Id(3)] public int TrainSize { get; init; } = 1000;

    /// <summary><see cref="WalkForwardOptions.TestSize"/>.</summary>
    [Id(4)] public int? TestSize { get; init; }

    /// <summary><see cref="WalkForwardOptions.RefitEvery"/>.</summary>
    [Id(5)] public int RefitEvery { get; init; } = 20;

    /// <summary><see cref="WalkForwardOptions.Horizon"/>.</summary>
    [Id(6)] public int Horizon { get; init; } = 1;

    /// <summary>Worker threads of the walk-forward on the silo (results do not depend on it).</summary>
    [Id(7)] public int Threads { get; init; } = 1;

    /// <summary>Names of the exogenous columns (empty: none).</summary>
    [Id(8)] public string[] ExogenousNames { get; init; } = [];

    /// <summary>Exogenous columns, aligned with <see cref="Returns"/>.</summary>
    [Id(9)] public double[][] ExogenousColumns { get; init; } = [];

    /// <summary>The exogenous series, or null.</summary>
    public ExogenousSeries? Exogenous => ExogenousNames.Length == 0 ? null
        : ExogenousSeries.FromColumns(ExogenousNames.Zip(ExogenousColumns, (n, c) => new KeyValuePair<string, double[]>(n, c)).ToList());

    /// <summary>The walk-forward options of this request (rolling window, QLIKE ranking, as <c>mlnetlstm backtest</c>).</summary>
    /// <param name="threads">Worker threads.</param>
    /// <param name="exogenous">Pass the exogenous series (false: only for replayed forecasts, which ignore them).</param>
    public WalkForwardOptions Options(int threads, bool exogenous = true) => new()
    {
        TrainSize = TrainSize,
        TestSize = TestSize,
        RefitEvery = RefitEvery,
        Horizon = Horizon,
        Threads = threads,
        Window = WalkForwardWindow.Rolling,
        RankingLoss = Loss.Qlike,
        Exogenous = exogenous ? Exogenous : null,
    };
}

/// <summary>One model's out-of-sample forecasts in a <see cref="SeriesBacktestResult"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelForecasts
{
    /// <summary>Model name.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>The evaluated h-step variance forecasts, one per origin.</summary>
    [Id(1)] public double[] Forecasts { get; init; } = [];

    /// <summary>Seconds spent fitting on the silo.</summary>
    [Id(2)] public double FitSeconds { get; init; }
}

/// <summary>What a silo returns for one series: the forecasts, from which <see cref="UniverseBacktest.ToReport"/> rebuilds the report.</summary>
[GenerateSerializer, Immutable]
public sealed record SeriesBacktestResult
{
    /// <summary>The series' name.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>Per model, in the request's order.</summary>
    [Id(1)] public ModelForecasts[] Models { get; init; } = [];

    /// <summary>The silo that ran it.</summary>
    [Id(2)] public string Silo { get; init; } = "";

    /// <summary>Wall-clock seconds on the silo.</summary>
    [Id(3)] public double Seconds { get; init; }
}

/// <summary>Runs the walk-forward of one series on whichever silo it is placed on.</summary>
public interface ISeriesBacktestGrain : IGrainWithGuidKey
{
    /// <summary>Runs <see cref="WalkForward.Run(double[], IReadOnlyList{IVarianceModel}, WalkForwardOptions?, IProgress{WalkForwardProgress}?)"/> on the request.</summary>
    Task<SeriesBacktestResult> Run(SeriesBacktestRequest request);
}

/// <summary>
/// Awaited by <see cref="SeriesBacktestGrain"/> before a series runs, when a silo registers one in its services (the tests use it to
/// hold every series at a known point, so that a silo is killed while its series are certainly running).
/// </summary>
internal abstract class SeriesBacktestHook
{
    /// <summary>Called on the silo, in the grain's turn, before the walk-forward of <paramref name="seriesName"/> starts.</summary>
    public abstract Task BeforeRunAsync(string seriesName, SiloAddress silo);
}

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

/// <summary>
/// A universe backtest: the walk-forward of many series, each an independent work item, run in-process or fanned out over an
/// Orleans cluster (one <see cref="ISeriesBacktestGrain"/> per series). A series gives the same forecasts either way, equal to
/// <see cref="WalkForward"/> on it alone; <see cref="ToReport"/> turns a result back into the library's
/// <see cref="WalkForwardReport"/> (losses, Mincer-Zarnowitz, Diebold-Mariano) with the library's own code.
/// </summary>
public static class UniverseBacktest
{
    /// <summary>Runs one series here.</summary>
    /// <param name="request">The series and options.</param>
    public static SeriesBacktestResult RunSeries(SeriesBacktestRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sw = Stopwatch.StartNew();
        var report = WalkForward.Run(request.Returns, request.Models.Create(), request.Options(request.Threads));
        return new SeriesBacktestResult
        {
            Name = request.Name,
            Models = report.Models.Select(m => new ModelForecasts { Name = m.Name, Forecasts = m.Forecasts.ToArray(), FitSeconds = m.FitTime.TotalSeconds }).ToArray(),
            Silo = "in-process",
            Seconds = sw.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Runs every series on the cluster, all at once, and gathers the results in the order of <paramref name="requests"/>. A series
    /// whose silo fails is run again on a fresh grain (placed on a live silo), up to <paramref name="attempts"/> times; the walk-forward is
    /// deterministic, so the retried result is the one the failed silo would have returned.
    /// </summary>
    /// <param name="grains">The cluster client's (or a silo's) grain factory.</param>
    /// <param name="requests">The series.</param>
    /// <param name="progress">Called with each finished series.</param>
    /// <param name="attempts">Tries per series, at least 1.</param>
    /// <param name="retried">Called with the series name and the exception each time a series is retried.</param>
    public static async Task<SeriesBacktestResult[]> RunOnClusterAsync(IGrainFactory grains, IReadOnlyList<SeriesBacktestRequest> requests,
        IProgress<SeriesBacktestResult>? progress = null, int attempts = 5, Action<string, Exception>? retried = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(requests);
        if (attempts < 1) throw new ArgumentOutOfRangeException(nameof(attempts), attempts, "attempts must be at least 1.");
        async Task<SeriesBacktestResult> One(SeriesBacktestRequest r)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await grains.GetGrain<ISeriesBacktestGrain>(Guid.NewGuid()).Run(r);
                    progress?.Report(result);
                    return result;
                }
                catch (Exception ex) when (attempt < attempts && IsTransient(ex))
                {
                    retried?.Invoke(r.Name, ex);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                }
            }
        }
        return await Task.WhenAll(requests.Select(One));
    }

    /// <summary>True for the failures a retry on another silo cures (a silo died or a message was lost or timed out).</summary>
    /// <param name="ex">The exception.</param>
    public static bool IsTransient(Exception ex) =>
        ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or OrleansException
        && ex is not ArgumentException;

    /// <summary>
    /// The library's report of a series from its forecasts: <see cref="WalkForward.Run(double[], IReadOnlyList{IVarianceModel}, WalkForwardOptions?, IProgress{WalkForwardProgress}?)"/>
    /// over models that replay <paramref name="result"/>'s forecasts, so every loss, test and ranking is computed by the same code as
    /// on the series alone (only the fit times, which <see cref="SeriesBacktestResult"/> carries, differ).
    /// </summary>
    /// <param name="request">The series' request.</param>
    /// <param name="result">Its result.</param>
    public static WalkForwardReport ToReport(SeriesBacktestRequest request, SeriesBacktestResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Name != request.Name) throw new ArgumentException($"The result is for '{result.Name}', the request for '{request.Name}'.", nameof(result));
        var models = result.Models.Select(m => (IVarianceModel)new ReplayModel(m.Name, m.Forecasts, request.TrainSize, request.RefitEvery)).ToList();
        return WalkForward.Run(request.Returns, models, request.Options(1, exogenous: false));
    }

    /// <summary>Gives back recorded forecasts: origin t = (fit s) - (window length) + (history length); blocks are fitted in order (one thread).</summary>
    private sealed class ReplayModel(string name, double[] forecasts, int train, int refit) : IVarianceModel
    {
        private int _fits;

        public string Name => name;

        public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => new Fitted(this, train + _fits++ * refit, returns.Length);

        private sealed class Fitted(ReplayModel m, int origin, int window) : IFittedVarianceModel
        {
            public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
            {
                int k = origin - window + history.Length - m._trainSize;
                if (k < 0 || k >= m._forecasts.Length)
                    throw new InvalidOperationException($"Model '{m.Name}': no recorded forecast for origin {k + m._trainSize} ({m._forecasts.Length} recorded).");
                return Enumerable.Repeat(m._forecasts[k], horizon).ToArray();
            }
        }

        private int _trainSize => train;

        private double[] _forecasts => forecasts;
    }
}
