using Orleans.Hosting;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>
/// Silos in this process (Orleans TestingHost), not pinned: every silo and the client share all of the machine's cores, so one silo
/// already uses them all and "two silos" adds no hardware. Measures, with CPU and memory of the whole process (silos and client):
/// 1. the instrument streams on one silo (<see cref="Workload.Stream"/>), memory storage or PostgreSQL (--pg);
/// 2. the universe backtest on one silo and on two (<see cref="UniverseRuns"/>), and the ratio.
/// </summary>
internal static class InProcessBenchmark
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

    public static async Task<int> Run(BenchmarkOptions o)
    {
        _pg = o.Postgres;
        Console.WriteLine($"in-process mode (TestingHost, silos and client in this process, not pinned): {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}; stream storage: {(_pg is null ? "memory" : "PostgreSQL")}");
        if (o.Streams)
        {
            Console.WriteLine("instrument streams on one silo (CPU and memory: the whole process, silo and client together)");
            await using var cluster = await Start(1);
            var stats = () => Task.FromResult(ProcessStats.OfThisProcess());
            // Warm-up instruments (they stay active, part of the baseline): JIT, Orleans, and the library's buffer pools, which grow over
            // the first few dozen fits (about 8 KiB per lstm-regime fit over the first 40, then flat), so the memory measured next is the instruments' own.
            await Workload.Stream(cluster.GrainFactory, stats, "process (silo and client)", [], "warm-up", new ModelSpec { Models = ["garch"] }, Math.Max(10, o.Instruments / 10), 500, 20);
            await Workload.Stream(cluster.GrainFactory, stats, "process (silo and client)", [], "warm-up", new ModelSpec { Models = ["lstm-regime"], Seeds = 1 }, o.LstmInstruments, 1000, 20);
            await Workload.Stream(cluster.GrainFactory, stats, "process (silo and client)", [], "garch", new ModelSpec { Models = ["garch"] }, o.Instruments, o.GarchWindow, o.Observations);
            await Workload.Stream(cluster.GrainFactory, stats, "process (silo and client)", [], "lstm-regime", new ModelSpec { Models = ["lstm-regime"], Seeds = 1 }, o.LstmInstruments, 1000, o.Observations);
        }
        if (o.Universe)
        {
            var requests = o.UniverseRequests();
            Console.WriteLine(o.UniverseLine());
            var runs = new List<UniverseRuns>();
            foreach (short silos in new short[] { 1, 2 })
            {
                await using var cluster = await Start(silos);
                runs.Add(await UniverseRuns.Measure(cluster.GrainFactory, requests, o.Repeat, $"{silos} in-process silo{(silos > 1 ? "s" : "")}", siloCpu: null));
            }
            UniverseRuns.CheckEqual(runs[0], runs[1]);
            UniverseRuns.PrintSpeedUp(runs[0], runs[1], ownCores: false);
        }
        return 0;
    }
}
