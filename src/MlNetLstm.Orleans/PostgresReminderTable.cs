using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace MlNetLstm.Orleans;

/// <summary>
/// Orleans reminders in PostgreSQL (Npgsql; our own schema, created on first use): one row per (service, grain, reminder) in
/// <see cref="TableName"/>, with the grain's uniform hash for the silos' range queries and an integer version as the ETag.
/// Reminders survive silo and cluster restarts: a silo reads the reminders of its hash range when it starts.
/// </summary>
public sealed class PostgresReminderTable : IReminderTable, IDisposable
{
    /// <summary>The table holding reminders.</summary>
    public const string TableName = "mlnetlstm_reminders";

    private readonly PostgresConnector _db;
    private readonly string _serviceId;

    /// <summary>Creates the table provider.</summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="cluster">Cluster options (reminders are kept per <see cref="ClusterOptions.ServiceId"/>).</param>
    /// <param name="log">Logger.</param>
    public PostgresReminderTable(string connectionString, IOptions<ClusterOptions> cluster, ILogger<PostgresReminderTable> log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(cluster);
        _serviceId = cluster.Value.ServiceId;
        _db = new PostgresConnector(connectionString, "reminder table", CreateSchemaAsync, log);
    }

    /// <summary>Releases the connector.</summary>
    public void Dispose() => _db.Dispose();

    private static async Task CreateSchemaAsync(NpgsqlConnection c, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {TableName} (service_id text NOT NULL, grain_id text NOT NULL, reminder_name text NOT NULL, " +
            "grain_hash bigint NOT NULL, start_at timestamptz NOT NULL, period_ms bigint NOT NULL, version bigint NOT NULL, " +
            "PRIMARY KEY (service_id, grain_id, reminder_name))", c);
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable) { /* created concurrently */ }
    }

    /// <inheritdoc />
    public Task Init() => _db.RunAsync("creating the table", _ => Task.FromResult(true));

    private static async Task<List<ReminderEntry>> ReadAsync(NpgsqlCommand cmd)
    {
        var list = new List<ReminderEntry>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                ReminderName = reader.GetString(1),
                StartAt = reader.GetDateTime(2),
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
            });
        }
        return list;
    }

    private const string Columns = "grain_id, reminder_name, start_at, period_ms, version";

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        _db.RunAsync($"reading the reminders of {grainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM {TableName} WHERE service_id = @s AND grain_id = @g", c);
            cmd.Parameters.AddWithValue("s", _serviceId);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            return new ReminderTableData(await ReadAsync(cmd));
        });

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        _db.RunAsync($"reading the reminders in ({begin}, {end}]", async c =>
        {
            // The range (begin, end] of the hash ring; begin >= end wraps around zero.
            string range = begin < end ? "grain_hash > @b AND grain_hash <= @e" : "(grain_hash > @b OR grain_hash <= @e)";
            await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM {TableName} WHERE service_id = @s AND {range}", c);
            cmd.Parameters.AddWithValue("s", _serviceId);
            cmd.Parameters.AddWithValue("b", (long)begin);
            cmd.Parameters.AddWithValue("e", (long)end);
            return new ReminderTableData(await ReadAsync(cmd));
        });

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        _db.RunAsync($"reading reminder {reminderName} of {grainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM {TableName} WHERE service_id = @s AND grain_id = @g AND reminder_name = @n", c);
            cmd.Parameters.AddWithValue("s", _serviceId);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            cmd.Parameters.AddWithValue("n", reminderName);
            return (await ReadAsync(cmd)).FirstOrDefault();
        });

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _db.RunAsync($"writing reminder {entry.ReminderName} of {entry.GrainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand(
                $"INSERT INTO {TableName} AS t (service_id, grain_id, reminder_name, grain_hash, start_at, period_ms, version) " +
                "VALUES (@s, @g, @n, @h, @a, @p, 1) ON CONFLICT (service_id, grain_id, reminder_name) " +
                "DO UPDATE SET start_at = EXCLUDED.start_at, period_ms = EXCLUDED.period_ms, version = t.version + 1 RETURNING version", c);
            cmd.Parameters.AddWithValue("s", _serviceId);
            cmd.Parameters.AddWithValue("g", entry.GrainId.ToString());
            cmd.Parameters.AddWithValue("n", entry.ReminderName);
            cmd.Parameters.AddWithValue("h", (long)entry.GrainId.GetUniformHashCode());
            cmd.Parameters.AddWithValue("a", DateTime.SpecifyKind(entry.StartAt.ToUniversalTime(), DateTimeKind.Utc));
            cmd.Parameters.AddWithValue("p", (long)entry.Period.TotalMilliseconds);
            long version = (long)(await cmd.ExecuteScalarAsync())!;
            return (string?)version.ToString(CultureInfo.InvariantCulture);
        });
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        _db.RunAsync($"removing reminder {reminderName} of {grainId}", async c =>
        {
            if (!long.TryParse(eTag, NumberStyles.Integer, CultureInfo.InvariantCulture, out long version)) return false;
            await using var cmd = new NpgsqlCommand($"DELETE FROM {TableName} WHERE service_id = @s AND grain_id = @g AND reminder_name = @n AND version = @v", c);
            cmd.Parameters.AddWithValue("s", _serviceId);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            cmd.Parameters.AddWithValue("n", reminderName);
            cmd.Parameters.AddWithValue("v", version);
            return await cmd.ExecuteNonQueryAsync() == 1;
        });

    /// <inheritdoc />
    public Task TestOnlyClearTable() =>
        _db.RunAsync("clearing the table", async c =>
        {
            await using var cmd = new NpgsqlCommand($"DELETE FROM {TableName} WHERE service_id = @s", c);
            cmd.Parameters.AddWithValue("s", _serviceId);
            return await cmd.ExecuteNonQueryAsync();
        });
}
