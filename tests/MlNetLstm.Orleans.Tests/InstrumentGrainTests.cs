using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class InstrumentGrainTests(SharedCluster shared)
{
    private TestCluster Cluster => shared.Cluster;

    internal static async Task<InstrumentStatus> WaitForModel(IInstrumentGrain g, int version, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var s = await g.GetStatus();
            if (s.ModelVersion >= version && !s.RefitRunning) return s;
            if (s.LastRefitError is { } e) throw new InvalidOperationException("refit failed: " + e);
            if (DateTime.UtcNow > until) throw new TimeoutException($"model version {s.ModelVersion} after {seconds} s; {version} expected");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Observe_streams_the_library_garch_forecasts_in_order_and_Forecast_gives_the_multi_step_path()
    {
        double[] r = Series.Garch(450, seed: 1);
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("stream-garch");
        await g.Configure(Series.GarchSettings(train: 300));
        for (int i = 0; i < 300; i++)
        {
            var res = await g.Observe(Series.Day(i), r[i]);
            res.Applied.Should().BeTrue();
            res.Returns.Should().Be(i + 1);
        }
        await WaitForModel(g, 1);
        for (int i = 300; i < r.Length; i++)
        {
            var res = await g.Observe(Series.Day(i), r[i]);
            res.NextVariance.Should().NotBeNull();
            // The grain's O(1) stream against the library's analytic forecast from the fitting window on: equal to rounding.
            res.NextVariance!.Value.Should().BeApproximately(Series.Reference(r, 0, 300, i + 1), 1e-12 * res.NextVariance.Value, $"observation {i}");
        }
        double[] path = await g.Forecast(5);
        var expected = ArchVarianceModel.Garch().Fit(r.AsSpan(0, 300)).ForecastVariance(r, 5);
        for (int k = 0; k < 5; k++) path[k].Should().BeApproximately(expected[k], 1e-12 * expected[k]);
    }

    [Fact]
    public async Task Observe_is_idempotent_by_date_and_rejects_a_conflicting_value_for_a_seen_date()
    {
        double[] r = Series.Garch(80, seed: 2);
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("idempotent");
        await g.Configure(Series.GarchSettings(train: 50));
        for (int i = 0; i < 60; i++) await g.Observe(Series.Day(i), r[i]);
        await WaitForModel(g, 1);
        var before = await g.Forecast(1);
        var again = await g.Observe(Series.Day(59), r[59]);
        again.Applied.Should().BeFalse();
        again.Returns.Should().Be(60);
        var older = await g.Observe(Series.Day(10), r[10]);
        older.Applied.Should().BeFalse();
        (await g.Forecast(1)).Should().Equal(before);
        var conflict = async () => await g.Observe(Series.Day(59), r[59] + 1);
        (await conflict.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("already observed");
        var nan = async () => await g.Observe(Series.Day(60), double.NaN);
        (await nan.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("not finite");
        var batch = await g.ObserveMany([new Observation(Series.Day(59), r[59]), new Observation(Series.Day(60), r[60]), new Observation(Series.Day(61), r[61])]);
        batch.Select(b => b.Applied).Should().Equal(false, true, true);
        (await g.GetStatus()).Returns.Should().Be(62);
    }

    [Fact]
    public async Task Settings_are_validated_and_cannot_change_after_observations()
    {
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("settings");
        var ssa = async () => await g.Configure(new InstrumentSettings { Model = new ModelSpec { Models = ["ssa"] } });
        (await ssa.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("no O(1) stream");
        var small = async () => await g.Configure(Series.GarchSettings(train: 10));
        (await small.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("TrainSize");
        await g.Configure(Series.GarchSettings(train: 100));
        await g.Observe(Series.Day(0), 0.5);
        var change = async () => await g.Configure(Series.GarchSettings(train: 200));
        (await change.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("cannot change");
        await g.Configure(Series.GarchSettings(train: 100)); // the same settings again: fine
        var early = async () => await g.Forecast(1);
        (await early.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("no fitted model yet");
    }

    [Fact]
    public async Task State_is_in_PostgreSQL_with_the_model_in_the_library_format()
    {
        double[] r = Series.Garch(220, seed: 3);
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("stored");
        await g.Configure(Series.GarchSettings(train: 200));
        for (int i = 0; i < 200; i++) await g.Observe(Series.Day(i), r[i]);
        await WaitForModel(g, 1);
        for (int i = 200; i < 220; i++) await g.Observe(Series.Day(i), r[i]);

        await using var c = new NpgsqlConnection(shared.Postgres.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT payload, etag FROM {PostgresGrainStorage.TableName} WHERE grain_id LIKE '%stored'", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue("the grain's row is in PostgreSQL");
        byte[] payload = (byte[])reader[0];
        reader.GetInt64(1).Should().BeGreaterThan(200, "every applied observation is written");
        var state = Cluster.Client.ServiceProvider.GetRequiredService<Serializer>().Deserialize<InstrumentState>(payload)!;
        state.Returns.Should().Be(220);
        state.LastDate.Should().Be(Series.Day(219));
        var stored = (StoredArchFit)ModelSerializer.FromArchive(ModelFile.FromBytes(state.Model!));
        var fit = ArchVarianceModel.Garch().Fit(r.AsSpan(0, 200));
        stored.Result.Values.Should().Equal(fit.Fit.Values);
        // A flipped byte fails the library's checksum.
        var bad = (byte[])state.Model!.Clone();
        bad[bad.Length / 2] ^= 0x40;
        var load = () => ModelFile.FromBytes(bad);
        load.Should().Throw<Exception>();
    }

    [Fact]
    public async Task A_refit_on_request_runs_while_observations_continue_and_catches_up_exactly()
    {
        double[] r = Series.Garch(700, seed: 4);
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("refit");
        await g.Configure(Series.GarchSettings(train: 300));
        for (int i = 0; i < 300; i++) await g.Observe(Series.Day(i), r[i]);
        await WaitForModel(g, 1);
        for (int i = 300; i < 500; i++) await g.Observe(Series.Day(i), r[i]);
        (await g.RequestRefit()).Should().BeTrue();
        // Observations are accepted while the refit runs (the grain never awaits the fit).
        for (int i = 500; i < 520; i++) (await g.Observe(Series.Day(i), r[i])).Applied.Should().BeTrue();
        var status = await WaitForModel(g, 2);
        status.FittedThrough.Should().Be(500);
        for (int i = 520; i < 540; i++) await g.Observe(Series.Day(i), r[i]);
        double f = (await g.Forecast(1))[0];
        f.Should().BeApproximately(Series.Reference(r, 200, 500, 540), 1e-12 * f);
    }

    [Fact]
    public async Task Scheduled_refits_every_n_returns_install_the_fit_of_the_last_window()
    {
        double[] r = Series.Garch(420, seed: 5);
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("scheduled");
        await g.Configure(Series.GarchSettings(train: 200, refitEvery: 100));
        var results = new List<ObservationResult>();
        for (int i = 0; i < 400; i++)
        {
            results.Add(await g.Observe(Series.Day(i), r[i]));
            if (i == 199 || i == 299 || i == 399) await WaitForModel(g, (i - 99) / 100);
        }
        var status = await g.GetStatus();
        status.ModelVersion.Should().Be(3);
        status.FittedThrough.Should().Be(400);
        double f = (await g.Forecast(1))[0];
        f.Should().BeApproximately(Series.Reference(r, 200, 400, 400), 1e-12 * f);
    }

    [Fact]
    public async Task A_reminder_refits_on_schedule_without_any_request()
    {
        double[] r = Series.Garch(260, seed: 6);
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("reminder");
        await g.Configure(Series.GarchSettings(train: 200) with { RefitPeriod = TimeSpan.FromSeconds(2) });
        await g.ObserveMany(Enumerable.Range(0, 230).Select(i => new Observation(Series.Day(i), r[i])).ToArray());
        await WaitForModel(g, 1);
        var status = await WaitForModel(g, 2, seconds: 30);
        status.FittedThrough.Should().Be(230);
        double f = (await g.Forecast(1))[0];
        f.Should().BeApproximately(Series.Reference(r, 30, 230, 230), 1e-12 * f);
    }

    [Fact]
    public async Task An_lstm_regime_seed_ensemble_streams_exactly_the_library_streams_of_a_direct_fit()
    {
        double[] r = Series.Garch(420, seed: 7);
        var spec = new ModelSpec { Models = ["lstm-regime"], Seeds = 2 };
        var g = Cluster.GrainFactory.GetGrain<IInstrumentGrain>("lstm");
        await g.Configure(new InstrumentSettings { Model = spec, TrainSize = 300, RefitEvery = 0 });
        await g.ObserveMany(Enumerable.Range(0, 300).Select(i => new Observation(Series.Day(i), r[i])).ToArray());
        await WaitForModel(g, 1, seconds: 120);
        var streamed = new List<double>();
        for (int i = 300; i < r.Length; i++) streamed.Add((await g.Observe(Series.Day(i), r[i])).NextVariance!.Value);

        // Same seed, same model: a direct fit on the same window gives the same ensemble; the library's own streams of its networks,
        // fed from the window's start and combined by the geometric mean, give the grain's forecasts (after a silo restart too: the
        // grain's stream state is restored from the stored bytes).
        var direct = (MlNetLstm.Volatility.CombinedVarianceForecaster)spec.Create("lstm-regime").Fit(r.AsSpan(0, 300));
        var streams = direct.Members.Cast<MlNetLstm.Volatility.Neural.LstmVolatilityForecaster>().Select(m => new MlNetLstm.Volatility.Neural.LstmVolatilityStream(m)).ToArray();
        double Combined(int h)
        {
            double log = 0;
            foreach (var st in streams) { var d = new double[h]; st.Forecast(d); log += Math.Log(d[h - 1]); }
            return Math.Exp(log / streams.Length);
        }
        for (int i = 0; i < r.Length; i++)
        {
            foreach (var st in streams) st.Update(r[i]);
            if (i >= 300) streamed[i - 300].Should().BeApproximately(Combined(1), 1e-12 * streamed[i - 300], $"observation {i}");
        }
        double[] path = await g.Forecast(3);
        path[2].Should().BeApproximately(Combined(3), 1e-12 * path[2]);
    }
}
