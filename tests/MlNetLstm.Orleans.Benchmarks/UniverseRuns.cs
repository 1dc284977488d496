using System.Diagnostics;
using System.Globalization;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>The timed runs of the universe backtest on one cluster configuration.</summary>
/// <param name="Label">The configuration, e.g. "2 silos".</param>
/// <param name="Seconds">Wall-clock seconds of each run, from fanning the series out to the last result gathered (the cluster's part).</param>
/// <param name="LargestShare">Per run, the largest fraction of the series that one silo ran (random placement: 1/silos at best).</param>
/// <param name="LargestCpuShare">Per run, the largest fraction of the silos' CPU time that one silo spent (null when the silos share a process).</param>
/// <param name="Results">The first timed run's results, in the requests' order.</param>
internal sealed record UniverseRuns(string Label, double[] Seconds, double[] LargestShare, double[]? LargestCpuShare, SeriesBacktestResult[] Results)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Warms the cluster up (one whole untimed run: a shorter one left the first timed run 40 % slower), then runs the universe <paramref name="repeat"/> times and prints
    /// each run: wall seconds; series per silo; CPU of the client process during the run; CPU of each silo process when
    /// <paramref name="siloCpu"/> reports them (separate processes); then the client's own part, the losses and tests of every series
    /// (<see cref="UniverseBacktest.ToReport"/>), timed apart, since it runs after the results are gathered.
    /// </summary>
    public static async Task<UniverseRuns> Measure(IGrainFactory grains, SeriesBacktestRequest[] requests, int repeat, string label,
        Func<Task<double[]>>? siloCpu)
    {
        await UniverseBacktest.RunOnClusterAsync(grains, requests);
        var seconds = new double[repeat];
        var largest = new double[repeat];
        var largestCpu = siloCpu is null ? null : new double[repeat];
        SeriesBacktestResult[]? first = null;
        for (int rep = 0; rep < repeat; rep++)
        {
            double[]? cpu0 = siloCpu is null ? null : await siloCpu();
            double client0 = Workload.ClientCpu();
            var clock = Stopwatch.StartNew();
            var results = await UniverseBacktest.RunOnClusterAsync(grains, requests);
            seconds[rep] = clock.Elapsed.TotalSeconds;
            double client = Workload.ClientCpu() - client0;
            double[]? cpu1 = siloCpu is null ? null : await siloCpu();
            var perSilo = results.GroupBy(r => r.Silo).Select(g => g.Count()).OrderDescending().ToArray();
            largest[rep] = perSilo[0] / (double)requests.Length;
            first ??= results;
            string silos = "";
            if (cpu0 is not null)
            {
                var used = cpu1!.Select((c, i) => c - cpu0[i]).ToArray();
                largestCpu![rep] = used.Max() / used.Sum();
                silos = "; silo CPU " + string.Join(" + ", used.Select(c => c.ToString("F2", Inv))) + " s";
            }
            Console.WriteLine(string.Create(Inv,
                $"  {label}, run {rep + 1}: {seconds[rep]:F2} s; series per silo {string.Join("/", perSilo)}; client CPU {client:F2} s{silos}"));
        }
        var losses = Stopwatch.StartNew();
        double lossCpu0 = Workload.ClientCpu();
        for (int i = 0; i < requests.Length; i++) UniverseBacktest.ToReport(requests[i], first![i]);
        Console.WriteLine(string.Create(Inv, $"  {label}: {Workload.Summary(seconds)}; then the client's losses and tests of all series: " +
                                             $"{losses.Elapsed.TotalSeconds:F2} s wall, {Workload.ClientCpu() - lossCpu0:F2} s CPU"));
        return new UniverseRuns(label, seconds, largest, largestCpu, first!);
    }

    /// <summary>
    /// Prints the speed-up of <paramref name="more"/> over <paramref name="one"/> (ratio of medians, and the range over all pairs of runs)
    /// and, when every silo has its own core (<paramref name="ownCores"/>), the part placement explains: random placement gives the
    /// busiest silo a share s of the work (of the series, and of the silos' CPU time), so the best speed-up that run could show is 1/s.
    /// </summary>
    public static void PrintSpeedUp(UniverseRuns one, UniverseRuns more, bool ownCores)
    {
        var ratios = one.Seconds.SelectMany(a => more.Seconds.Select(b => a / b)).ToArray();
        double speedUp = Workload.Median(one.Seconds) / Workload.Median(more.Seconds);
        string placement = "";
        if (ownCores)
        {
            double bySeries = Workload.Median(more.LargestShare.Select(s => 1 / s).ToArray());
            placement = string.Create(Inv, $"; the busiest silo's share of the series allows {bySeries:F2}x");
            if (more.LargestCpuShare is { } cpu)
            {
                double byCpu = Workload.Median(cpu.Select(s => 1 / s).ToArray());
                placement += string.Create(Inv, $", its share of the silos' CPU {byCpu:F2}x (medians over runs): {speedUp / byCpu:P0} of that");
            }
        }
        Console.WriteLine(string.Create(Inv,
            $"speed-up {one.Label} -> {more.Label}: {speedUp:F2}x (median over median; {ratios.Min():F2}-{ratios.Max():F2}x over all pairs of runs){placement}"));
    }

    /// <summary>Throws unless every series' forecasts in <paramref name="other"/> equal those in <paramref name="reference"/> bit for bit.</summary>
    public static void CheckEqual(UniverseRuns reference, UniverseRuns other)
    {
        for (int i = 0; i < reference.Results.Length; i++)
        {
            var a = reference.Results[i];
            var b = other.Results[i];
            if (a.Name != b.Name || a.Models.Length != b.Models.Length)
                throw new InvalidOperationException($"{other.Label}: series {i} is '{b.Name}' with {b.Models.Length} models, {reference.Label} has '{a.Name}' with {a.Models.Length}.");
            for (int m = 0; m < a.Models.Length; m++)
                if (a.Models[m].Name != b.Models[m].Name || !a.Models[m].Forecasts.AsSpan().SequenceEqual(b.Models[m].Forecasts))
                    throw new InvalidOperationException($"{other.Label}: series '{a.Name}', model '{a.Models[m].Name}': forecasts differ from {reference.Label}'s.");
        }
        Console.WriteLine($"results of {other.Label} equal those of {reference.Label}: every forecast of all {reference.Results.Length} series, bit for bit");
    }

    /// <summary>Throws unless the first series run here, alone (<see cref="UniverseBacktest.RunSeries"/>), gives the cluster's forecasts.</summary>
    public static void CheckAgainstAlone(UniverseRuns cluster, SeriesBacktestRequest request)
    {
        var alone = UniverseBacktest.RunSeries(request);
        var run = cluster.Results.Single(r => r.Name == request.Name);
        for (int m = 0; m < alone.Models.Length; m++)
            if (!alone.Models[m].Forecasts.AsSpan().SequenceEqual(run.Models[m].Forecasts))
                throw new InvalidOperationException($"Series '{request.Name}', model '{alone.Models[m].Name}': the cluster's forecasts differ from the series run alone.");
        Console.WriteLine($"series '{request.Name}' run alone in the client gives the cluster's forecasts, bit for bit");
    }
}
