using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;

namespace MlNetLstm.Orleans.Tests;

/// <summary>
/// <see cref="PostgresMembershipTable"/> and <see cref="PostgresGatewayListProvider"/> against Orleans' membership-table contract
/// (the semantics of Orleans' own MembershipTableTestsBase, plus what it leaves implicit: failed writes change nothing, clusters are
/// isolated, concurrent writers from one version: exactly one wins). One throwaway PostgreSQL for the class; each test its own
/// cluster id.
/// </summary>
public sealed class MembershipTableTests(PostgresServer pg) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N");
    private readonly List<IDisposable> _owned = [];
    private int _generation;

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }

    private PostgresMembershipTable Table(string? clusterId = null)
    {
        var t = new PostgresMembershipTable(pg.ConnectionString, Options.Create(new ClusterOptions { ClusterId = clusterId ?? _clusterId, ServiceId = "svc" }),
            NullLogger<PostgresMembershipTable>.Instance);
        _owned.Add(t);
        return t;
    }

    private async Task<PostgresMembershipTable> Initialized(string? clusterId = null)
    {
        var t = Table(clusterId);
        await t.InitializeMembershipTable(true);
        return t;
    }

    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    private SiloAddress NewSilo(int port = 12345) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), Interlocked.Increment(ref _generation));

    private MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, int port = 12345) => new()
    {
        SiloAddress = NewSilo(port),
        HostName = "host-a",
        SiloName = "silo-" + _generation,
        Status = status,
        ProxyPort = 30000 + _generation,
        RoleName = "role",
        UpdateZone = 2,
        FaultZone = 3,
        StartTime = Now(),
        IAmAliveTime = Now(),
    };

    private async Task<int> Count(string sql, params (string Name, object Value)[] args)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_new_cluster_reads_empty_at_version_0_and_the_tables_are_created_by_the_provider()
    {
        var t = await Initialized();
        var data = await t.ReadAll();
        data.Members.Should().BeEmpty();
        data.Version.Version.Should().Be(0);
        data.Version.VersionEtag.Should().NotBeNullOrEmpty();
        (await Count("SELECT count(*) FROM information_schema.tables WHERE table_name IN (@a, @b)",
            ("a", PostgresMembershipTable.TableName), ("b", PostgresMembershipTable.VersionTableName))).Should().Be(2);
        // A second initialisation (another silo starting) keeps the version row as it is.
        await (await Initialized()).InitializeMembershipTable(true);
        (await t.ReadAll()).Version.Should().Be(data.Version);
    }

    [Fact]
    public async Task InsertRow_at_the_next_version_stores_every_field_and_changes_the_version_etag()
    {
        var t = await Initialized();
        var v0 = (await t.ReadAll()).Version;
        var entry = NewEntry();
        entry.SuspectTimes = [Tuple.Create(NewSilo(4000), Now().AddSeconds(-2)), Tuple.Create(NewSilo(4001), Now().AddSeconds(-1))];
        (await t.InsertRow(entry, v0.Next())).Should().BeTrue();

        var data = await t.ReadAll();
        data.Version.Version.Should().Be(1);
        data.Version.VersionEtag.Should().NotBe(v0.VersionEtag);
        data.Members.Should().ContainSingle();
        var (read, etag) = data.Members[0];
        etag.Should().NotBeNullOrEmpty();
        read.ToFullString().Should().Be(entry.ToFullString());
        read.SuspectTimes.Should().Equal(entry.SuspectTimes);
        read.StartTime.Should().Be(entry.StartTime);
        read.IAmAliveTime.Should().Be(entry.IAmAliveTime);

        // No suspect list stays no suspect list (null, not empty).
        var plain = NewEntry();
        (await t.InsertRow(plain, data.Version.Next())).Should().BeTrue();
        (await t.ReadRow(plain.SiloAddress)).Members.Single().Item1.SuspectTimes.Should().BeNull();
    }

    [Fact]
    public async Task InsertRow_fails_without_a_change_on_a_duplicate_a_stale_or_skipped_version_or_a_wrong_version_etag()
    {
        var t = await Initialized();
        var v0 = (await t.ReadAll()).Version;
        var entry = NewEntry();
        (await t.InsertRow(entry, v0.Next())).Should().BeTrue();
        var v1 = (await t.ReadAll()).Version;

        (await t.InsertRow(entry, v0.Next())).Should().BeFalse("same entry, old table version");
        (await t.InsertRow(NewEntry(), v0.Next())).Should().BeFalse("new entry, old table version");
        (await t.InsertRow(entry, v1.Next())).Should().BeFalse("duplicate entry at the right version");
        (await t.InsertRow(NewEntry(), new TableVersion(v1.Version + 2, v1.VersionEtag))).Should().BeFalse("a version skipped");
        (await t.InsertRow(NewEntry(), new TableVersion(v1.Version + 1, "not-the-etag"))).Should().BeFalse("the right number with a wrong etag");

        var after = await t.ReadAll();
        after.Version.Should().Be(v1, "a failed insert changes neither the version nor its etag (the duplicate's version bump was rolled back)");
        after.Members.Should().ContainSingle();
    }

    [Fact]
    public async Task UpdateRow_needs_the_next_version_and_the_row_etag_and_replaces_the_whole_entry()
    {
        var t = await Initialized();
        var entry = NewEntry();
        var v0 = (await t.ReadAll()).Version;
        (await t.InsertRow(entry, v0.Next())).Should().BeTrue();
        var data = await t.ReadAll();
        string etag = data.TryGet(entry.SiloAddress)!.Item2;

        var changed = NewEntry(SiloStatus.Active);
        changed.SiloAddress = entry.SiloAddress;
        changed.SuspectTimes = [Tuple.Create(NewSilo(4002), Now())];
        changed.HostName = "host-b";
        changed.RoleName = null;

        (await t.UpdateRow(changed, etag, data.Version)).Should().BeFalse("the current version, not the next");
        (await t.UpdateRow(changed, etag + "0", data.Version.Next())).Should().BeFalse("a wrong row etag");
        (await t.UpdateRow(changed, "not-a-number", data.Version.Next())).Should().BeFalse("a malformed row etag");
        (await t.UpdateRow(NewEntry(), etag, data.Version.Next())).Should().BeFalse("no such row");
        (await t.ReadAll()).Version.Should().Be(data.Version, "failed updates change nothing (the version bump is rolled back with the row)");

        (await t.UpdateRow(changed, etag, data.Version.Next())).Should().BeTrue();
        var after = await t.ReadAll();
        after.Version.Version.Should().Be(data.Version.Version + 1);
        var (read, newEtag) = after.TryGet(entry.SiloAddress)!;
        read.ToFullString().Should().Be(changed.ToFullString());
        read.RoleName.Should().BeNull();
        newEtag.Should().NotBe(etag);

        (await t.UpdateRow(changed, etag, after.Version.Next())).Should().BeFalse("the old row etag");
        (await t.UpdateRow(changed, newEtag, after.Version)).Should().BeFalse("the version already used");
        (await t.ReadAll()).TryGet(entry.SiloAddress)!.Item2.Should().Be(newEtag);
    }

    [Fact]
    public async Task UpdateIAmAlive_writes_only_the_alive_time()
    {
        var t = await Initialized();
        var entry = NewEntry();
        (await t.InsertRow(entry, (await t.ReadAll()).Version.Next())).Should().BeTrue();
        var before = await t.ReadAll();
        var alive = Now().AddSeconds(5);
        await t.UpdateIAmAlive(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive });

        var after = await t.ReadAll();
        after.Version.Should().Be(before.Version);
        var (read, etag) = after.Members.Single();
        etag.Should().Be(before.Members.Single().Item2);
        read.IAmAliveTime.Should().Be(alive);
        entry.IAmAliveTime = alive;
        read.ToFullString().Should().Be(entry.ToFullString(), "nothing but the alive time changed");

        var missing = new MembershipEntry { SiloAddress = NewSilo(), IAmAliveTime = alive };
        var act = () => t.UpdateIAmAlive(missing);
        (await act.Should().ThrowAsync<OrleansException>()).Which.Message.Should().Contain("has no row").And.Contain(_clusterId);
    }

    [Fact]
    public async Task ReadRow_returns_that_silo_alone_with_the_table_version()
    {
        var t = await Initialized();
        var a = NewEntry();
        var b = NewEntry();
        (await t.InsertRow(a, (await t.ReadAll()).Version.Next())).Should().BeTrue();
        (await t.InsertRow(b, (await t.ReadAll()).Version.Next())).Should().BeTrue();
        var all = await t.ReadAll();

        var row = await t.ReadRow(b.SiloAddress);
        row.Version.Should().Be(all.Version);
        row.Members.Should().ContainSingle();
        row.Members[0].Item1.ToFullString().Should().Be(b.ToFullString());
        row.Members[0].Item2.Should().Be(all.TryGet(b.SiloAddress)!.Item2);

        var none = await t.ReadRow(NewSilo());
        none.Members.Should().BeEmpty();
        none.Version.Should().Be(all.Version);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_deletes_old_rows_of_every_status_but_Active_and_keeps_recent_and_recently_suspected_ones()
    {
        var t = await Initialized();
        var old = new List<MembershipEntry>();
        foreach (var status in Enum.GetValues<SiloStatus>())
        {
            var e = NewEntry(status);
            e.StartTime = e.StartTime.AddDays(-10);
            e.IAmAliveTime = e.IAmAliveTime.AddDays(-10);
            old.Add(e);
        }
        var recent = NewEntry(SiloStatus.Dead);
        var declaredDeadRecently = NewEntry(SiloStatus.Dead);
        declaredDeadRecently.StartTime = declaredDeadRecently.StartTime.AddDays(-10);
        declaredDeadRecently.IAmAliveTime = declaredDeadRecently.IAmAliveTime.AddDays(-10);
        declaredDeadRecently.SuspectTimes = [Tuple.Create(NewSilo(4003), Now())];
        foreach (var e in old.Append(recent).Append(declaredDeadRecently))
            (await t.InsertRow(e, (await t.ReadAll()).Version.Next())).Should().BeTrue();
        var other = await Initialized("other-" + _clusterId);
        var otherOld = NewEntry(SiloStatus.Dead);
        otherOld.StartTime = otherOld.IAmAliveTime = Now().AddDays(-10);
        (await other.InsertRow(otherOld, (await other.ReadAll()).Version.Next())).Should().BeTrue();
        var before = await t.ReadAll();

        await t.CleanupDefunctSiloEntries(Now().AddDays(-7));

        var after = await t.ReadAll();
        after.Members.Select(m => m.Item1.SiloAddress).Should().BeEquivalentTo(
            [old.Single(e => e.Status == SiloStatus.Active).SiloAddress, recent.SiloAddress, declaredDeadRecently.SiloAddress]);
        after.Version.Should().Be(before.Version);
        (await other.ReadAll()).Members.Should().ContainSingle("another cluster's rows are not this cluster's to clean");
        await other.DeleteMembershipTableEntries("other-" + _clusterId);
    }

    [Fact]
    public async Task Two_cluster_ids_are_isolated_and_DeleteMembershipTableEntries_removes_one_cluster_only()
    {
        string otherId = "other-" + _clusterId;
        var a = await Initialized();
        var b = await Initialized(otherId);
        var ea = NewEntry(SiloStatus.Active);
        (await a.InsertRow(ea, (await a.ReadAll()).Version.Next())).Should().BeTrue();
        (await a.InsertRow(NewEntry(), (await a.ReadAll()).Version.Next())).Should().BeTrue();
        var eb = NewEntry(SiloStatus.Active);
        (await b.InsertRow(eb, (await b.ReadAll()).Version.Next())).Should().BeTrue();

        (await a.ReadAll()).Members.Should().HaveCount(2);
        (await a.ReadAll()).Version.Version.Should().Be(2);
        var bData = await b.ReadAll();
        bData.Members.Should().ContainSingle().Which.Item1.SiloAddress.Should().Be(eb.SiloAddress);
        bData.Version.Version.Should().Be(1);
        (await b.ReadRow(ea.SiloAddress)).Members.Should().BeEmpty();

        await b.DeleteMembershipTableEntries(_clusterId);
        var bAfter = await b.ReadAll();
        bAfter.Version.Should().Be(bData.Version, "deleting cluster A through B's provider leaves B alone");
        bAfter.Members.Select(m => (m.Item1.ToFullString(), m.Item2)).Should().Equal(bData.Members.Select(m => (m.Item1.ToFullString(), m.Item2)));
        var gone = await a.ReadAll();
        gone.Members.Should().BeEmpty();
        gone.Version.Version.Should().Be(0);
        (await a.InsertRow(NewEntry(), gone.Version.Next())).Should().BeFalse("no version row until the table is initialised again");
        await a.InitializeMembershipTable(true);
        (await a.InsertRow(NewEntry(), (await a.ReadAll()).Version.Next())).Should().BeTrue();
        await b.DeleteMembershipTableEntries(otherId);
    }

    [Fact]
    public async Task Concurrent_writes_from_one_version_exactly_one_wins()
    {
        var t = await Initialized();
        var v0 = (await t.ReadAll()).Version;
        // Twenty silos insert their own rows at the same version, on twenty connections at once.
        var entries = Enumerable.Range(0, 20).Select(_ => NewEntry()).ToArray();
        bool[] inserted = await Task.WhenAll(entries.Select(e => Task.Run(() => t.InsertRow(e, v0.Next()))));
        inserted.Count(x => x).Should().Be(1);
        var data = await t.ReadAll();
        data.Version.Version.Should().Be(1);
        data.Members.Should().ContainSingle().Which.Item1.SiloAddress.Should().Be(entries[Array.IndexOf(inserted, true)].SiloAddress);

        // The same row updated by 19 writers, each re-reading and retrying until its own update lands: 19 more versions, one row.
        var row = data.Members[0].Item1;
        await Task.WhenAll(Enumerable.Range(0, 19).Select(i => Task.Run(async () =>
        {
            for (int attempt = 0; attempt < 500; attempt++)
            {
                var now = await t.ReadAll();
                var (current, etag) = now.TryGet(row.SiloAddress)!;
                current.UpdateZone = i;
                if (await t.UpdateRow(current, etag, now.Version.Next())) return;
            }
            throw new InvalidOperationException($"writer {i} never got its update in");
        })));
        var end = await t.ReadAll();
        end.Version.Version.Should().Be(20);
        end.Members.Should().ContainSingle();
    }

    [Fact]
    public async Task The_gateway_list_is_the_Active_silos_with_a_gateway_port_of_this_cluster()
    {
        var t = await Initialized();
        var entries = Enumerable.Range(0, 10).Select(_ => NewEntry()).ToArray();
        entries[3].Status = SiloStatus.Active;
        entries[3].ProxyPort = 0;
        entries[5].Status = SiloStatus.Active;
        entries[9].Status = SiloStatus.Active;
        entries[7].Status = SiloStatus.Dead;
        foreach (var e in entries) (await t.InsertRow(e, (await t.ReadAll()).Version.Next())).Should().BeTrue();
        var other = await Initialized("other-" + _clusterId);
        (await other.InsertRow(NewEntry(SiloStatus.Active), (await other.ReadAll()).Version.Next())).Should().BeTrue();

        var provider = new PostgresGatewayListProvider(pg.ConnectionString, Options.Create(new ClusterOptions { ClusterId = _clusterId }),
            Options.Create(new GatewayOptions { GatewayListRefreshPeriod = TimeSpan.FromSeconds(7) }), NullLogger<PostgresGatewayListProvider>.Instance);
        _owned.Add(provider);
        await provider.InitializeGatewayListProvider();
        provider.MaxStaleness.Should().Be(TimeSpan.FromSeconds(7));
        var gateways = await provider.GetGateways();
        gateways.Should().BeEquivalentTo(new[] { entries[5], entries[9] }.Select(e =>
            SiloAddress.New(new IPEndPoint(e.SiloAddress.Endpoint.Address, e.ProxyPort), e.SiloAddress.Generation).ToGatewayUri()));
        await other.DeleteMembershipTableEntries("other-" + _clusterId);
    }

    [Fact]
    public async Task Silos_starting_together_on_a_fresh_database_all_create_the_tables_without_error()
    {
        // CREATE TABLE IF NOT EXISTS racing another session fails (duplicate type or catalog key) instead of waiting: each provider
        // must survive that, or silos started together fail at random (seen with the three-silo cluster before the fix).
        for (int round = 0; round < 8; round++)
        {
            string db = $"fresh_{Guid.NewGuid():N}";
            await using (var admin = new NpgsqlConnection(pg.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {db}", admin);
                await create.ExecuteNonQueryAsync();
            }
            string fresh = new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Database = db, Pooling = false }.ConnectionString;
            var starts = Enumerable.Range(0, 6).SelectMany(i => new Func<Task>[]
            {
                async () =>
                {
                    using var t = new PostgresMembershipTable(fresh, Options.Create(new ClusterOptions { ClusterId = _clusterId }), NullLogger<PostgresMembershipTable>.Instance);
                    await t.InitializeMembershipTable(true);
                },
                () => PostgresGrainStorage.EnsureReachableAsync(fresh),
                async () =>
                {
                    using var r = new PostgresReminderTable(fresh, Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "svc" }), NullLogger<PostgresReminderTable>.Instance);
                    await r.Init();
                },
            });
            await Task.WhenAll(starts.Select(Task.Run));
            await using var c = new NpgsqlConnection(fresh);
            await c.OpenAsync();
            await using var check = new NpgsqlCommand($"SELECT version FROM {PostgresMembershipTable.VersionTableName} WHERE cluster_id = @c", c);
            check.Parameters.AddWithValue("c", _clusterId);
            (await check.ExecuteScalarAsync()).Should().Be(0, "one version row, created once");
        }
    }

    [Fact]
    public async Task An_unreachable_database_fails_with_an_OrleansException_naming_the_server()
    {
        var t = new PostgresMembershipTable($"Host=127.0.0.1;Port={PostgresServer.FreePort()};Database=nowhere;Username=u;Timeout=2",
            Options.Create(new ClusterOptions { ClusterId = _clusterId }), NullLogger<PostgresMembershipTable>.Instance);
        _owned.Add(t);
        var act = () => t.ReadAll();
        (await act.Should().ThrowAsync<OrleansException>()).Which.Message.Should()
            .Contain("PostgreSQL membership table (host '127.0.0.1'").And.Contain("database 'nowhere'").And.Contain($"reading the membership of cluster '{_clusterId}'");
    }
}
