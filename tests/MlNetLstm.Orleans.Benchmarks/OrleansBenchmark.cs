using System.Diagnostics;
using MlNetLstm.Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>
/// The Orleans service's benchmark (a measurement, not a test):
/// <c>dotnet run -c Release --project tests/MlNetLstm.Orleans.Benchmarks -- [--pg CONNECTION] [--instruments N] [--observations M]</c>.
/// 1. Observations per second on one silo, one model per grain (GARCH(1,1) and a one-network lstm-regime), each observation persisted
///    (memory storage, or PostgreSQL with --pg) before it is acknowledged; and the managed memory per active instrument.
/// 2. The universe backtest (garch, gjr, ewma, har; 12 series) on one silo and on two, and the speed-up.
/// Silos run in this process (Orleans TestingHost), so two silos share this machine's cores.
/// </summary>
public static class OrleansBenchmark
{
    private static string? _pg;

    public sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            if (_pg is null) siloBuilder.AddMlNetLstmMemoryStorage(); else siloBuilder.AddMlNetLstmPostgresStorage(_pg);
            siloBuilder.UseInMemoryReminderService();
        }
    }

    private static async Task<TestCluster> Start(short silos)
    {
        var b = new TestClusterBuilder(silos);
        b.AddSiloBuilderConfigurator<Configurator>();
        var c = b.Build();
        await c.DeployAsync();
        return c;
    }

    private static double[] Garch(int n, int seed)
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

    public static async Task<int> Main(string[] args)
    {
        int instruments = 200, observations = 200;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--pg": _pg = args[i + 1]; break;
                case "--instruments": instruments = int.Parse(args[i + 1]); break;
                case "--observations": observations = int.Parse(args[i + 1]); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; storage: {(_pg is null ? "memory" : "PostgreSQL")}");

        await using (var cluster = await Start(1))
        {
            await Stream(cluster, "garch", new ModelSpec { Models = ["garch"] }, instruments, train: 500, observations);
            await Stream(cluster, "lstm-regime", new ModelSpec { Models = ["lstm-regime"], Seeds = 1 }, Math.Max(2, instruments / 25), train: 1000, observations);
        }

        var spec = new ModelSpec { Models = ["garch", "gjr", "ewma", "har"] };
        var requests = Enumerable.Range(0, 12).Select(k => new SeriesBacktestRequest
        {
            Name = $"s{k}", Returns = Garch(2000, 500 + k), Models = spec, TrainSize = 1000, RefitEvery = 10,
        }).ToArray();
        var seconds = new double[3];
        foreach (short silos in new short[] { 1, 2 })
        {
            await using var cluster = await Start(silos);
            await UniverseBacktest.RunOnClusterAsync(cluster.GrainFactory, requests.Take(2).ToArray()); // warm-up
            var sw = Stopwatch.StartNew();
            var results = await UniverseBacktest.RunOnClusterAsync(cluster.GrainFactory, requests);
            seconds[silos] = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"universe backtest, {requests.Length} series x {spec.Models.Count} models, {silos} silo(s): {seconds[silos]:F2} s " +
                              $"(series per silo: {string.Join(", ", results.GroupBy(r => r.Silo).Select(g => g.Count()))})");
        }
        Console.WriteLine($"speed-up 1 -> 2 silos on this machine: {seconds[1] / seconds[2]:F2}x");
        return 0;
    }

    private static async Task Stream(TestCluster cluster, string label, ModelSpec model, int instruments, int train, int observations)
    {
        var settings = new InstrumentSettings { Model = model, TrainSize = train, RefitEvery = 0 };
        var data = Enumerable.Range(0, instruments).Select(k => Garch(train + observations, k)).ToArray();
        var grains = Enumerable.Range(0, instruments).Select(k => cluster.GrainFactory.GetGrain<IInstrumentGrain>($"{label}-{k}")).ToArray();
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long before = GC.GetTotalMemory(true);
        var fitClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            await grains[k].Configure(settings);
            await grains[k].ObserveMany(Enumerable.Range(0, train).Select(i => new Observation(new DateOnly(2000, 1, 1).AddDays(i), data[k][i])).ToArray());
        }));
        foreach (var g in grains)
            while ((await g.GetStatus()).ModelVersion < 1) await Task.Delay(20);
        double fitSeconds = fitClock.Elapsed.TotalSeconds;
        var status = await grains[0].GetStatus();

        var sw = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            for (int i = train; i < train + observations; i++) await grains[k].Observe(new DateOnly(2000, 1, 1).AddDays(i), data[k][i]);
        }));
        double s = sw.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long after = GC.GetTotalMemory(true);

        // The same, in batches of 20 dates per call (ObserveMany: one message and one storage write per batch).
        var more = Enumerable.Range(0, instruments).Select(k => Garch(observations, 1000 + k)).ToArray();
        var swb = Stopwatch.StartNew();
        var cpub = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(async k =>
        {
            for (int i = 0; i < observations; i += 20)
                await grains[k].ObserveMany(Enumerable.Range(i, Math.Min(20, observations - i))
                    .Select(j => new Observation(new DateOnly(2000, 1, 1).AddDays(train + observations + j), more[k][j])).ToArray());
        }));
        double sb = swb.Elapsed.TotalSeconds, cpuBatch = (Process.GetCurrentProcess().TotalProcessorTime - cpub).TotalSeconds;
        long total = (long)instruments * observations;
        Console.WriteLine($"{label}: {instruments} instruments, {total:N0} observations in {s:F2} s = {total / s:N0} observations/s on one silo " +
                          $"(batches of 20: {total / sb:N0}/s, CPU {cpuBatch / total * 1e6:F0} us per observation); " +
                          $"CPU {cpu / total * 1e6:F0} us per observation (whole process, storage included); managed memory {(after - before) / (double)instruments / 1024:F1} KiB per active instrument " +
                          $"(model file {status.ModelBytes:N0} bytes); first fits {fitSeconds:F1} s for {instruments} instruments ({fitSeconds / instruments * Environment.ProcessorCount:F2} core-s each)");
    }
}
