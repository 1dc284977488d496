using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Tests;

/// <summary>
/// Silo setup of the tests: instrument state and reminders in the cluster's own throwaway PostgreSQL, fast failure detection.
/// Everything a silo needs comes from its cluster's configuration (<see cref="TestClusterBuilder.Properties"/>), never from a static:
/// test classes run in parallel and each starts its own cluster and server (a static connection string, set before each cluster's
/// deployment, once let a cluster's later silos write to another class's server).
/// </summary>
public sealed class SiloConfigurator : ISiloConfigurator
{
    public const string ConnectionStringKey = "MlNetLstmTests:Postgres";
    public const string HookKey = "MlNetLstmTests:Hook";

    /// <summary>Series-backtest hooks of the running clusters, by the key their configuration names.</summary>
    internal static readonly ConcurrentDictionary<string, SeriesBacktestHook> Hooks = new();

    public void Configure(ISiloBuilder siloBuilder)
    {
        string connectionString = siloBuilder.Configuration[ConnectionStringKey]
            ?? throw new InvalidOperationException($"The test cluster's configuration has no {ConnectionStringKey}.");
        siloBuilder.AddMlNetLstmPostgresStorage(connectionString);
        if (siloBuilder.Configuration[HookKey] is { } hook) siloBuilder.Services.AddSingleton(Hooks[hook]);
        siloBuilder.AddMlNetLstmPostgresReminders(connectionString);
        siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        siloBuilder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
        siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
    }
}

/// <summary>
/// The test client. A call the client sent through one silo's gateway to a grain on a silo that is then killed gets no answer and no
/// rejection (the gateway does not break the calls it forwarded), so it ends with the response timeout: the failure tests set a short
/// one (their calls are retried as a client of the service retries them), the others a long one (nothing there is retried).
/// </summary>
public sealed class ClientConfigurator : IClientBuilderConfigurator
{
    public const string ResponseTimeoutKey = "MlNetLstmTests:ClientResponseTimeoutSeconds";

    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder)
    {
        double seconds = double.Parse(configuration[ResponseTimeoutKey] ?? "30", System.Globalization.CultureInfo.InvariantCulture);
        clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(seconds));
    }
}

/// <summary>Silo membership in the cluster's PostgreSQL (<see cref="PostgresMembershipTable"/>) instead of the test cluster's own.</summary>
public sealed class PostgresMembershipSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.UseMlNetLstmPostgresClustering(siloBuilder.Configuration[SiloConfigurator.ConnectionStringKey]
        ?? throw new InvalidOperationException($"The test cluster's configuration has no {SiloConfigurator.ConnectionStringKey}."));
}

/// <summary>The client finds the gateways in the cluster's PostgreSQL (<see cref="PostgresGatewayListProvider"/>).</summary>
public sealed class PostgresMembershipClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.UseMlNetLstmPostgresClustering(configuration[SiloConfigurator.ConnectionStringKey]
            ?? throw new InvalidOperationException($"The test cluster's configuration has no {SiloConfigurator.ConnectionStringKey}."));
}

public static class Clusters
{
    /// <summary>
    /// Starts a cluster whose grain state is in <paramref name="pg"/> and checks that every silo's storage writes there, under the
    /// cluster's service id (<paramref name="serviceId"/>, or TestingHost's own when null). With
    /// <paramref name="postgresMembership"/> the silos' membership and the client's gateway list are in <paramref name="pg"/> too
    /// (no primary silo: all silos are equal and find each other through the database).
    /// </summary>
    internal static async Task<TestCluster> StartAsync(PostgresServer pg, short silos = 3, SeriesBacktestHook? hook = null, double clientResponseTimeoutSeconds = 30, string? serviceId = null,
        bool postgresMembership = false)
    {
        var builder = new TestClusterBuilder(silos);
        if (postgresMembership)
        {
            builder.Options.UseTestClusterMembership = false;
            builder.AddSiloBuilderConfigurator<PostgresMembershipSiloConfigurator>();
            builder.AddClientBuilderConfigurator<PostgresMembershipClientConfigurator>();
        }
        if (serviceId is not null) builder.Options.ServiceId = serviceId;
        builder.Properties[SiloConfigurator.ConnectionStringKey] = pg.ConnectionString;
        builder.Properties[ClientConfigurator.ResponseTimeoutKey] = clientResponseTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (hook is not null)
        {
            string key = Guid.NewGuid().ToString("N");
            SiloConfigurator.Hooks[key] = hook;
            builder.Properties[SiloConfigurator.HookKey] = key;
        }
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        foreach (var silo in cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var storage = (PostgresGrainStorage)silo.SiloHost.Services.GetRequiredKeyedService<global::Orleans.Storage.IGrainStorage>(Hosting.StorageName);
            if (storage.ConnectionString != pg.ConnectionString)
                throw new InvalidOperationException($"Silo {silo.Name} stores state at {storage.ConnectionString}, not in its cluster's server {pg.ConnectionString}.");
            if (storage.ServiceId != builder.Options.ServiceId)
                throw new InvalidOperationException($"Silo {silo.Name} stores state under service id {storage.ServiceId}, not its cluster's {builder.Options.ServiceId}.");
        }
        return cluster;
    }
}

/// <summary>One PostgreSQL server and one three-silo cluster shared by the tests that do not kill silos.</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public PostgresServer Postgres { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        Cluster = await Clusters.StartAsync(Postgres);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedCluster>
{
    public const string Name = "shared cluster";
}
