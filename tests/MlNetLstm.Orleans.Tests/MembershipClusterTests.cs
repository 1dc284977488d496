using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Tests;

/// <summary>
/// Three silos whose membership is in PostgreSQL (<see cref="PostgresMembershipTable"/>; no test-cluster membership, no primary silo)
/// and a client that finds them through <see cref="PostgresGatewayListProvider"/>; a silo is killed. Its own cluster and server.
/// </summary>
public sealed class MembershipClusterTests : IAsyncLifetime
{
    private readonly PostgresServer _pg = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _pg.InitializeAsync();
        _cluster = await Clusters.StartAsync(_pg, silos: 3, clientResponseTimeoutSeconds: 5, postgresMembership: true);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        await _pg.DisposeAsync();
    }

    private sealed record Row(IPEndPoint Endpoint, int Generation, SiloStatus Status, int ProxyPort);

    /// <summary>The cluster's rows as PostgreSQL holds them (read directly, not through the provider).</summary>
    private async Task<List<Row>> Rows()
    {
        await using var c = new NpgsqlConnection(_pg.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT address, port, generation, status, proxy_port FROM {PostgresMembershipTable.TableName} WHERE cluster_id = @c", c);
        cmd.Parameters.AddWithValue("c", _cluster.Options.ClusterId);
        var rows = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(new Row(new IPEndPoint(IPAddress.Parse(r.GetString(0)), r.GetInt32(1)), r.GetInt32(2), Enum.Parse<SiloStatus>(r.GetString(3)), r.GetInt32(4)));
        return rows;
    }

    private static Row? RowOf(List<Row> rows, SiloHandle silo) =>
        rows.SingleOrDefault(r => r.Endpoint.Equals(silo.SiloAddress.Endpoint) && r.Generation == silo.SiloAddress.Generation);

    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return await call(); }
            catch (Exception) when (attempt < 60) { await Task.Delay(250); }
        }
    }

    [Fact]
    public async Task A_killed_silo_is_marked_Dead_in_PostgreSQL_the_others_stay_Active_and_its_grains_answer_from_them()
    {
        // Membership and gateways really are ours, in this test's database.
        foreach (var silo in _cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var table = silo.SiloHost.Services.GetRequiredService<IMembershipTable>().Should().BeOfType<PostgresMembershipTable>().Subject;
            table.ConnectionString.Should().Be(_pg.ConnectionString);
        }
        _cluster.Client.ServiceProvider.GetRequiredService<IGatewayListProvider>().Should().BeOfType<PostgresGatewayListProvider>();
        _cluster.Primary.Should().BeNull("no silo holds the membership: it is in PostgreSQL");

        var rows = await Rows();
        rows.Should().HaveCount(3);
        foreach (var silo in _cluster.Silos)
        {
            var row = RowOf(rows, silo);
            row.Should().NotBeNull($"silo {silo.SiloAddress} has its row");
            row!.Status.Should().Be(SiloStatus.Active);
            row.ProxyPort.Should().Be(silo.GatewayAddress.Endpoint.Port);
        }

        const int instruments = 12, train = 50, total = 60;
        var data = Enumerable.Range(0, instruments).Select(k => Series.Garch(total, seed: 500 + k)).ToArray();
        var grains = Enumerable.Range(0, instruments).Select(k => _cluster.GrainFactory.GetGrain<IInstrumentGrain>($"member-{k}")).ToArray();
        for (int k = 0; k < instruments; k++)
        {
            await grains[k].Configure(Series.GarchSettings(train));
            await grains[k].ObserveMany(Enumerable.Range(0, total).Select(i => new Observation(Series.Day(i), data[k][i])).ToArray());
        }
        var statuses = await Task.WhenAll(grains.Select(g => InstrumentGrainTests.WaitForModel(g, 1)));
        var before = await Task.WhenAll(grains.Select(g => g.Forecast(3)));

        var victim = _cluster.Silos.OrderByDescending(s => statuses.Count(x => x.Silo == s.SiloAddress.ToString())).First();
        statuses.Should().Contain(x => x.Silo == victim.SiloAddress.ToString(), "some instruments live on the silo that is killed");
        var survivors = _cluster.Silos.Where(s => s != victim).ToList();
        await _cluster.KillSiloAsync(victim);

        // The survivors vote the dead silo out and write it Dead into PostgreSQL.
        var until = DateTime.UtcNow.AddSeconds(60);
        while (RowOf(await Rows(), victim)?.Status != SiloStatus.Dead)
        {
            DateTime.UtcNow.Should().BeBefore(until, "the killed silo is declared Dead in the table within 60 s");
            await Task.Delay(250);
        }
        rows = await Rows();
        rows.Should().HaveCount(3);
        foreach (var s in survivors) RowOf(rows, s)!.Status.Should().Be(SiloStatus.Active);

        // Every instrument answers, from a live silo, with the state and forecasts it had (reloaded from PostgreSQL).
        var after = await Task.WhenAll(grains.Select(g => Retry(g.GetStatus)));
        after.Should().OnlyContain(s => s.Silo != victim.SiloAddress.ToString());
        after.Should().OnlyContain(s => s.Returns == total && s.ModelVersion >= 1);
        var forecasts = await Task.WhenAll(grains.Select(g => Retry(() => g.Forecast(3))));
        for (int k = 0; k < instruments; k++) forecasts[k].Should().Equal(before[k], $"instrument {k}");

        // A client asking now is given exactly the two live silos' gateways.
        using var provider = new PostgresGatewayListProvider(_pg.ConnectionString, Options.Create(new ClusterOptions { ClusterId = _cluster.Options.ClusterId }),
            Options.Create(new GatewayOptions()), NullLogger<PostgresGatewayListProvider>.Instance);
        await provider.InitializeGatewayListProvider();
        (await provider.GetGateways()).Should().BeEquivalentTo(survivors.Select(s => SiloAddress.New(s.GatewayAddress.Endpoint, s.SiloAddress.Generation).ToGatewayUri()));
    }
}
