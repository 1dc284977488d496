using Microsoft.Extensions.Logging;
using Npgsql;

namespace MlNetLstm.Orleans;

/// <summary>
/// Connections to one PostgreSQL database for the Orleans providers of this assembly (<see cref="PostgresGrainStorage"/>,
/// <see cref="PostgresReminderTable"/>, <see cref="PostgresMembershipTable"/>, <see cref="PostgresGatewayListProvider"/>): creates the
/// provider's tables on first use (a creation that races another process's is run again), retries once on a fresh connection after a
/// connection failure and turns Npgsql's exceptions, which have no Orleans codec, into <see cref="OrleansException"/>s naming the server.
/// </summary>
internal sealed class PostgresConnector : IDisposable
{
    private readonly Func<NpgsqlConnection, CancellationToken, Task> _createSchema;
    private readonly SemaphoreSlim _schema = new(1, 1);
    private readonly ILogger _log;
    private readonly string _what;
    private bool _schemaReady;

    public PostgresConnector(string connectionString, string what, Func<NpgsqlConnection, CancellationToken, Task> createSchema, ILogger log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = connectionString;
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        Where = $"host '{b.Host}', port {b.Port}, database '{b.Database}'";
        _what = what;
        _createSchema = createSchema;
        _log = log;
    }

    public string ConnectionString { get; }

    /// <summary>"host 'h', port p, database 'd'".</summary>
    public string Where { get; }

    public void Dispose() => _schema.Dispose();

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var c = new NpgsqlConnection(ConnectionString);
        try
        {
            await c.OpenAsync(ct);
            if (!_schemaReady)
            {
                await _schema.WaitAsync(ct);
                try
                {
                    if (!_schemaReady)
                    {
                        try { await _createSchema(c, ct); }
                        catch (PostgresException ex) when (IsConcurrentCreate(ex))
                        {
                            // Another process created the table at the same moment (silos starting together); now it exists.
                            await _createSchema(c, ct);
                        }
                        _schemaReady = true;
                    }
                }
                finally { _schema.Release(); }
            }
            return c;
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection. A connection-level failure (the server restarted or dropped the
    /// connection: Npgsql's pool still holds connections to the old server process, and the first command on each fails) clears this
    /// pool and runs the work once more on a fresh connection. Callers make that safe for writes (a version or ETag guards every
    /// write, so a retried write that had reached the database changes nothing and is reported as a conflict, never as done).
    /// </summary>
    public async Task<TResult> RunAsync<TResult>(string operation, Func<NpgsqlConnection, Task<TResult>> work, CancellationToken ct = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            NpgsqlConnection? c = null;
            try
            {
                c = await OpenAsync(ct);
                return await work(c);
            }
            catch (Exception ex) when (attempt == 1 && IsConnectionFailure(ex))
            {
                _log.LogWarning(ex, "PostgreSQL connection failed while {What}; clearing the connection pool and retrying once on a fresh connection", operation);
                using var forPool = new NpgsqlConnection(ConnectionString);
                NpgsqlConnection.ClearPool(forPool);
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                _log.LogError(ex, "PostgreSQL {Provider}: {What} failed", _what, operation);
                throw new OrleansException($"PostgreSQL {_what} ({Where}): {operation} failed: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                if (c is not null) await c.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// True for the errors PostgreSQL gives a <c>CREATE TABLE IF NOT EXISTS</c> that races another session creating the same table
    /// (the catalog's unique index on the table's row type, or the type itself): the table exists once the other session commits.
    /// </summary>
    public static bool IsConcurrentCreate(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject;

    /// <summary>True for a failure of the connection rather than of the statement: I/O errors, and the server shutting down or not accepting connections yet.</summary>
    public static bool IsConnectionFailure(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        System.Net.Sockets.SocketException or IOException => true,
        _ => false,
    };
}
