using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;

namespace MlNetLstm.Orleans;

/// <summary>
/// The gateways of a cluster whose membership is in PostgreSQL (<see cref="PostgresMembershipTable"/>), for clients: the silos of
/// <see cref="ClusterOptions.ClusterId"/> whose status is Active and that have a gateway (proxy) port, as
/// <c>gwy.tcp://address:proxyPort/generation</c>. Orleans' client asks again every <see cref="GatewayOptions.GatewayListRefreshPeriod"/>.
/// </summary>
public sealed class PostgresGatewayListProvider : IGatewayListProvider, IDisposable
{
    private readonly PostgresConnector _db;
    private readonly string _clusterId;

    /// <summary>Creates the provider.</summary>
    /// <param name="connectionString">Npgsql connection string (the database of the silos' membership).</param>
    /// <param name="cluster">Cluster options (the cluster's <see cref="ClusterOptions.ClusterId"/>).</param>
    /// <param name="gateway">Gateway options (<see cref="GatewayOptions.GatewayListRefreshPeriod"/> is <see cref="MaxStaleness"/>).</param>
    /// <param name="log">Logger.</param>
    public PostgresGatewayListProvider(string connectionString, IOptions<ClusterOptions> cluster, IOptions<GatewayOptions> gateway, ILogger<PostgresGatewayListProvider> log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(log);
        _clusterId = cluster.Value.ClusterId;
        ArgumentException.ThrowIfNullOrWhiteSpace(_clusterId, "cluster.Value.ClusterId");
        MaxStaleness = gateway.Value.GatewayListRefreshPeriod;
        _db = new PostgresConnector(connectionString, "gateway list", PostgresMembershipTable.CreateSchemaAsync, log);
    }

    /// <summary>How long the client keeps a gateway list before asking again (<see cref="GatewayOptions.GatewayListRefreshPeriod"/>).</summary>
    public TimeSpan MaxStaleness { get; }

    /// <summary>True: the list is read from the table each time.</summary>
    [Obsolete("Orleans no longer reads this property: every provider is considered updatable.")]
    public bool IsUpdatable => true;

    /// <summary>Releases the connector.</summary>
    public void Dispose() => _db.Dispose();

    /// <summary>Connects to the database and creates the membership tables if they are missing (so a client may start before any silo).</summary>
    public Task InitializeGatewayListProvider() => _db.RunAsync("opening the membership tables", _ => Task.FromResult(true));

    /// <inheritdoc />
    public Task<IList<Uri>> GetGateways() =>
        _db.RunAsync($"reading the gateways of cluster '{_clusterId}'", async c =>
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT address, proxy_port, generation FROM {PostgresMembershipTable.TableName} " +
                "WHERE cluster_id = @c AND status = @active AND proxy_port > 0 ORDER BY address, proxy_port, generation", c);
            cmd.Parameters.AddWithValue("c", _clusterId);
            cmd.Parameters.AddWithValue("active", nameof(SiloStatus.Active));
            IList<Uri> gateways = [];
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                gateways.Add(SiloAddress.New(new IPEndPoint(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1)), reader.GetInt32(2)).ToGatewayUri());
            return gateways;
        });
}
