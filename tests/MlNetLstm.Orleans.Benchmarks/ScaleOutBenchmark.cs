using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>
/// Scale-out mode: every silo is a separate process (<see cref="SiloChild"/>) pinned to its own core with <c>taskset -c K</c>, so one core
/// stands in for one machine; silo k runs on core k. The client (this process) is pinned too, to <c>--client-core</c> (default: the last
/// core; on a 2-core machine core 1, which it shares with the second silo in the two-silo runs). Measures:
/// 1. the instrument streams (<see cref="Workload.Stream"/>) on one silo (core 0), memory storage and, with --pg, PostgreSQL: observations
///    per second, CPU per observation and memory (managed and RSS) per active instrument, all read in the silo process;
/// 2. the universe backtest on one silo (core 0) and on two (cores 0 and 1), memory storage (the backtest grains keep no state):
///    wall time of each run, CPU of each silo and of the client, the client's loss computation apart; the two-silo results are checked
///    equal to the one-silo results, and a series run alone in the client equal to both.
/// </summary>
internal static class ScaleOutBenchmark
{
    private const string PinnedVariable = "MLNETLSTM_BENCH_CLIENT_CORE";

    public static async Task<int> Run(BenchmarkOptions o, string[] args)
    {
        if (!OperatingSystem.IsLinux()) throw new ArgumentException("scaleout: needs Linux (taskset, /proc).");
        string taskset = FindOnPath("taskset") ?? throw new ArgumentException(
            "scaleout: taskset was not found on PATH; it pins each silo to a core. Install it with `apt-get install util-linux`.");
        if (Environment.GetEnvironmentVariable(PinnedVariable) is not { } pinned)
        {
            // Not pinned yet: start this benchmark again pinned to the client core, with the same arguments.
            int cores = Environment.ProcessorCount;
            if (cores < 2) throw new ArgumentException($"scaleout: this process may use {cores} core (start it without taskset: it pins itself and its silos); two silos on two cores need at least 2.");
            int client = o.ClientCore ?? cores - 1;
            if (client >= cores) throw new ArgumentException($"--client-core {client}: this machine has cores 0-{cores - 1}.");
            var psi = new ProcessStartInfo(taskset) { UseShellExecute = false };
            foreach (string a in (string[])["-c", client.ToString(CultureInfo.InvariantCulture), .. SelfCommand(), "scaleout", .. args]) psi.ArgumentList.Add(a);
            psi.Environment[PinnedVariable] = client.ToString(CultureInfo.InvariantCulture);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start taskset.");
            await p.WaitForExitAsync();
            return p.ExitCode;
        }

        Console.WriteLine($"scale-out mode: silos as processes pinned with taskset (silo k on core k), client pinned to core {pinned} " +
                          $"(it may use {Environment.ProcessorCount} core); .NET {Environment.Version}");
        if (o.Streams)
        {
            foreach (string? pg in o.Postgres is null ? [null] : (string?[])[null, o.Postgres])
            {
                await using var cluster = await PinnedCluster.Start(taskset, 1, pg, o.SiloMinThreads);
                Console.WriteLine($"instrument streams on one silo (core 0), storage {(pg is null ? "memory" : "PostgreSQL")}; CPU and memory read in the silo process");
                var stats = async () => (await cluster.Stats())[0];
                var start = await stats();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  an idle silo process: managed {start.ManagedBytes / 1048576.0:F1} MiB, RSS {start.RssBytes / 1048576.0:F1} MiB"));
                var others = new List<(string, Func<double>)> { ("client", Workload.ClientCpu) };
                if (pg is not null && o.PostgresPid is int pid) others.Add(("PostgreSQL", () => ProcessStats.ServerTreeCpuSeconds(pid)));
                // Warm-up instruments (they stay active, part of the baseline): JIT, Orleans, and the library's buffer pools, which grow over
                // the first few dozen fits (about 8 KiB per lstm-regime fit over the first 40, then flat), so the memory measured next is the instruments' own.
                await Workload.Stream(cluster.Grains, stats, "silo", others, "warm-up", new ModelSpec { Models = ["garch"] }, Math.Max(10, o.Instruments / 10), 500, 20);
                await Workload.Stream(cluster.Grains, stats, "silo", others, "warm-up", new ModelSpec { Models = ["lstm-regime"], Seeds = 1 }, o.LstmInstruments, 1000, 20);
                await Workload.Stream(cluster.Grains, stats, "silo", others, "garch", new ModelSpec { Models = ["garch"] }, o.Instruments, o.GarchWindow, o.Observations);
                await Workload.Stream(cluster.Grains, stats, "silo", others, "lstm-regime", new ModelSpec { Models = ["lstm-regime"], Seeds = 1 }, o.LstmInstruments, 1000, o.Observations);
            }
        }
        if (o.Universe)
        {
            var requests = o.UniverseRequests();
            Console.WriteLine(o.UniverseLine());
            var runs = new List<UniverseRuns>();
            foreach (int silos in new[] { 1, 2 })
            {
                await using var cluster = await PinnedCluster.Start(taskset, silos, pg: null, o.SiloMinThreads);
                async Task<double[]> SiloCpu() => (await cluster.Stats()).Select(s => s.CpuSeconds).ToArray();
                runs.Add(await UniverseRuns.Measure(cluster.Grains, requests, o.Repeat,
                    silos == 1 ? "1 silo (core 0)" : $"{silos} silos (cores 0-{silos - 1})", SiloCpu));
            }
            UniverseRuns.CheckEqual(runs[0], runs[1]);
            UniverseRuns.CheckAgainstAlone(runs[0], requests[0]);
            UniverseRuns.PrintSpeedUp(runs[0], runs[1], ownCores: true);
        }
        return 0;
    }

    /// <summary>The command that starts this program: the apphost, or <c>dotnet</c> and this assembly.</summary>
    private static string[] SelfCommand()
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [exe, typeof(ScaleOutBenchmark).Assembly.Location] : [exe];
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Where(d => d.Length > 0).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Silo processes, silo k pinned to core k, and a client connected to all their gateways.</summary>
    private sealed class PinnedCluster : IAsyncDisposable
    {
        private readonly List<Process> _silos = [];
        private IHost? _client;

        public IGrainFactory Grains => _client!.Services.GetRequiredService<IGrainFactory>();

        public static async Task<PinnedCluster> Start(string taskset, int silos, string? pg, int? minThreads)
        {
            var c = new PinnedCluster();
            try
            {
                int primary = FreePort();
                var gateways = new List<int>();
                for (int k = 0; k < silos; k++)
                {
                    int siloPort = k == 0 ? primary : FreePort(), gateway = FreePort();
                    gateways.Add(gateway);
                    var psi = new ProcessStartInfo(taskset)
                    {
                        UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true,
                    };
                    string[] command = ["-c", k.ToString(CultureInfo.InvariantCulture), .. SelfCommand(), "silo",
                        "--index", k.ToString(CultureInfo.InvariantCulture), "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture),
                        "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture), "--primary-port", primary.ToString(CultureInfo.InvariantCulture)];
                    foreach (string a in command) psi.ArgumentList.Add(a);
                    if (pg is not null) { psi.ArgumentList.Add("--pg"); psi.ArgumentList.Add(pg); }
                    if (minThreads is int t) { psi.ArgumentList.Add("--min-threads"); psi.ArgumentList.Add(t.ToString(CultureInfo.InvariantCulture)); }
                    var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start silo {k}.");
                    c._silos.Add(p);
                    // The primary silo must run before the others join it.
                    string? ready = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
                    if (ready is null || !ready.StartsWith($"ready {k} ", StringComparison.Ordinal))
                        throw new InvalidOperationException($"Silo {k} did not start (its first line: '{ready}'; see its log above).");
                    if (ready != $"ready {k} 1")
                        throw new InvalidOperationException($"Silo {k} is not pinned to one core ('{ready}'): taskset -c {k} had no effect.");
                }
                c._client = new HostBuilder()
                    .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
                    .UseOrleansClient(client =>
                    {
                        client.UseLocalhostClustering(gateways.ToArray(), SiloChild.ServiceId, SiloChild.ClusterId);
                        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(2));
                    })
                    .Build();
                await c._client.StartAsync();
                // Random placement chooses among the silos the receiving silo knows: wait until every silo sees all of them.
                var management = c.Grains.GetGrain<IManagementGrain>(0);
                var deadline = Stopwatch.StartNew();
                while ((await management.GetHosts(onlyActive: true)).Count < silos)
                {
                    if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException($"{silos} silos did not form one cluster in 60 s.");
                    await Task.Delay(200);
                }
                return c;
            }
            catch
            {
                await c.DisposeAsync();
                throw;
            }
        }

        /// <summary>CPU and memory of each silo process, read by the silo itself (after full collections).</summary>
        public async Task<ProcessStats[]> Stats()
        {
            var stats = new ProcessStats[_silos.Count];
            for (int k = 0; k < _silos.Count; k++)
            {
                await _silos[k].StandardInput.WriteLineAsync("stats");
                await _silos[k].StandardInput.FlushAsync();
                string line = await _silos[k].StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"Silo {k} exited.");
                stats[k] = ProcessStats.Parse(line);
            }
            return stats;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null)
            {
                await _client.StopAsync();
                _client.Dispose();
            }
            foreach (var p in _silos.AsEnumerable().Reverse())
            {
                try
                {
                    if (!p.HasExited)
                    {
                        await p.StandardInput.WriteLineAsync("quit");
                        await p.StandardInput.FlushAsync();
                    }
                    using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await p.WaitForExitAsync(wait.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    p.Kill(entireProcessTree: true); // this benchmark's own child, which did not stop when asked
                }
                p.Dispose();
            }
        }
    }
}
