using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<global::Orleans.Configuration.ClusterOptions>>(), sp.GetRequiredService<ILogger<PostgresReminderTable>>()));
        return builder;
    }

    /// <summary>Keeps the instrument grains' state in memory (lost when the silo stops; for trials and single-machine runs).</summary>
    /// <param name="builder">The silo builder.</param>
    public static ISiloBuilder AddMlNetLstmMemoryStorage(this ISiloBuilder builder) => builder.AddMemoryGrainStorage(StorageName);
}
