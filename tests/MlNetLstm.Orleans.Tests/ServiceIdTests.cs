using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Tests;

/// <summary>Helpers of the service-id tests: a stream of GARCH returns into an instrument grain, and SQL on the test server.</summary>
internal static class ServiceIdTesting
{
    public static Observation[] Days(double[] r, int from, int to) =>
        Enumerable.Range(from, to - from).Select(i => new Observation(Series.Day(i), r[i])).ToArray();

    /// <summary>Configures a GARCH instrument, streams returns [0, train), waits for the first fit, then streams [train, n).</summary>
    public static async Task Stream(IInstrumentGrain g, double[] r, int train, int n)
    {
        await g.Configure(Series.GarchSettings(train));
        await g.ObserveMany(Days(r, 0, train));
        await InstrumentGrainTests.WaitForModel(g, 1);
        await g.ObserveMany(Days(r, train, n));
    }

    public static async Task<List<object[]>> Rows(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task Execute(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task Stop(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}

/// <summary>Two Orleans services (different service ids) on one PostgreSQL database keep separate rows.</summary>
public sealed class ServiceIsolationTests : IAsyncLifetime
{
    private readonly PostgresServer _pg = new();

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    [Fact]
    public async Task Two_services_on_one_database_keep_separate_states_of_one_instrument_name_through_restarts()
    {
        const string name = "SPX";
        double[] ra = Series.Garch(400, seed: 21), rb = Series.Garch(400, seed: 22);
        TestCluster? a = null, b = null;
        try
        {
            a = await Clusters.StartAsync(_pg, silos: 2, serviceId: "desk-a");
            b = await Clusters.StartAsync(_pg, silos: 2, serviceId: "desk-b");
            // The same instrument name in both services, different settings and different returns.
            await ServiceIdTesting.Stream(a.GrainFactory.GetGrain<IInstrumentGrain>(name), ra, train: 300, n: 330);
            await ServiceIdTesting.Stream(b.GrainFactory.GetGrain<IInstrumentGrain>(name), rb, train: 250, n: 300);

            async Task Check(TestCluster cluster, double[] r, int train, int n, string because)
            {
                var g = cluster.GrainFactory.GetGrain<IInstrumentGrain>(name);
                var status = await g.GetStatus();
                status.Returns.Should().Be(n, because);
                status.Settings.TrainSize.Should().Be(train, because);
                status.LastDate.Should().Be(Series.Day(n - 1), because);
                double f = (await g.Forecast(1))[0];
                double expected = Series.Reference(r, 0, train, n);
                f.Should().BeApproximately(expected, 1e-12 * expected, because);
            }

            await Check(a, ra, 300, 330, "service desk-a");
            await Check(b, rb, 250, 300, "service desk-b");
            var rows = await ServiceIdTesting.Rows(_pg.ConnectionString,
                $"SELECT service_id FROM {PostgresGrainStorage.TableName} WHERE grain_id LIKE '%/{name}' ORDER BY service_id");
            rows.Select(x => (string)x[0]).Should().Equal(["desk-a", "desk-b"], "one row per service for the one instrument name");

            // Restart desk-a while desk-b keeps running and writing.
            await ServiceIdTesting.Stop(a);
            a = null;
            await b.GrainFactory.GetGrain<IInstrumentGrain>(name).ObserveMany(ServiceIdTesting.Days(rb, 300, 320));
            a = await Clusters.StartAsync(_pg, silos: 2, serviceId: "desk-a");
            await Check(a, ra, 300, 330, "desk-a after its restart, with desk-b's later writes in the same table");
            var more = await a.GrainFactory.GetGrain<IInstrumentGrain>(name).ObserveMany(ServiceIdTesting.Days(ra, 330, 340));
            more.Should().OnlyContain(x => x.Applied);
            await Check(a, ra, 300, 340, "desk-a writes after its restart");

            // Restart desk-b.
            await ServiceIdTesting.Stop(b);
            b = null;
            b = await Clusters.StartAsync(_pg, silos: 2, serviceId: "desk-b");
            await Check(b, rb, 250, 320, "desk-b after its restart, with desk-a's writes in the same table");
            await Check(a, ra, 300, 340, "desk-a unaffected by desk-b's restart");
        }
        finally
        {
            if (a is not null) await ServiceIdTesting.Stop(a);
            if (b is not null) await ServiceIdTesting.Stop(b);
        }
    }
}

/// <summary>A grain state table written by the previous version (no service_id column) is upgraded in place on first use.</summary>
public sealed class LegacyTableUpgradeTests : IAsyncLifetime
{
    /// <summary>The CREATE TABLE statement of the previous version of <see cref="PostgresGrainStorage"/>, verbatim.</summary>
    private const string OldDdl =
        $"CREATE TABLE IF NOT EXISTS {PostgresGrainStorage.TableName} (state_name text NOT NULL, grain_id text NOT NULL, etag bigint NOT NULL, " +
        "payload bytea NOT NULL, updated_utc timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (state_name, grain_id))";

    private readonly PostgresServer _pg = new();

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    /// <summary>
    /// Moves the rows of the current table into a table created by <see cref="OldDdl"/> (the rows' columns are the previous version's:
    /// state_name, grain_id, etag, payload, updated_utc; the payload is Orleans' serialisation of the grain state).
    /// </summary>
    private Task RewriteToOldLayout() => ServiceIdTesting.Execute(_pg.ConnectionString,
        $"BEGIN; ALTER TABLE {PostgresGrainStorage.TableName} RENAME TO written; {OldDdl}; " +
        $"INSERT INTO {PostgresGrainStorage.TableName} (state_name, grain_id, etag, payload, updated_utc) SELECT state_name, grain_id, etag, payload, updated_utc FROM written; " +
        "DROP TABLE written; COMMIT");

    private Task<List<object[]>> Snapshot() => ServiceIdTesting.Rows(_pg.ConnectionString,
        $"SELECT state_name, grain_id, etag, payload FROM {PostgresGrainStorage.TableName} ORDER BY grain_id");

    private async Task<bool> HasServiceIdColumn() =>
        (await ServiceIdTesting.Rows(_pg.ConnectionString,
            $"SELECT 1 FROM information_schema.columns WHERE table_name = '{PostgresGrainStorage.TableName}' AND column_name = 'service_id'")).Count == 1;

    private async Task<string[]> PrimaryKey() =>
        (await ServiceIdTesting.Rows(_pg.ConnectionString,
            "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) " +
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum " +
            $"WHERE i.indrelid = '{PostgresGrainStorage.TableName}'::regclass AND i.indisprimary ORDER BY k.ord"))
        .Select(x => (string)x[0]).ToArray();

    [Fact]
    public async Task A_table_of_the_previous_layout_is_upgraded_by_three_silos_starting_together_and_keeps_every_row()
    {
        const int instruments = 6;
        string Name(int k) => $"legacy{k}";
        double[][] r = Enumerable.Range(0, instruments).Select(k => Series.Garch(260, seed: 40 + k)).ToArray();

        // The rows as the previous version wrote them: service id "mlnetlstm" (ServiceHost's), moved into the old layout.
        var before = new (InstrumentStatus Status, double[] Forecast)[instruments];
        var old = await Clusters.StartAsync(_pg, silos: 1, serviceId: PostgresGrainStorage.LegacyServiceId);
        try
        {
            for (int k = 0; k < instruments; k++)
            {
                var g = old.GrainFactory.GetGrain<IInstrumentGrain>(Name(k));
                await ServiceIdTesting.Stream(g, r[k], train: 200, n: 230);
                before[k] = (await g.GetStatus(), await g.Forecast(3));
            }
        }
        finally
        {
            await ServiceIdTesting.Stop(old);
        }
        await RewriteToOldLayout();
        (await HasServiceIdColumn()).Should().BeFalse();
        (await PrimaryKey()).Should().Equal("state_name", "grain_id");
        var oldRows = await Snapshot();
        oldRows.Should().HaveCount(instruments);

        // Three silos of the new version; every instrument activated at once, so the silos' storages meet the old table together.
        var cluster = await Clusters.StartAsync(_pg, silos: 3, serviceId: PostgresGrainStorage.LegacyServiceId);
        try
        {
            var grains = Enumerable.Range(0, instruments).Select(k => cluster.GrainFactory.GetGrain<IInstrumentGrain>(Name(k))).ToArray();
            var statuses = await Task.WhenAll(grains.Select(g => g.GetStatus()));
            statuses.Select(s => s.Silo).Distinct().Should().HaveCountGreaterThan(1, "the grains are spread over the silos (random placement of 6 grains on 3 silos)");
            for (int k = 0; k < instruments; k++)
            {
                statuses[k].Should().BeEquivalentTo(before[k].Status, o => o.Excluding(s => s.Silo), $"instrument {k} loads unchanged");
                (await grains[k].Forecast(3)).Should().Equal(before[k].Forecast, $"instrument {k}: the same state, the same forecasts");
            }

            (await HasServiceIdColumn()).Should().BeTrue();
            (await PrimaryKey()).Should().Equal("service_id", "state_name", "grain_id");
            var upgraded = await ServiceIdTesting.Rows(_pg.ConnectionString,
                $"SELECT service_id, state_name, grain_id, etag, payload FROM {PostgresGrainStorage.TableName} ORDER BY grain_id");
            upgraded.Select(x => (string)x[0]).Should().AllBe(PostgresGrainStorage.LegacyServiceId);
            upgraded.Select(x => x[1..]).Should().BeEquivalentTo(oldRows, o => o.WithStrictOrdering(), "no row lost or changed by the upgrade");
            (await ServiceIdTesting.Rows(_pg.ConnectionString,
                $"SELECT column_default FROM information_schema.columns WHERE table_name = '{PostgresGrainStorage.TableName}' AND column_name = 'service_id'"))
                .Single()[0].Should().Be(DBNull.Value, "the upgraded table is the new layout: no default service id");

            // Later writes work: the stream continues from the stored state exactly.
            for (int k = 0; k < instruments; k++)
            {
                var res = await grains[k].ObserveMany(ServiceIdTesting.Days(r[k], 230, 260));
                res.Should().OnlyContain(x => x.Applied);
                double expected = Series.Reference(r[k], 0, 200, 260);
                res[^1].NextVariance!.Value.Should().BeApproximately(expected, 1e-12 * expected, $"instrument {k}");
            }
            var after = await ServiceIdTesting.Rows(_pg.ConnectionString,
                $"SELECT etag FROM {PostgresGrainStorage.TableName} WHERE service_id = '{PostgresGrainStorage.LegacyServiceId}' ORDER BY grain_id");
            after.Select(x => (long)x[0]).Should().Equal(oldRows.Select(x => (long)x[2] + 1), "one batch, one write per instrument, on the upgraded rows");
        }
        finally
        {
            await ServiceIdTesting.Stop(cluster);
        }

        // Another service on the same database does not see the rows the previous version wrote.
        var other = await Clusters.StartAsync(_pg, silos: 1, serviceId: "another-service");
        try
        {
            var status = await other.GrainFactory.GetGrain<IInstrumentGrain>(Name(0)).GetStatus();
            status.Returns.Should().Be(0);
            status.LastDate.Should().BeNull();
        }
        finally
        {
            await ServiceIdTesting.Stop(other);
        }
    }

    [Fact]
    public async Task Concurrent_schema_checks_upgrade_the_previous_layout_once_and_a_later_check_changes_nothing()
    {
        await using var provider = new ServiceCollection().AddSerializer().AddLogging().BuildServiceProvider();
        var serializer = provider.GetRequiredService<Serializer>();
        byte[] payloadA = serializer.SerializeToArray(new List<int> { 1, 2, 3 }), payloadB = serializer.SerializeToArray(new List<int> { 4 });
        await using (var c = new NpgsqlConnection(_pg.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                $"DROP TABLE IF EXISTS {PostgresGrainStorage.TableName}; {OldDdl}; " +
                $"INSERT INTO {PostgresGrainStorage.TableName} (state_name, grain_id, etag, payload) VALUES ('state', 'instrument/a', 7, @a), ('state', 'instrument/b', 3, @b)", c);
            cmd.Parameters.AddWithValue("a", payloadA);
            cmd.Parameters.AddWithValue("b", payloadB);
            await cmd.ExecuteNonQueryAsync();
        }
        var connections = new NpgsqlConnection[3];
        try
        {
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i] = new NpgsqlConnection(_pg.ConnectionString);
                await connections[i].OpenAsync();
            }
            // Three silos' first uses of the storage at the same moment.
            bool[] upgraded = await Task.WhenAll(connections.Select(c => Task.Run(() => PostgresGrainStorage.EnsureSchemaAsync(c, null, CancellationToken.None))));
            upgraded.Count(u => u).Should().Be(1, "one caller upgrades; the others wait on the lock and find the new layout");
            (await PostgresGrainStorage.EnsureSchemaAsync(connections[0], null, CancellationToken.None)).Should().BeFalse("the upgrade is idempotent");
        }
        finally
        {
            foreach (var c in connections) if (c is not null) await c.DisposeAsync();
        }
        var rows = await ServiceIdTesting.Rows(_pg.ConnectionString,
            $"SELECT service_id, grain_id, etag, payload FROM {PostgresGrainStorage.TableName} ORDER BY grain_id");
        rows.Should().BeEquivalentTo(new[]
        {
            new object[] { "mlnetlstm", "instrument/a", 7L, payloadA },
            new object[] { "mlnetlstm", "instrument/b", 3L, payloadB },
        }, o => o.WithStrictOrdering());
        (await PrimaryKey()).Should().Equal("service_id", "state_name", "grain_id");

        // The storage of a silo of service "mlnetlstm" reads the upgraded row with its ETag; one of another service finds nothing.
        async Task<IGrainState<List<int>>> Read(string serviceId)
        {
            using var storage = new PostgresGrainStorage(_pg.ConnectionString,
                Microsoft.Extensions.Options.Options.Create(new global::Orleans.Configuration.ClusterOptions { ServiceId = serviceId }),
                serializer, provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PostgresGrainStorage>>());
            var state = new GrainState<List<int>>();
            await storage.ReadStateAsync("state", GrainId.Parse("instrument/a", System.Globalization.CultureInfo.InvariantCulture), state);
            return state;
        }
        var mine = await Read(PostgresGrainStorage.LegacyServiceId);
        mine.RecordExists.Should().BeTrue();
        mine.State.Should().Equal(1, 2, 3);
        mine.ETag.Should().Be("7");
        var theirs = await Read("another-service");
        theirs.RecordExists.Should().BeFalse();
        theirs.ETag.Should().BeNull();
        theirs.State.Should().BeEmpty();
    }
}
