using System.Diagnostics;
using System.Globalization;
using Orleans.Runtime;

namespace MlNetLstm.Orleans.Benchmarks;

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
    /// Streams observations to <paramref name="instruments"/> grains of one model each and prints what it cost in the process
    /// <paramref name="siloStats"/> reports (one silo process, or the whole in-process cluster) and in the other processes
    /// <paramref name="others"/> meters (the client, PostgreSQL):
    /// 1. configure each grain and send its first <paramref name="train"/> returns in one <c>ObserveMany</c>, wait for every first fit:
    ///    CPU per instrument (mostly the fit), and managed memory and RSS per active instrument (silo after minus silo before, over the
    ///    instruments; with memory storage the stored copy of the state is in the silo too);
    /// 2. <paramref name="observations"/> single <c>Observe</c> calls per instrument (all instruments at once, each in date order; every
    ///    call persisted before its reply): observations per second, CPU per observation;
    /// 3. as many again in <c>ObserveMany</c> batches of 20 dates (one message and one storage write per batch).
    /// </summary>
    /// <param name="siloName">What <paramref name="siloStats"/> measures, e.g. "silo".</param>
    /// <param name="others">CPU seconds so far of other processes, by name (none in in-process mode: the client is in the silo's process).</param>
    public static async Task Stream(IGrainFactory grains, Func<Task<ProcessStats>> siloStats, string siloName,
        IReadOnlyList<(string Name, Func<double> CpuSeconds)> others, string label, ModelSpec model, int instruments, int train, int observations)
    {
        var settings = new InstrumentSettings { Model = model, TrainSize = train, RefitEvery = 0 };
        var data = Enumerable.Range(0, instruments).Select(k => Garch(train + 2 * observations, k)).ToArray();
        var start = new DateOnly(2000, 1, 1);
        string run = Guid.NewGuid().ToString("N")[..8]; // fresh grains each run (PostgreSQL keeps the state of earlier runs)
        var grain = Enumerable.Range(0, instruments).Select(k => grains.GetGrain<IInstrumentGrain>($"{label}-{run}-{k}")).ToArray();
        Observation Obs(int k, int i) => new(start.AddDays(i), data[k][i]);
        double[] OthersCpu() => others.Select(o => o.CpuSeconds()).ToArray();
        var inv = CultureInfo.InvariantCulture;
        string Cpu(ProcessStats before, ProcessStats after, double[] othersBefore, double[] othersAfter, double per, string unit, double scale) =>
            string.Join(", ", new[] { $"{siloName} {((after.CpuSeconds - before.CpuSeconds) / per * scale).ToString("F1", inv)} {unit}" }
                .Concat(others.Select((o, i) => $"{o.Name} {((othersAfter[i] - othersBefore[i]) / per * scale).ToString("F1", inv)} {unit}")));

        var s0 = await siloStats();
        var o0 = OthersCpu();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            await grain[k].Configure(settings);
            await grain[k].ObserveMany(Enumerable.Range(0, train).Select(i => Obs(k, i)).ToArray());
        }));
        foreach (var g in grain)
            while ((await g.GetStatus()).ModelVersion < 1) await Task.Delay(20);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var o1 = OthersCpu();
        var s1 = await siloStats();
        var status = await grain[0].GetStatus();

        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            for (int i = train; i < train + observations; i++) await grain[k].Observe(start.AddDays(i), data[k][i]);
        }));
        double single = clock.Elapsed.TotalSeconds;
        var o2 = OthersCpu();
        var s2 = await siloStats();

        var o2b = OthersCpu();
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            for (int i = train + observations; i < train + 2 * observations; i += 20)
                await grain[k].ObserveMany(Enumerable.Range(i, Math.Min(20, train + 2 * observations - i)).Select(j => Obs(k, j)).ToArray());
        }));
        double batched = clock.Elapsed.TotalSeconds;
        var o3 = OthersCpu();
        var s3 = await siloStats();

        // 4. Every idle activation is dropped (these instruments and the earlier runs'; memory storage keeps the state in its own grains),
        //    then these instruments are called again, so they reactivate from storage: the memory of a reactivated instrument, whose model
        //    is read from its model file rather than left by a fit. The reactivated grains must find their model and every return.
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var s4 = await siloStats();
        var again = await Task.WhenAll(grain.Select(g => g.GetStatus()));
        var s5 = await siloStats();
        if (again.Any(a => a.ModelVersion < 1 || a.Returns != train + 2 * observations))
            throw new InvalidOperationException($"{label}: a reactivated instrument lost its state ({again.Count(a => a.ModelVersion < 1)} without a model).");

        double total = (double)instruments * observations;
        double kib = 1024.0 * instruments;
        FormattableString line = $"""
            {label}: {instruments} instruments, window {train}, model file {status.ModelBytes:N0} bytes
              first fits: {fitSeconds:F1} s wall; CPU per instrument (ObserveMany of the window + fit): {Cpu(s0, s1, o0, o1, instruments, "ms", 1e3)}
              memory per active instrument ({siloName}, after the first fits): managed {(s1.ManagedBytes - s0.ManagedBytes) / kib:F1} KiB, RSS {(s1.RssBytes - s0.RssBytes) / kib:F1} KiB; after {2 * observations} more returns: managed {(s3.ManagedBytes - s0.ManagedBytes) / kib:F1} KiB, RSS {(s3.RssBytes - s0.RssBytes) / kib:F1} KiB; thread-pool threads {s0.Threads} -> {s1.Threads} -> {s3.Threads}
              memory per instrument reactivated from storage ({siloName}): managed {(s5.ManagedBytes - s4.ManagedBytes) / kib:F1} KiB, RSS {(s5.RssBytes - s4.RssBytes) / kib:F1} KiB
              Observe (one call per date): {total:N0} observations in {single:F2} s = {total / single:N0}/s; CPU per observation: {Cpu(s1, s2, o1, o2, total, "us", 1e6)}
              ObserveMany (20 dates per call): {total:N0} observations in {batched:F2} s = {total / batched:N0}/s; CPU per observation: {Cpu(s2, s3, o2b, o3, total, "us", 1e6)}
            """;
        Console.WriteLine(line.ToString(inv));
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
