using System.Diagnostics;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Orleans;

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
