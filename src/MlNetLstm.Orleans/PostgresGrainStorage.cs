using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace MlNetLstm.Orleans;

/// <summary>
/// Orleans grain storage in PostgreSQL through ADO.NET (Npgsql): one row per (service, grain) in the table
/// <see cref="TableName"/> (created on first use), keyed by (service_id, state_name, grain_id) where service_id is the silo's
/// <see cref="ClusterOptions.ServiceId"/>, so services sharing one database never read or overwrite each other's rows. The state is
/// serialised by Orleans, with optimistic concurrency on an integer ETag (a write with a stale ETag fails with
/// <see cref="InconsistentStateException"/>, so two activations never overwrite each other).
/// </summary>
/// <remarks>
/// A table of the previous layout (no service_id column, key (state_name, grain_id)) is upgraded in place on first use, in one
/// transaction under a PostgreSQL advisory lock (so silos starting together upgrade it once): every existing row is kept and
/// attributed to <see cref="LegacyServiceId"/>.
/// </remarks>
public sealed class PostgresGrainStorage : IGrainStorage, IDisposable
{
    /// <summary>The table holding grain state.</summary>
    public const string TableName = "mlnetlstm_grain_state";

    /// <summary>
    /// The service id the rows of a table of the previous layout (no service_id column) are given when it is upgraded: "mlnetlstm",
    /// the only service id that version's silos (<c>mlnetlstm serve</c>) ran under. A fact about the past: it stays "mlnetlstm" even
    /// if <see cref="SiloSettings.DefaultServiceId"/> changes.
    /// </summary>
    public const string LegacyServiceId = "mlnetlstm";

    /// <summary>Key of the transaction-level advisory lock held while the table is created or upgraded ("mlnetlst" in ASCII).</summary>
    private const long SchemaLockKey = 0x6D6C_6E65_746C_7374;

    private readonly PostgresConnector _db;
    private readonly Serializer _serializer;
    private readonly ILogger _log;
    private readonly string _serviceId;

    /// <summary>The connection string this storage writes to.</summary>
    internal string ConnectionString => _db.ConnectionString;

    /// <summary>The service id whose rows this storage reads and writes.</summary>
    internal string ServiceId => _serviceId;

    /// <summary>Releases the connector.</summary>
    public void Dispose() => _db.Dispose();

    /// <summary>Creates the storage.</summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="cluster">Cluster options: rows are kept per <see cref="ClusterOptions.ServiceId"/> (not empty).</param>
    /// <param name="serializer">Orleans' serializer.</param>
    /// <param name="log">Logger.</param>
    public PostgresGrainStorage(string connectionString, IOptions<ClusterOptions> cluster, Serializer serializer, ILogger<PostgresGrainStorage> log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(cluster);
        if (string.IsNullOrWhiteSpace(cluster.Value.ServiceId))
            throw new ArgumentException("ClusterOptions.ServiceId is empty: the grain state rows are kept per service id.", nameof(cluster));
        _serviceId = cluster.Value.ServiceId;
        _db = new PostgresConnector(connectionString, "grain storage", (c, ct) => EnsureSchemaAsync(c, log, ct), log);
        _serializer = serializer;
        _log = log;
    }

    /// <summary>
    /// Opens a connection and creates the table if it is missing (or upgrades a table of the previous layout); throws
    /// <see cref="InvalidOperationException"/> naming the server and database when PostgreSQL cannot be reached.
    /// </summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static Task EnsureReachableAsync(string connectionString, CancellationToken cancellationToken = default) =>
        CheckReachableAsync(connectionString, createSchema: true, cancellationToken);

    /// <summary>
    /// Opens a fresh connection (and with <paramref name="createSchema"/> creates or upgrades the table; without it runs only
    /// <c>SELECT 1</c>, as the health endpoint and clients need); throws as <see cref="EnsureReachableAsync"/> does.
    /// </summary>
    internal static async Task CheckReachableAsync(string connectionString, bool createSchema, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder b;
        try { b = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException ex) { throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message}", nameof(connectionString), ex); }
        try
        {
            // A connection of its own (not from the pool, which may hold connections to a server process that has since restarted),
            // so the answer is about the server now.
            await using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await c.OpenAsync(cancellationToken);
            if (createSchema)
            {
                await EnsureSchemaAsync(c, null, cancellationToken);
            }
            else
            {
                await using var ping = new NpgsqlCommand("SELECT 1", c);
                await ping.ExecuteScalarAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException($"PostgreSQL is unreachable at host '{b.Host}', port {b.Port}, database '{b.Database}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Creates <see cref="TableName"/> if it is missing, or upgrades a table of the previous layout (no service_id column) in place:
    /// the column is added with every existing row attributed to <see cref="LegacyServiceId"/>, and the primary key becomes
    /// (service_id, state_name, grain_id). One transaction holding an advisory lock, so concurrent callers (silos starting together)
    /// wait for each other and the upgrade runs once; a second call finds the new layout and changes nothing.
    /// </summary>
    /// <returns>True when this call upgraded a table of the previous layout.</returns>
    internal static async Task<bool> EnsureSchemaAsync(NpgsqlConnection c, ILogger? log, CancellationToken ct)
    {
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", c, tx))
        {
            cmd.Parameters.AddWithValue("k", SchemaLockKey);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {TableName} (service_id text NOT NULL, state_name text NOT NULL, grain_id text NOT NULL, etag bigint NOT NULL, " +
            "payload bytea NOT NULL, updated_utc timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (service_id, state_name, grain_id))", c, tx))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // The table the unqualified name resolves to (the search path), as every statement of this class resolves it.
        bool legacy;
        await using (var cmd = new NpgsqlCommand(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attname = 'service_id' AND NOT attisdropped)", c, tx))
        {
            cmd.Parameters.AddWithValue("t", TableName);
            legacy = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }
        if (!legacy)
        {
            await tx.CommitAsync(ct);
            return false;
        }
        string primaryKey;
        await using (var cmd = new NpgsqlCommand("SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(@t) AND contype = 'p'", c, tx))
        {
            cmd.Parameters.AddWithValue("t", TableName);
            primaryKey = (string?)await cmd.ExecuteScalarAsync(ct)
                ?? throw new InvalidOperationException($"The table {TableName} of the previous layout has no primary key; it cannot be upgraded in place.");
        }
        string quotedKey = "\"" + primaryKey.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using (var cmd = new NpgsqlCommand(
            // ADD COLUMN with a constant default fills every existing row; the default is then dropped, so the upgraded table is the
            // table a new database gets and a write that does not name its service fails instead of landing in the legacy service.
            $"ALTER TABLE {TableName} ADD COLUMN service_id text NOT NULL DEFAULT '{LegacyServiceId}'; " +
            $"ALTER TABLE {TableName} ALTER COLUMN service_id DROP DEFAULT; " +
            $"ALTER TABLE {TableName} DROP CONSTRAINT {quotedKey}; " +
            $"ALTER TABLE {TableName} ADD PRIMARY KEY (service_id, state_name, grain_id)", c, tx))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        long rows;
        await using (var cmd = new NpgsqlCommand($"SELECT count(*) FROM {TableName}", c, tx))
        {
            rows = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await tx.CommitAsync(ct);
        log?.LogInformation("Upgraded the PostgreSQL table {Table} to the per-service layout: its {Rows} rows belong to service id '{ServiceId}'",
            TableName, rows, LegacyServiceId);
        return true;
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _db.RunAsync($"reading {stateName} of {grainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand($"SELECT etag, payload FROM {TableName} WHERE service_id = @v AND state_name = @s AND grain_id = @g", c);
            cmd.Parameters.AddWithValue("v", _serviceId);
            cmd.Parameters.AddWithValue("s", stateName);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            await using var reader = await cmd.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
                return true;
            }
            long etag = reader.GetInt64(0);
            byte[] payload = (byte[])reader[1];
            grainState.State = _serializer.Deserialize<T>(payload);
            grainState.ETag = etag.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return true;
        });

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        byte[] payload = _serializer.SerializeToArray(grainState.State);
        long? current = grainState.ETag is null ? null : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        long next = (current ?? 0) + 1;
        int rows = await _db.RunAsync($"writing {stateName} of {grainId}", async c =>
        {
            await using var cmd = current is null
                ? new NpgsqlCommand($"INSERT INTO {TableName} (service_id, state_name, grain_id, etag, payload) VALUES (@v, @s, @g, 1, @p) ON CONFLICT DO NOTHING", c)
                : new NpgsqlCommand($"UPDATE {TableName} SET etag = @n, payload = @p, updated_utc = now() WHERE service_id = @v AND state_name = @s AND grain_id = @g AND etag = @e", c);
            if (current is not null)
            {
                cmd.Parameters.AddWithValue("e", current.Value);
                cmd.Parameters.AddWithValue("n", next);
            }
            cmd.Parameters.AddWithValue("v", _serviceId);
            cmd.Parameters.AddWithValue("s", stateName);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            cmd.Parameters.AddWithValue("p", payload);
            return await cmd.ExecuteNonQueryAsync();
        });
        if (rows != 1)
        {
            _log.LogWarning("Stale ETag writing {State} of {Grain}", stateName, grainId);
            throw new InconsistentStateException($"The stored state of {grainId} ({stateName}) changed since it was read (ETag {grainState.ETag ?? "none"}).");
        }
        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _db.RunAsync($"clearing {stateName} of {grainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand($"DELETE FROM {TableName} WHERE service_id = @v AND state_name = @s AND grain_id = @g", c);
            cmd.Parameters.AddWithValue("v", _serviceId);
            cmd.Parameters.AddWithValue("s", stateName);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            return await cmd.ExecuteNonQueryAsync();
        });
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }
}
