using System.CommandLine;
using MlNetLstm.Cli.Text;
using MlNetLstm.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlNetLstm.Cli.Commands;

/// <summary>
/// <c>mlnetlstm serve</c>: starts an Orleans silo hosting the instrument grains (one per instrument: Observe / Forecast / refit) and
/// the universe-backtest grains, with the state in PostgreSQL or in memory, until Ctrl+C.
/// </summary>
internal static class ServeCommand
{
    internal sealed record Settings
    {
        public string Storage { get; init; } = "memory";
        public string? Connection { get; init; }
        public string Membership { get; init; } = "localhost";
        public int SiloPort { get; init; } = 11111;
        public int GatewayPort { get; init; } = 30000;
        public int? PrimarySiloPort { get; init; }
        public string ClusterId { get; init; } = SiloSettings.DefaultClusterId;
        public string ServiceId { get; init; } = SiloSettings.DefaultServiceId;
        public int? HealthPort { get; init; }
        public string LogLevel { get; init; } = "information";
    }

    public static Command Create()
    {
        var storage = new Option<string>("--storage") { Description = "Where the instruments' state lives: memory (lost on stop) or postgres (--connection).", DefaultValueFactory = _ => "memory" };
        storage.AcceptOnlyFromAmong("memory", "postgres");
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string (Npgsql), e.g. \"Host=db;Database=mlnetlstm;Username=svc;Password=...\"; also read from MLNETLSTM_POSTGRES." };
        var membership = new Option<string>("--membership")
        {
            Description = "How silos find each other: localhost (one silo) or postgres (many silos and machines; membership tables in the " +
                          "--connection database, created by the service; clients: backtest --cluster CONNECTION).",
            DefaultValueFactory = _ => "localhost",
        };
        membership.AcceptOnlyFromAmong("localhost", "postgres");
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port (backtest --cluster localhost:PORT).", DefaultValueFactory = _ => 30000 };
        var primary = new Option<int?>("--primary-silo-port")
        {
            Description = "With --membership localhost: join the primary silo listening on this silo port of this machine (several silos on one machine, no database).",
        };
        var clusterId = new Option<string>("--cluster-id") { Description = "Cluster id shared by the silos of one cluster (clients: backtest --cluster-id).", DefaultValueFactory = _ => SiloSettings.DefaultClusterId };
        var serviceId = new Option<string>("--service-id")
        {
            Description = "Service id: the instruments' state and reminders in PostgreSQL are kept per service id, so services sharing one database " +
                          "never see each other's rows. Keep it the same across restarts and upgrades of one service.",
            DefaultValueFactory = _ => SiloSettings.DefaultServiceId,
        };
        var health = new Option<int?>("--health-port") { Description = "Serve GET /health on this HTTP port (200 ok, 503 when the database is unreachable)." };
        var log = new Option<string>("--log-level") { Description = "Log level on stderr.", DefaultValueFactory = _ => "information" };
        log.AcceptOnlyFromAmong("trace", "debug", "information", "warning", "error");
        var command = new Command("serve", "Start an Orleans silo: one grain per instrument (streaming forecasts, refits on schedule) and universe backtests, state in PostgreSQL or memory.");
        foreach (Option o in new Option[] { storage, connection, membership, siloPort, gatewayPort, primary, clusterId, serviceId, health, log }) command.Options.Add(o);
        command.SetAction((pr, ct) => RunAsync(new Settings
        {
            Storage = pr.GetValue(storage)!,
            Connection = pr.GetValue(connection) ?? Environment.GetEnvironmentVariable("MLNETLSTM_POSTGRES"),
            Membership = pr.GetValue(membership)!,
            SiloPort = pr.GetValue(siloPort),
            GatewayPort = pr.GetValue(gatewayPort),
            PrimarySiloPort = pr.GetValue(primary),
            ClusterId = pr.GetValue(clusterId)!,
            ServiceId = pr.GetValue(serviceId)!,
            HealthPort = pr.GetValue(health),
            LogLevel = pr.GetValue(log)!,
        }, Console.Error, ct));
        return command;
    }

    /// <summary>Runs the silo until <paramref name="ct"/> is cancelled; 0 on a clean stop, 2 on bad options or an unreachable database.</summary>
    internal static async Task<int> RunAsync(Settings s, TextWriter stderr, CancellationToken ct)
    {
        IHost host;
        try
        {
            foreach (var (name, port) in new[] { ("--silo-port", s.SiloPort), ("--gateway-port", s.GatewayPort), ("--health-port", s.HealthPort ?? 1), ("--primary-silo-port", s.PrimarySiloPort ?? 1) })
                if (port is < 1 or > 65535) throw new ArgumentException($"{name} must be a port between 1 and 65535 (got {port}).");
            if (string.IsNullOrWhiteSpace(s.ClusterId))
                throw new ArgumentException("--cluster-id is empty: give the cluster's id (default " + SiloSettings.DefaultClusterId + "), shared by its silos and named by its clients.");
            if (string.IsNullOrWhiteSpace(s.ServiceId))
                throw new ArgumentException("--service-id is empty: give the service's id (default " + SiloSettings.DefaultServiceId + "), the key of its rows in PostgreSQL.");
            if (s.PrimarySiloPort is not null && s.Membership != "localhost")
                throw new ArgumentException("--primary-silo-port applies to --membership localhost only (with postgres, silos find each other in the database).");
            bool pg = s.Storage == "postgres" || s.Membership == "postgres";
            if (pg && string.IsNullOrWhiteSpace(s.Connection))
                throw new ArgumentException($"--connection is required with {(s.Storage == "postgres" ? "--storage postgres" : "--membership postgres")} (or set MLNETLSTM_POSTGRES).");
            var settings = new SiloSettings
            {
                Storage = s.Storage == "postgres" ? StateStorage.Postgres : StateStorage.Memory,
                Membership = s.Membership == "postgres" ? Membership.Postgres : Membership.Localhost,
                ConnectionString = s.Connection,
                SiloPort = s.SiloPort,
                GatewayPort = s.GatewayPort,
                PrimarySiloPort = s.PrimarySiloPort,
                ClusterId = s.ClusterId,
                ServiceId = s.ServiceId,
                HealthPort = s.HealthPort,
                LogLevel = Enum.Parse<LogLevel>(s.LogLevel, ignoreCase: true),
            };
            try
            {
                host = await ServiceHost.BuildSilo(settings, ct);
            }
            catch (ArgumentException ex) when (ex.ParamName == "connectionString")
            {
                throw new ArgumentException($"--connection: {CliErrors.Text(ex)}", ex);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"--connection: {ex.Message}", ex);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }

        using (host)
        {
            try
            {
                await host.StartAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                stderr.WriteLine($"error: the silo did not start: {ex.Message}");
                return 2;
            }
            stderr.WriteLine($"mlnetlstm serve: silo up (cluster '{s.ClusterId}', service '{s.ServiceId}', silo port {s.SiloPort}, gateway port {s.GatewayPort}, state in {s.Storage}" +
                             $"{(s.HealthPort is int h ? $", health on http://localhost:{h}/health" : "")}); Ctrl+C stops it.");
            // Ctrl+C / SIGTERM reach either the command line's token or the host's own lifetime; either stops the silo.
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
            try { await Task.Delay(Timeout.Infinite, either.Token); }
            catch (OperationCanceledException) { }
            stderr.WriteLine("mlnetlstm serve: stopping (grains deactivate and write their state; at most 30 s)...");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await host.StopAsync(deadline.Token); }
            catch (OperationCanceledException) { stderr.WriteLine("mlnetlstm serve: the silo did not stop within 30 s; exiting."); return 1; }
            stderr.WriteLine("mlnetlstm serve: stopped.");
        }
        return 0;
    }
}
