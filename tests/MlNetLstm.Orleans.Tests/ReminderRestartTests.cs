using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;

namespace MlNetLstm.Orleans.Tests;

/// <summary>Reminders kept in PostgreSQL (<see cref="PostgresReminderTable"/>) outlive the cluster that registered them.</summary>
public sealed class ReminderRestartTests : IAsyncLifetime
{
    private readonly PostgresServer _pg = new();

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    private async Task<object?> Scalar(string sql, string instrument)
    {
        await using var c = new NpgsqlConnection(_pg.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        cmd.Parameters.AddWithValue("id", instrument);
        return await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_refit_reminder_survives_a_restart_of_the_whole_cluster_and_refits_with_no_call_to_the_grain()
    {
        const string service = "reminder-restart";
        double[] r = Series.Garch(230, seed: 8);
        var first = await Clusters.StartAsync(_pg, silos: 2, serviceId: service);
        try
        {
            var g = first.GrainFactory.GetGrain<IInstrumentGrain>("reminded");
            await g.Configure(Series.GarchSettings(train: 200) with { RefitPeriod = TimeSpan.FromSeconds(2) });
            await g.ObserveMany(Enumerable.Range(0, 230).Select(i => new Observation(Series.Day(i), r[i])).ToArray());
            await InstrumentGrainTests.WaitForModel(g, 1);
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        // The whole cluster is gone; the reminder is a row in PostgreSQL, and so is the grain's state.
        (await Scalar($"SELECT count(*) FROM {PostgresReminderTable.TableName} WHERE service_id = '{service}' AND grain_id LIKE '%/' || @id", "reminded"))
            .Should().Be(1L);
        const string stateSql = $"SELECT payload FROM {PostgresGrainStorage.TableName} WHERE grain_id LIKE '%/' || @id";
        byte[] before = (byte[])(await Scalar(stateSql, "reminded"))!;

        var second = await Clusters.StartAsync(_pg, silos: 2, serviceId: service);
        try
        {
            var serializer = second.Client.ServiceProvider.GetRequiredService<Serializer>();
            int versionBefore = serializer.Deserialize<InstrumentState>(before)!.ModelVersion;
            versionBefore.Should().BeGreaterThanOrEqualTo(1);
            // Nothing calls the grain: only the reminder, read back from PostgreSQL by the new silos, can activate it and refit.
            var until = DateTime.UtcNow.AddSeconds(60);
            InstrumentState now;
            do
            {
                await Task.Delay(200);
                now = serializer.Deserialize<InstrumentState>((byte[])(await Scalar(stateSql, "reminded"))!)!;
            }
            while (now.ModelVersion <= versionBefore && DateTime.UtcNow < until);
            now.ModelVersion.Should().BeGreaterThan(versionBefore, "the reminder fired on the restarted cluster and the refit was stored");
            now.FittedThrough.Should().Be(230);
            now.Returns.Should().Be(230);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
