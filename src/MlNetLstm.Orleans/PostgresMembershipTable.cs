using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace MlNetLstm.Orleans;

/// <summary>
/// Orleans cluster membership in PostgreSQL (Npgsql; our own schema, created on first use, no script to run): one row per cluster in
/// <see cref="VersionTableName"/> (the table version and its ETag) and one row per silo incarnation (address, port, generation) in
/// <see cref="TableName"/>, with the silo's status, gateway port, names, start, I-am-alive and suspect times and an integer row ETag.
/// Rows are keyed by <see cref="ClusterOptions.ClusterId"/>, as Orleans' own membership providers key them: one cluster id names one
/// membership; the <see cref="ClusterOptions.ServiceId"/> (which outlives clusters and keys the grain state) is not part of it.
/// </summary>
/// <remarks>
/// The Orleans contract: <see cref="InsertRow"/> and <see cref="UpdateRow"/> succeed only when the table version passed is the stored
/// version + 1 with the stored version's ETag (<see cref="TableVersion.Next"/> of the version read) and, for an update, the row's ETag
/// is the stored one; the row write and the version bump are one transaction, and a failed condition returns false with nothing
/// changed. Concurrent writers queue on the cluster's version row, so of several writes made from the same version exactly one
/// succeeds. <see cref="UpdateIAmAlive"/> writes only the I-am-alive time (no version or ETag change).
/// </remarks>
public sealed class PostgresMembershipTable : IMembershipTable, IDisposable
{
    /// <summary>The table holding each cluster's membership version.</summary>
    public const string VersionTableName = "mlnetlstm_membership_version";

    /// <summary>The table holding one row per silo incarnation.</summary>
    public const string TableName = "mlnetlstm_membership";

    private readonly PostgresConnector _db;
    private readonly ILogger _log;
    private readonly string _clusterId;

    /// <summary>Creates the table provider.</summary>
    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="cluster">Cluster options (the membership is kept per <see cref="ClusterOptions.ClusterId"/>).</param>
    /// <param name="log">Logger.</param>
    public PostgresMembershipTable(string connectionString, IOptions<ClusterOptions> cluster, ILogger<PostgresMembershipTable> log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(log);
        _clusterId = cluster.Value.ClusterId;
        ArgumentException.ThrowIfNullOrWhiteSpace(_clusterId, "cluster.Value.ClusterId");
        _log = log;
        _db = new PostgresConnector(connectionString, "membership table", CreateSchemaAsync, log);
    }

    /// <summary>The connection string this table reads and writes.</summary>
    internal string ConnectionString => _db.ConnectionString;

    /// <summary>Releases the connector.</summary>
    public void Dispose() => _db.Dispose();

    /// <summary>Creates both tables if they are missing (idempotent; safe when several silos start at once).</summary>
    internal static async Task CreateSchemaAsync(NpgsqlConnection c, CancellationToken ct)
    {
        string[] statements =
        [
            $"CREATE TABLE IF NOT EXISTS {VersionTableName} (cluster_id text PRIMARY KEY, version integer NOT NULL, etag text NOT NULL, " +
            "updated_utc timestamptz NOT NULL DEFAULT now())",
            $"CREATE TABLE IF NOT EXISTS {TableName} (cluster_id text NOT NULL, address text NOT NULL, port integer NOT NULL, " +
            "generation integer NOT NULL, status text NOT NULL, proxy_port integer NOT NULL, silo_name text NOT NULL, host_name text NOT NULL, " +
            "role_name text NULL, update_zone integer NOT NULL, fault_zone integer NOT NULL, start_time timestamptz NOT NULL, " +
            "i_am_alive_time timestamptz NOT NULL, suspecting_silos text[] NULL, suspect_times timestamptz[] NULL, etag bigint NOT NULL, " +
            "PRIMARY KEY (cluster_id, address, port, generation))",
        ];
        foreach (string sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            try { await cmd.ExecuteNonQueryAsync(ct); }
            catch (PostgresException ex) when (PostgresConnector.IsConcurrentCreate(ex)) { /* created concurrently */ }
        }
    }

    /// <inheritdoc />
    public Task InitializeMembershipTable(bool tryInitTableVersion) =>
        _db.RunAsync($"initialising the membership of cluster '{_clusterId}'", async c =>
        {
            if (!tryInitTableVersion) return false;
            await using var cmd = new NpgsqlCommand(
                $"INSERT INTO {VersionTableName} (cluster_id, version, etag) VALUES (@c, 0, @e) ON CONFLICT (cluster_id) DO NOTHING", c);
            cmd.Parameters.AddWithValue("c", _clusterId);
            cmd.Parameters.AddWithValue("e", NewEtag());
            bool created = await cmd.ExecuteNonQueryAsync() == 1;
            if (created) _log.LogInformation("Created the membership version row of cluster {ClusterId} in {Table}", _clusterId, VersionTableName);
            return created;
        });

    /// <inheritdoc />
    public Task DeleteMembershipTableEntries(string clusterId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        return _db.RunAsync($"deleting the membership of cluster '{clusterId}'", async c =>
        {
            await using var tx = await c.BeginTransactionAsync();
            await using (var rows = new NpgsqlCommand($"DELETE FROM {TableName} WHERE cluster_id = @c", c, tx))
            {
                rows.Parameters.AddWithValue("c", clusterId);
                await rows.ExecuteNonQueryAsync();
            }
            await using (var version = new NpgsqlCommand($"DELETE FROM {VersionTableName} WHERE cluster_id = @c", c, tx))
            {
                version.Parameters.AddWithValue("c", clusterId);
                await version.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
            return true;
        });
    }

    /// <summary>
    /// Deletes the rows of this cluster's silos that are not Active and whose latest sign of life (start, I-am-alive or a suspicion
    /// vote against it, so a silo recently declared dead is kept) is before <paramref name="beforeDate"/>.
    /// </summary>
    /// <param name="beforeDate">The cut-off.</param>
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) =>
        _db.RunAsync($"deleting defunct silos of cluster '{_clusterId}'", async c =>
        {
            await using var cmd = new NpgsqlCommand(
                $"DELETE FROM {TableName} WHERE cluster_id = @c AND status <> @active " +
                "AND greatest(start_time, i_am_alive_time, (SELECT max(t) FROM unnest(suspect_times) AS t)) < @before", c);
            cmd.Parameters.AddWithValue("c", _clusterId);
            cmd.Parameters.AddWithValue("active", nameof(SiloStatus.Active));
            cmd.Parameters.AddWithValue("before", beforeDate.UtcDateTime);
            int deleted = await cmd.ExecuteNonQueryAsync();
            if (deleted > 0) _log.LogInformation("Deleted {Count} defunct silo rows of cluster {ClusterId} (last alive before {Before:O})", deleted, _clusterId, beforeDate);
            return deleted;
        });

    private const string Columns =
        "m.address, m.port, m.generation, m.status, m.proxy_port, m.silo_name, m.host_name, m.role_name, m.update_zone, m.fault_zone, " +
        "m.start_time, m.i_am_alive_time, m.suspecting_silos, m.suspect_times, m.etag";

    /// <summary>
    /// The version and the rows in one statement (one snapshot): the version row left-joined to the rows asked for. No version row
    /// (the table was never initialised for this cluster, or its entries were deleted) reads as version 0 with an empty ETag, which no
    /// write accepts.
    /// </summary>
    private async Task<MembershipTableData> ReadAsync(NpgsqlConnection c, SiloAddress? only)
    {
        string filter = only is null ? "" : " AND m.address = @a AND m.port = @p AND m.generation = @g";
        await using var cmd = new NpgsqlCommand(
            $"SELECT v.version, v.etag, {Columns} FROM {VersionTableName} v LEFT JOIN {TableName} m ON m.cluster_id = v.cluster_id{filter} " +
            "WHERE v.cluster_id = @c", c);
        cmd.Parameters.AddWithValue("c", _clusterId);
        if (only is not null) AddKey(cmd, only);
        var rows = new List<Tuple<MembershipEntry, string>>();
        TableVersion version = new(0, "");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            version = new TableVersion(reader.GetInt32(0), reader.GetString(1));
            if (reader.IsDBNull(2)) continue;
            var entry = new MembershipEntry
            {
                SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Parse(reader.GetString(2)), reader.GetInt32(3)), reader.GetInt32(4)),
                Status = Enum.Parse<SiloStatus>(reader.GetString(5)),
                ProxyPort = reader.GetInt32(6),
                SiloName = reader.GetString(7),
                HostName = reader.GetString(8),
                RoleName = reader.IsDBNull(9) ? null : reader.GetString(9),
                UpdateZone = reader.GetInt32(10),
                FaultZone = reader.GetInt32(11),
                StartTime = reader.GetDateTime(12),
                IAmAliveTime = reader.GetDateTime(13),
            };
            if (!reader.IsDBNull(14))
            {
                string[] silos = reader.GetFieldValue<string[]>(14);
                DateTime[] times = reader.GetFieldValue<DateTime[]>(15);
                entry.SuspectTimes = silos.Zip(times, (s, t) => Tuple.Create(SiloAddress.FromParsableString(s), t)).ToList();
            }
            rows.Add(Tuple.Create(entry, reader.GetInt64(16).ToString(CultureInfo.InvariantCulture)));
        }
        return new MembershipTableData(rows, version);
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _db.RunAsync($"reading the membership row of {key} in cluster '{_clusterId}'", c => ReadAsync(c, key));
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAll() =>
        _db.RunAsync($"reading the membership of cluster '{_clusterId}'", c => ReadAsync(c, null));

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return _db.RunAsync($"inserting the membership row of {entry.SiloAddress} in cluster '{_clusterId}' at version {tableVersion.Version}", c =>
            WriteRowAsync(c, tableVersion, entry, null,
                $"INSERT INTO {TableName} (cluster_id, address, port, generation, status, proxy_port, silo_name, host_name, role_name, " +
                "update_zone, fault_zone, start_time, i_am_alive_time, suspecting_silos, suspect_times, etag) " +
                "VALUES (@c, @a, @p, @g, @status, @proxy, @silo, @host, @role, @uz, @fz, @start, @alive, @silos, @times, 1) " +
                "ON CONFLICT (cluster_id, address, port, generation) DO NOTHING")); // false: the silo has a row already
    }

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return _db.RunAsync($"updating the membership row of {entry.SiloAddress} in cluster '{_clusterId}' at version {tableVersion.Version}", async c =>
        {
            if (!long.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out long rowEtag)) return false;
            return await WriteRowAsync(c, tableVersion, entry, rowEtag,
                $"UPDATE {TableName} SET status = @status, proxy_port = @proxy, silo_name = @silo, host_name = @host, role_name = @role, " +
                "update_zone = @uz, fault_zone = @fz, start_time = @start, i_am_alive_time = @alive, suspecting_silos = @silos, " +
                "suspect_times = @times, etag = etag + 1 " +
                "WHERE cluster_id = @c AND address = @a AND port = @p AND generation = @g AND etag = @etag"); // false: no such row, or its ETag changed
        });
    }

    /// <summary>
    /// One transaction: bumps the table version to <paramref name="tableVersion"/> (<see cref="BumpVersionAsync"/>) and runs
    /// <paramref name="sql"/> on <paramref name="entry"/>'s row (parameters @c, the key @a @p @g, the values, and @etag when
    /// <paramref name="rowEtag"/> is given). Commits only when both changed exactly one row; otherwise disposing the transaction
    /// rolls it back and the answer is false.
    /// </summary>
    private async Task<bool> WriteRowAsync(NpgsqlConnection c, TableVersion tableVersion, MembershipEntry entry, long? rowEtag, string sql)
    {
        await using var tx = await c.BeginTransactionAsync();
        if (!await BumpVersionAsync(c, tx, tableVersion)) return false;
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.Parameters.AddWithValue("c", _clusterId);
        AddKey(cmd, entry.SiloAddress);
        AddValues(cmd, entry);
        if (rowEtag is long e) cmd.Parameters.AddWithValue("etag", e);
        if (await cmd.ExecuteNonQueryAsync() != 1) return false;
        await tx.CommitAsync();
        return true;
    }

    /// <summary>
    /// Writes <paramref name="entry"/>'s I-am-alive time into its silo's row, and nothing else (no ETag or table version change).
    /// Throws <see cref="OrleansException"/> when the silo has no row.
    /// </summary>
    /// <param name="entry">The silo (its address) and its I-am-alive time.</param>
    public Task UpdateIAmAlive(MembershipEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _db.RunAsync($"updating the I-am-alive time of {entry.SiloAddress} in cluster '{_clusterId}'", async c =>
        {
            await using var cmd = new NpgsqlCommand(
                $"UPDATE {TableName} SET i_am_alive_time = @alive WHERE cluster_id = @c AND address = @a AND port = @p AND generation = @g", c);
            cmd.Parameters.AddWithValue("c", _clusterId);
            AddKey(cmd, entry.SiloAddress);
            cmd.Parameters.AddWithValue("alive", Utc(entry.IAmAliveTime));
            if (await cmd.ExecuteNonQueryAsync() != 1)
                throw new OrleansException($"PostgreSQL membership table ({_db.Where}): silo {entry.SiloAddress} has no row in cluster '{_clusterId}' to update its I-am-alive time.");
            return true;
        });
    }

    /// <summary>
    /// Sets the cluster's version to <paramref name="next"/> with a new ETag if the stored version is <c>next.Version - 1</c> with ETag
    /// <c>next.VersionEtag</c>. The update locks the version row until the transaction ends, so writers of one cluster queue here and
    /// each sees the version its predecessor committed.
    /// </summary>
    private async Task<bool> BumpVersionAsync(NpgsqlConnection c, NpgsqlTransaction tx, TableVersion next)
    {
        await using var cmd = new NpgsqlCommand(
            $"UPDATE {VersionTableName} SET version = @v, etag = @newEtag, updated_utc = now() WHERE cluster_id = @c AND version = @v - 1 AND etag = @etag", c, tx);
        cmd.Parameters.AddWithValue("c", _clusterId);
        cmd.Parameters.AddWithValue("v", next.Version);
        cmd.Parameters.AddWithValue("etag", next.VersionEtag ?? "");
        cmd.Parameters.AddWithValue("newEtag", NewEtag());
        return await cmd.ExecuteNonQueryAsync() == 1;
    }

    private static void AddKey(NpgsqlCommand cmd, SiloAddress silo)
    {
        cmd.Parameters.AddWithValue("a", silo.Endpoint.Address.ToString());
        cmd.Parameters.AddWithValue("p", silo.Endpoint.Port);
        cmd.Parameters.AddWithValue("g", silo.Generation);
    }

    private static void AddValues(NpgsqlCommand cmd, MembershipEntry e)
    {
        cmd.Parameters.AddWithValue("status", e.Status.ToString());
        cmd.Parameters.AddWithValue("proxy", e.ProxyPort);
        cmd.Parameters.AddWithValue("silo", e.SiloName ?? "");
        cmd.Parameters.AddWithValue("host", e.HostName ?? "");
        cmd.Parameters.Add(new NpgsqlParameter("role", NpgsqlDbType.Text) { Value = (object?)e.RoleName ?? DBNull.Value });
        cmd.Parameters.AddWithValue("uz", e.UpdateZone);
        cmd.Parameters.AddWithValue("fz", e.FaultZone);
        cmd.Parameters.AddWithValue("start", Utc(e.StartTime));
        cmd.Parameters.AddWithValue("alive", Utc(e.IAmAliveTime));
        cmd.Parameters.Add(new NpgsqlParameter("silos", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = e.SuspectTimes is null ? DBNull.Value : (object)e.SuspectTimes.Select(s => s.Item1.ToParsableString()).ToArray(),
        });
        cmd.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = e.SuspectTimes is null ? DBNull.Value : (object)e.SuspectTimes.Select(s => Utc(s.Item2)).ToArray(),
        });
    }

    /// <summary>Orleans' membership times are UTC (<see cref="DateTime.UtcNow"/>); an unspecified kind is read as UTC, a local time converted.</summary>
    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static string NewEtag() => Guid.NewGuid().ToString("N");
}
