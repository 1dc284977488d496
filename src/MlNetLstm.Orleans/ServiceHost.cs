using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace MlNetLstm.Orleans;

/// <summary>Starts silos and connects clients for the CLI and the benchmark.</summary>
public static class ServiceHost
{
    /// <summary>
    /// Builds (does not start) a silo host. With PostgreSQL, the database is checked first: an unreachable server throws
    /// <see cref="InvalidOperationException"/> naming the host, port and database.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static async Task<IHost> BuildSilo(SiloSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.ClusterId)) throw new ArgumentException("The cluster id (SiloSettings.ClusterId) is empty.", nameof(settings));
        if (string.IsNullOrWhiteSpace(settings.ServiceId)) throw new ArgumentException("The service id (SiloSettings.ServiceId) is empty.", nameof(settings));
        if (settings.PrimarySiloPort is int primary)
        {
            if (settings.Membership != Membership.Localhost)
                throw new ArgumentException("A primary silo port (SiloSettings.PrimarySiloPort) applies to localhost membership only; with PostgreSQL membership silos find each other in the database.", nameof(settings));
            if (primary is < 1 or > 65535) throw new ArgumentException($"The primary silo port (SiloSettings.PrimarySiloPort) must be between 1 and 65535 (got {primary}).", nameof(settings));
        }
        bool pg = settings.Storage == StateStorage.Postgres || settings.Membership == Membership.Postgres;
        if (pg)
        {
            if (string.IsNullOrWhiteSpace(settings.ConnectionString)) throw new ArgumentException("A PostgreSQL connection string is required.", nameof(settings));
            // Creates the grain-state table only when this silo stores state there.
            await PostgresGrainStorage.CheckReachableAsync(settings.ConnectionString, settings.Storage == StateStorage.Postgres, cancellationToken);
        }
        var builder = new HostBuilder()
            .ConfigureLogging(l => l.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(settings.LogLevel)
                .AddFilter("Orleans", settings.LogLevel < LogLevel.Warning ? LogLevel.Warning : settings.LogLevel)
                .AddFilter("Polly", settings.LogLevel < LogLevel.Warning ? LogLevel.Warning : settings.LogLevel)
                .AddFilter("Microsoft", settings.LogLevel < LogLevel.Warning ? LogLevel.Warning : settings.LogLevel))
            .UseOrleans(silo =>
            {
                if (settings.Membership == Membership.Postgres)
                {
                    silo.UseMlNetLstmPostgresClustering(settings.ConnectionString!);
                    silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort);
                }
                else
                {
                    silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
                        settings.PrimarySiloPort is int p ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, p) : null);
                }
                silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(2));
                if (settings.Storage == StateStorage.Postgres)
                {
                    silo.AddMlNetLstmPostgresStorage(settings.ConnectionString!);
                    silo.AddMlNetLstmPostgresReminders(settings.ConnectionString!);
                }
                else
                {
                    silo.AddMlNetLstmMemoryStorage();
                    silo.UseInMemoryReminderService();
                }
            });
        if (settings.HealthPort is int port)
            builder.ConfigureServices(s => s.AddHostedService(sp => new HealthEndpoint(port, settings, sp.GetRequiredService<ILogger<HealthEndpoint>>())));
        return builder.Build();
    }

    /// <summary>
    /// Connects a client to a running cluster: <paramref name="cluster"/> is <c>localhost</c> or <c>localhost:PORT</c> (a silo started
    /// with localhost membership; default gateway port 30000) or a PostgreSQL connection string (membership in PostgreSQL, <see cref="Membership.Postgres"/>). Throws
    /// <see cref="InvalidOperationException"/> with the reason when no silo answers or the database is unreachable.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="clusterId">The cluster id.</param>
    /// <param name="serviceId">The client's service id (<see cref="SiloSettings.ServiceId"/>). The gateways admit a client by its cluster id
    /// alone: whose rows the grains use is the silos' service id, so any client of the cluster reaches that service's instruments.</param>
    /// <param name="connectTimeout">How long to wait for a gateway (default 15 s).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static async Task<IHost> ConnectClient(string cluster, string clusterId = SiloSettings.DefaultClusterId, string serviceId = SiloSettings.DefaultServiceId,
        TimeSpan? connectTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        bool local = cluster.StartsWith("localhost", StringComparison.OrdinalIgnoreCase);
        int gateway = 30000;
        if (local && cluster.Length > "localhost".Length)
        {
            if (cluster["localhost".Length] != ':' || !int.TryParse(cluster["localhost:".Length..], out gateway) || gateway is < 1 or > 65535)
                throw new ArgumentException($"'{cluster}' is neither localhost[:PORT] nor a PostgreSQL connection string.", nameof(cluster));
        }
        else if (!local)
        {
            await PostgresGrainStorage.CheckReachableAsync(cluster, createSchema: false, cancellationToken);
        }
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                if (local) client.UseLocalhostClustering(gateway, serviceId: serviceId, clusterId: clusterId);
                else
                {
                    client.UseMlNetLstmPostgresClustering(cluster);
                    client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
                }
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(2));
            })
            .Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout ?? TimeSpan.FromSeconds(15));
            await host.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not ArgumentException)
        {
            host.Dispose();
            throw new InvalidOperationException($"No silo of cluster '{clusterId}' answered at {(local ? $"localhost, gateway port {gateway}" : "the gateways listed in PostgreSQL")}: {ex.Message}", ex);
        }
        return host;
    }

    /// <summary>GET /health: 200 with the silo's state (and the database reachable), 503 otherwise.</summary>
    private sealed class HealthEndpoint(int port, SiloSettings settings, ILogger<HealthEndpoint> log) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var listener = new HttpListener();
            listener.Prefixes.Add($"http://+:{port}/");
            try { listener.Start(); }
            catch (HttpListenerException)
            {
                listener.Prefixes.Clear();
                listener.Prefixes.Add($"http://localhost:{port}/");
                listener.Start();
            }
            log.LogInformation("Health endpoint on http://localhost:{Port}/health", port);
            using var reg = stoppingToken.Register(listener.Stop);
            while (!stoppingToken.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); }
                catch (Exception) when (stoppingToken.IsCancellationRequested) { return; }
                string? dbError = null;
                if (settings.Storage == StateStorage.Postgres || settings.Membership == Membership.Postgres)
                {
                    try { await PostgresGrainStorage.CheckReachableAsync(settings.ConnectionString!, createSchema: false, stoppingToken); }
                    catch (InvalidOperationException ex) { dbError = ex.Message; }
                }
                var body = JsonSerializer.Serialize(new { status = dbError is null ? "ok" : "degraded", storage = settings.Storage.ToString().ToLowerInvariant(), database = dbError ?? "reachable", clusterId = settings.ClusterId, serviceId = settings.ServiceId });
                ctx.Response.StatusCode = dbError is null ? 200 : 503;
                ctx.Response.ContentType = "application/json";
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                await ctx.Response.OutputStream.WriteAsync(bytes, stoppingToken);
                ctx.Response.Close();
            }
        }
    }
}
