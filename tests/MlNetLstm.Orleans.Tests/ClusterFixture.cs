using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Tests;

/// <summary>Silo setup of the tests: instrument state in the throwaway PostgreSQL, in-memory reminders, fast failure detection.</summary>
public sealed class SiloConfigurator : ISiloConfigurator
{
    /// <summary>Set by <see cref="Clusters.StartAsync"/> before the silos start (they run in this process).</summary>
    public static string ConnectionString { get; set; } = "";

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddMlNetLstmPostgresStorage(ConnectionString);
        siloBuilder.UseInMemoryReminderService();
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

public sealed class ClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
}

public static class Clusters
{
    public static async Task<TestCluster> StartAsync(PostgresServer pg, short silos = 3)
    {
        SiloConfigurator.ConnectionString = pg.ConnectionString;
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
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
