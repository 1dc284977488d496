using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace MlNetLstm.Orleans;

/// <summary>
/// Orleans grain storage in PostgreSQL through ADO.NET (Npgsql): one row per grain in the table
/// <see cref="TableName"/> (created on first use), the state serialised by Orleans, optimistic concurrency on an integer ETag
/// (a write with a stale ETag fails with <see cref="InconsistentStateException"/>, so two activations never overwrite each other).
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IDisposable
{
    /// <summary>The table holding grain state.</summary>
    public const string TableName = "mlnetlstm_grain_state";

    private readonly PostgresConnector _db;
    private readonly Serializer _serializer;
    private readonly ILogger _log;

    /// <summary>The connection string this storage writes to.</summary>
    internal string ConnectionString => _db.ConnectionString;

    /// <summary>Releases the connector.</summary>
    public void Dispose() => _db.Dispose();

    /// <summary>Creates the storage.</summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="serializer">Orleans' serializer.</param>
    /// <param name="log">Logger.</param>
    public PostgresGrainStorage(string connectionString, Serializer serializer, ILogger<PostgresGrainStorage> log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _db = new PostgresConnector(connectionString, "grain storage", CreateSchemaAsync, log);
        _serializer = serializer;
        _log = log;
    }

    /// <summary>
    /// Opens a connection and creates the table if it is missing; throws <see cref="InvalidOperationException"/> naming the
    /// server and database when PostgreSQL cannot be reached.
    /// </summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static async Task EnsureReachableAsync(string connectionString, CancellationToken cancellationToken = default)
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
            try { await CreateSchemaAsync(c, cancellationToken); }
            catch (PostgresException ex) when (PostgresConnector.IsConcurrentCreate(ex)) { await CreateSchemaAsync(c, cancellationToken); } // two silos starting together
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException($"PostgreSQL is unreachable at host '{b.Host}', port {b.Port}, database '{b.Database}': {ex.Message}", ex);
        }
    }

    private static async Task CreateSchemaAsync(NpgsqlConnection c, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {TableName} (state_name text NOT NULL, grain_id text NOT NULL, etag bigint NOT NULL, " +
            "payload bytea NOT NULL, updated_utc timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (state_name, grain_id))", c);
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable) { /* created concurrently */ }
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _db.RunAsync($"reading {stateName} of {grainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand($"SELECT etag, payload FROM {TableName} WHERE state_name = @s AND grain_id = @g", c);
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
            grainState.ETag = etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return true;
        });

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        byte[] payload = _serializer.SerializeToArray(grainState.State);
        long? current = grainState.ETag is null ? null : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        long next = (current ?? 0) + 1;
        int rows = await _db.RunAsync($"writing {stateName} of {grainId}", async c =>
        {
            await using var cmd = current is null
                ? new NpgsqlCommand($"INSERT INTO {TableName} (state_name, grain_id, etag, payload) VALUES (@s, @g, 1, @p) ON CONFLICT DO NOTHING", c)
                : new NpgsqlCommand($"UPDATE {TableName} SET etag = @n, payload = @p, updated_utc = now() WHERE state_name = @s AND grain_id = @g AND etag = @e", c);
            if (current is not null)
            {
                cmd.Parameters.AddWithValue("e", current.Value);
                cmd.Parameters.AddWithValue("n", next);
            }
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
        grainState.ETag = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _db.RunAsync($"clearing {stateName} of {grainId}", async c =>
        {
            await using var cmd = new NpgsqlCommand($"DELETE FROM {TableName} WHERE state_name = @s AND grain_id = @g", c);
            cmd.Parameters.AddWithValue("s", stateName);
            cmd.Parameters.AddWithValue("g", grainId.ToString());
            return await cmd.ExecuteNonQueryAsync();
        });
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }
}
