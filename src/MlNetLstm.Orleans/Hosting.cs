using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Serialization;
using Orleans.Storage;

namespace MlNetLstm.Orleans;

/// <summary>Silo configuration for the MlNetLstm grains.</summary>
public static class Hosting
{
    /// <summary>Name of the grain storage the instrument grains use.</summary>
    public const string StorageName = "mlnetlstm";

    /// <summary>
    /// Stores the instrument grains' state in PostgreSQL (<see cref="PostgresGrainStorage"/>), in rows of the silo's
    /// <see cref="global::Orleans.Configuration.ClusterOptions.ServiceId"/>: services sharing one database keep separate state.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string.</param>
    public static ISiloBuilder AddMlNetLstmPostgresStorage(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddKeyedSingleton<IGrainStorage>(StorageName, (sp, _) =>
            new PostgresGrainStorage(connectionString, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<global::Orleans.Configuration.ClusterOptions>>(),
                sp.GetRequiredService<Serializer>(), sp.GetRequiredService<ILogger<PostgresGrainStorage>>()));
        return builder;
    }

    /// <summary>Keeps the silo's reminders (the instrument grains' refit schedules) in PostgreSQL (<see cref="PostgresReminderTable"/>), so they survive restarts.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string.</param>
    public static ISiloBuilder AddMlNetLstmPostgresReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable>(sp => new PostgresReminderTable(connectionString,
            sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetRequiredService<ILogger<PostgresReminderTable>>()));
        return builder;
    }

    /// <summary>
    /// Keeps the cluster's membership in PostgreSQL (<see cref="PostgresMembershipTable"/>; the tables are created on first use), so
    /// silos on any number of machines find each other through one database. Set the silo's endpoints (for example
    /// <c>ConfigureEndpoints</c>) and <see cref="global::Orleans.Configuration.ClusterOptions"/> as for any clustering provider.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">Npgsql connection string.</param>
    public static ISiloBuilder UseMlNetLstmPostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddSingleton<IMembershipTable>(sp => new PostgresMembershipTable(connectionString,
            sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetRequiredService<ILogger<PostgresMembershipTable>>()));
        return builder;
    }

    /// <summary>
    /// Lets a client find the gateways of a cluster whose membership is in PostgreSQL (<see cref="PostgresGatewayListProvider"/>:
    /// the Active silos with a gateway port). Set the client's <see cref="global::Orleans.Configuration.ClusterOptions"/> to the silos' cluster id.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="connectionString">Npgsql connection string (the silos' membership database).</param>
    public static IClientBuilder UseMlNetLstmPostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddSingleton<IGatewayListProvider>(sp => new PostgresGatewayListProvider(connectionString,
            sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetRequiredService<IOptions<GatewayOptions>>(),
            sp.GetRequiredService<ILogger<PostgresGatewayListProvider>>()));
        return builder;
    }

    /// <summary>Keeps the instrument grains' state in memory (lost when the silo stops; for trials and single-machine runs).</summary>
    /// <param name="builder">The silo builder.</param>
    public static ISiloBuilder AddMlNetLstmMemoryStorage(this ISiloBuilder builder) => builder.AddMemoryGrainStorage(StorageName);
}
