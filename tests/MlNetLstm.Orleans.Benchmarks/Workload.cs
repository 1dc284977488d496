using System.Diagnostics;
using System.Globalization;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>CPU time and memory of one process (a silo, or the in-process cluster with its client), at one moment.</summary>
/// <param name="CpuSeconds">User + system CPU time of the whole process since it started.</param>
/// <param name="ManagedBytes"><see cref="GC.GetTotalMemory(bool)"/> after full collections (live managed objects).</param>
/// <param name="RssBytes">Resident set size (VmRSS of /proc/self/status): managed heap, runtime, JIT code, native allocations.</param>
internal sealed record ProcessStats(double CpuSeconds, long ManagedBytes, long RssBytes)
{
    /// <summary>This process, after two full collections (so only live objects count as managed memory).</summary>
    public static ProcessStats OfThisProcess()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return new ProcessStats(self.TotalProcessorTime.TotalSeconds, managed, ReadRss());
    }

    private static long ReadRss()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
            foreach (string line in File.ReadLines(Status))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return Environment.WorkingSet;
    }

    /// <summary>One line of the child silo's stdout protocol.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture, $"stats {CpuSeconds:R} {ManagedBytes} {RssBytes}");

    /// <summary>Parses <see cref="ToLine"/>.</summary>
    public static ProcessStats Parse(string line)
    {
        string[] f = line.Split(' ');
        if (f.Length != 4 || f[0] != "stats") throw new FormatException($"Not a stats line: '{line}'.");
        return new ProcessStats(double.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture),
            long.Parse(f[3], CultureInfo.InvariantCulture));
    }
}

/// <summary>The workloads both modes run: synthetic GARCH returns, the universe backtest's series, one model per instrument grain.</summary>
internal static class Workload
{
    /// <summary>GARCH(1,1) returns (omega 0.05, alpha 0.08, beta 0.9, normal shocks), the same for the same seed.</summary>
    public static double[] Garch(int n, int seed)
    {
        var rng = new Random(seed);
        double h = 0.05 / 0.02;
        var r = new double[n];
        for (int t = 0; t < n; t++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            r[t] = Math.Sqrt(h) * z;
            h = 0.05 + 0.08 * r[t] * r[t] + 0.9 * h;
        }
        return r;
    }

    /// <summary>The universe backtest: <paramref name="series"/> series x garch, gjr, ewma, har, rolling window, refit every <paramref name="refit"/>.</summary>
    public static SeriesBacktestRequest[] Universe(int series, int returns, int train, int refit)
    {
        var spec = new ModelSpec { Models = ["garch", "gjr", "ewma", "har"] };
        return Enumerable.Range(0, series).Select(k => new SeriesBacktestRequest
        {
            Name = $"s{k}", Returns = Garch(returns, 500 + k), Models = spec, TrainSize = train, RefitEvery = refit,
        }).ToArray();
    }

    /// <summary>
    /// Streams observations to <paramref name="instruments"/> grains of one model each and prints what it cost on the silo
    /// <paramref name="siloStats"/> reports (one silo process, or the whole in-process cluster):
    /// 1. configure each grain and send its first <paramref name="train"/> returns in one <c>ObserveMany</c>, wait for every first fit:
    ///    silo CPU per fit, and managed memory and RSS per active instrument (silo after minus silo before, over the instruments);
    /// 2. <paramref name="observations"/> single <c>Observe</c> calls per instrument (all instruments at once, each in date order; every
    ///    call persisted before its reply): observations per second, silo and client CPU per observation;
    /// 3. as many again in <c>ObserveMany</c> batches of 20 dates (one message and one storage write per batch).
    /// </summary>
    /// <param name="clientIsSilo">The client runs in the silo's process (in-process mode): its CPU is part of the silo's, not shown apart.</param>
    public static async Task Stream(IGrainFactory grains, Func<Task<ProcessStats>> siloStats, bool clientIsSilo, string label, ModelSpec model,
        int instruments, int train, int observations)
    {
        var settings = new InstrumentSettings { Model = model, TrainSize = train, RefitEvery = 0 };
        var data = Enumerable.Range(0, instruments).Select(k => Garch(train + 2 * observations, k)).ToArray();
        var start = new DateOnly(2000, 1, 1);
        string run = Guid.NewGuid().ToString("N")[..8]; // fresh grains each run (PostgreSQL keeps the state of earlier runs)
        var grain = Enumerable.Range(0, instruments).Select(k => grains.GetGrain<IInstrumentGrain>($"{label}-{run}-{k}")).ToArray();
        Observation Obs(int k, int i) => new(start.AddDays(i), data[k][i]);

        var s0 = await siloStats();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            await grain[k].Configure(settings);
            await grain[k].ObserveMany(Enumerable.Range(0, train).Select(i => Obs(k, i)).ToArray());
        }));
        foreach (var g in grain)
            while ((await g.GetStatus()).ModelVersion < 1) await Task.Delay(20);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var s1 = await siloStats();
        var status = await grain[0].GetStatus();

        var client0 = ClientCpu();
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            for (int i = train; i < train + observations; i++) await grain[k].Observe(start.AddDays(i), data[k][i]);
        }));
        double single = clock.Elapsed.TotalSeconds;
        double clientSingle = ClientCpu() - client0;
        var s2 = await siloStats();

        client0 = ClientCpu();
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            for (int i = train + observations; i < train + 2 * observations; i += 20)
                await grain[k].ObserveMany(Enumerable.Range(i, Math.Min(20, train + 2 * observations - i)).Select(j => Obs(k, j)).ToArray());
        }));
        double batched = clock.Elapsed.TotalSeconds;
        double clientBatched = ClientCpu() - client0;
        var s3 = await siloStats();

        double total = (double)instruments * observations;
        string Who = clientIsSilo ? "process (silo and client) " : "silo ";
        string Client(double cpu) => clientIsSilo ? "" : string.Create(CultureInfo.InvariantCulture, $", client {cpu / total * 1e6:F1} us");
        FormattableString line = $"""
            {label}: {instruments} instruments, window {train}, model file {status.ModelBytes:N0} bytes
              first fits: {fitSeconds:F1} s wall, {Who}CPU {(s1.CpuSeconds - s0.CpuSeconds) / instruments:F3} s per instrument (ObserveMany of the window + fit)
              memory per active instrument ({Who.TrimEnd()}, after the first fits): managed {(s1.ManagedBytes - s0.ManagedBytes) / 1024.0 / instruments:F1} KiB, RSS {(s1.RssBytes - s0.RssBytes) / 1024.0 / instruments:F1} KiB; after {2 * observations} more returns: managed {(s3.ManagedBytes - s0.ManagedBytes) / 1024.0 / instruments:F1} KiB, RSS {(s3.RssBytes - s0.RssBytes) / 1024.0 / instruments:F1} KiB
              Observe (one call per date): {total:N0} observations in {single:F2} s = {total / single:N0}/s; {Who}CPU {(s2.CpuSeconds - s1.CpuSeconds) / total * 1e6:F0} us{Client(clientSingle)} per observation
              ObserveMany (20 dates per call): {total:N0} observations in {batched:F2} s = {total / batched:N0}/s; {Who}CPU {(s3.CpuSeconds - s2.CpuSeconds) / total * 1e6:F1} us{Client(clientBatched)} per observation
            """;
        Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>CPU seconds of this process (the client, or the whole in-process cluster).</summary>
    public static double ClientCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Median and range of timings.</summary>
    public static string Summary(IReadOnlyList<double> seconds)
    {
        var s = seconds.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"median {Median(seconds):F2} s (min {s[0]:F2}, max {s[^1]:F2}; {s.Length} runs: {string.Join(", ", seconds.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))})");
    }

    /// <summary>The median.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
