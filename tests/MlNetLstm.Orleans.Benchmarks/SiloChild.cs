using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>
/// The child mode of <see cref="ScaleOutBenchmark"/>: one silo in this process, built with the project's public hosting extensions
/// (<see cref="Hosting.AddMlNetLstmMemoryStorage"/>, <see cref="Hosting.AddMlNetLstmPostgresStorage"/>) and Orleans' development
/// (localhost) clustering: silo 0 is the primary silo, the others join it at its endpoint, so no database is needed for membership.
/// <c>silo --index I --silo-port P --gateway-port G --primary-port P0 [--pg CONN]</c>.
/// Protocol on stdout (logs go to stderr): <c>ready I CORES</c> once the silo runs (CORES: the cores this process may use, 1 when pinned);
/// then on stdin, <c>stats</c> answers a <see cref="ProcessStats"/> line of this process, <c>quit</c> (or the end of stdin) stops the silo.
/// </summary>
internal static class SiloChild
{
    public const string ServiceId = "mlnetlstm-bench";
    public const string ClusterId = "mlnetlstm-bench";

    public static async Task<int> Run(IReadOnlyList<string> args)
    {
        int index = -1, siloPort = 0, gatewayPort = 0, primaryPort = 0;
        string? pg = null;
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--index": index = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--silo-port": siloPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--gateway-port": gatewayPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--primary-port": primaryPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--pg": pg = args[i + 1]; break;
                case "--min-threads":
                    // More thread-pool threads from the start: Orleans' own work (messages forwarded by this silo's gateway, timers,
                    // membership probes) then gets a thread while the walk-forwards, CPU-bound work items on the same pool, occupy the others.
                    int n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    ThreadPool.GetMinThreads(out _, out int io);
                    if (!ThreadPool.SetMinThreads(n, Math.Max(n, io))) throw new ArgumentException($"silo: --min-threads {n} was refused.");
                    break;
                default: throw new ArgumentException($"silo: unknown option {args[i]}");
            }
        }
        if (index < 0 || siloPort <= 0 || gatewayPort <= 0 || primaryPort <= 0)
            throw new ArgumentException("silo: --index, --silo-port, --gateway-port and --primary-port are required.");

        using var host = new HostBuilder()
            .ConfigureLogging(l => l.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
                // Startup notes of a one-core silo (no server GC; the watchdog's first check) are not problems here.
                .AddFilter("Orleans.Runtime.Silo", LogLevel.Error).AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error))
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort), ServiceId, ClusterId);
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(2));
                if (pg is null) silo.AddMlNetLstmMemoryStorage(); else silo.AddMlNetLstmPostgresStorage(pg);
                silo.UseInMemoryReminderService();
            })
            .Build();
        await host.StartAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {index} {Environment.ProcessorCount}"));
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "stats") Console.WriteLine(ProcessStats.OfThisProcess().ToLine());
            else if (command == "quit") break;
            else await Console.Error.WriteLineAsync($"silo {index}: unknown command '{command}'");
        }
        await host.StopAsync();
        return 0;
    }
}
