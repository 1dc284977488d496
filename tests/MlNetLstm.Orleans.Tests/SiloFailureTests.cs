using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace MlNetLstm.Orleans.Tests;

/// <summary>
/// Three silos in one process, state in a throwaway PostgreSQL; a silo is killed in the middle of a stream of observations and in
/// the middle of a universe backtest; the database goes away and comes back. Each test has its own cluster and server (it loses a
/// silo or the database). The kills are made deterministic by holding the work at a known point until the silo is dead.
/// </summary>
public sealed class SiloFailureTests : IAsyncLifetime
{
    private readonly PostgresServer _pg = new();
    private readonly GatedSeries _gate = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _pg.InitializeAsync();
        _cluster = await Clusters.StartAsync(_pg, hook: _gate, clientResponseTimeoutSeconds: 5);
    }

    public async Task DisposeAsync()
    {
        _gate.Dispose();
        if (_cluster is not null) await _cluster.DisposeAsync();
        await _pg.DisposeAsync();
    }

    /// <summary>The instrument's state as stored in this test's PostgreSQL (read directly, not through the grain), or null.</summary>
    private async Task<InstrumentState?> Stored(string instrument)
    {
        await using var c = new NpgsqlConnection(_pg.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT payload FROM {PostgresGrainStorage.TableName} WHERE grain_id LIKE '%/' || @id", c);
        cmd.Parameters.AddWithValue("id", instrument);
        var payload = (byte[]?)await cmd.ExecuteScalarAsync();
        return payload is null ? null : _cluster.Client.ServiceProvider.GetRequiredService<Serializer>().Deserialize<InstrumentState>(payload);
    }

    /// <summary>Retries a call the way a client of the service does: until it succeeds (the grain reactivates on a live silo).</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call, ConcurrentBag<string> failures)
    {
        for (int attempt = 1; ; attempt++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            try { return await call(); }
            catch (Exception ex) when (attempt < 60 && ex is not ArgumentException)
            {
                failures.Add($"{ex.GetType().Name} after {sw.Elapsed.TotalSeconds:F0}s");
                await Task.Delay(250);
            }
        }
    }

    [Fact]
    public async Task Killing_a_silo_mid_stream_loses_no_observation_applies_none_twice_and_forecasts_equal_the_unfailed_run()
    {
        const int instruments = 12, train = 200, total = 320, killAt = 260;
        var data = Enumerable.Range(0, instruments).Select(k => Series.Garch(total, seed: 100 + k)).ToArray();
        var grains = Enumerable.Range(0, instruments).Select(k => _cluster.GrainFactory.GetGrain<IInstrumentGrain>($"fail-{k}")).ToArray();
        for (int k = 0; k < instruments; k++)
        {
            await grains[k].Configure(Series.GarchSettings(train));
            await grains[k].ObserveMany(Enumerable.Range(0, train).Select(i => new Observation(Series.Day(i), data[k][i])).ToArray());
        }
        var statuses = await Task.WhenAll(grains.Select(g => InstrumentGrainTests.WaitForModel(g, 1)));

        // The silo to kill: the secondary silo holding the most instruments (the primary holds the test cluster's membership).
        var victim = _cluster.SecondarySilos.OrderByDescending(s => statuses.Count(x => x.Silo == s.SiloAddress.ToString())).First();
        var onVictim = Enumerable.Range(0, instruments).Where(k => statuses[k].Silo == victim.SiloAddress.ToString()).ToHashSet();
        onVictim.Should().NotBeEmpty("some instruments live on the silo that is killed");

        // Every instrument streams on from killAt. Those on the victim send observation killAt, signal, and wait until the silo is dead
        // before sending the rest (whether killAt itself was applied before the kill does not matter: both outcomes are checked); the
        // others keep streaming through the kill. So calls certainly reach the victim's instruments after their silo died.
        var failures = new ConcurrentBag<string>();
        var forecasts = new double[instruments][];
        var applied = new int[instruments];
        var reached = onVictim.ToDictionary(k => k, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Stream(int k, int from, int to)
        {
            forecasts[k] ??= new double[total];
            for (int i = from; i < to; i++)
            {
                ObservationResult res;
                if (i == killAt && reached.TryGetValue(k, out var signal))
                {
                    var inFlight = grains[k].Observe(Series.Day(i), data[k][i]);
                    signal.SetResult();
                    await killed.Task;
                    try { res = await inFlight; }
                    catch (Exception ex) when (ex is not ArgumentException)
                    {
                        failures.Add($"in flight: {ex.GetType().Name}");
                        res = await Retry(() => grains[k].Observe(Series.Day(i), data[k][i]), failures);
                    }
                }
                else
                {
                    res = await Retry(() => grains[k].Observe(Series.Day(i), data[k][i]), failures);
                }
                if (res.Applied) Interlocked.Increment(ref applied[k]);
                res.Returns.Should().Be(i + 1, $"instrument {k}, observation {i}: one return per date");
                forecasts[k][i] = res.NextVariance!.Value;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, instruments).Select(k => Stream(k, train, killAt)));
        var streaming = Enumerable.Range(0, instruments).Select(k => Stream(k, killAt, total)).ToArray();
        await Task.WhenAll(reached.Values.Select(r => r.Task)).WaitAsync(TimeSpan.FromSeconds(60));
        await _cluster.KillSiloAsync(victim);
        killed.SetResult();
        await Task.WhenAll(streaming);

        Console.WriteLine($"victim holds {onVictim.Count} instruments; failures: {string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Key} x{g.Count()}"))}");
        var after = await Task.WhenAll(grains.Select(g => Retry(() => g.GetStatus(), failures)));
        after.Should().OnlyContain(s => s.Silo != victim.SiloAddress.ToString(), "the grains reactivated on the live silos");
        for (int k = 0; k < instruments; k++)
        {
            after[k].Returns.Should().Be(total, $"instrument {k}: no observation lost or applied twice");
            after[k].LastDate.Should().Be(Series.Day(total - 1));
            after[k].ModelVersion.Should().Be(1);
            applied[k].Should().BeLessOrEqualTo(total - train).And.BeGreaterThan(total - train - 3, "a retry of an applied observation is not applied again");
            (await Stored($"fail-{k}"))!.Returns.Should().Be(total, $"instrument {k}: every acknowledged observation is stored");
            // The forecasts equal those of a run without failure: the library's fit on the first window, streamed on.
            var fit = MlNetLstm.Volatility.ArchVarianceModel.Garch().Fit(data[k].AsSpan(0, train));
            for (int i = train; i < total; i++)
            {
                double expected = fit.ForecastVariance(data[k].AsSpan(0, i + 1), 1)[0];
                forecasts[k][i].Should().BeApproximately(expected, 1e-12 * expected, $"instrument {k}, observation {i}");
            }
            double f5 = (await grains[k].Forecast(5))[4];
            f5.Should().BeApproximately(fit.ForecastVariance(data[k], 5)[4], 1e-12 * f5);
        }
    }

    [Fact]
    public async Task Killing_a_silo_mid_universe_backtest_gives_the_results_of_each_series_run_alone()
    {
        var spec = new ModelSpec { Models = ["garch", "ewma", "har"] };
        var requests = Enumerable.Range(0, 12).Select(k => new SeriesBacktestRequest
        {
            Name = $"series-{k}",
            Returns = Series.Garch(900, seed: 200 + k),
            Models = spec,
            TrainSize = 500,
            RefitEvery = 20,
        }).ToArray();
        var retried = new ConcurrentBag<string>();
        var run = UniverseBacktest.RunOnClusterAsync(_cluster.GrainFactory, requests, attempts: 10, retried: (name, _) => retried.Add(name));

        // Every series is held by the hook on its silo before its walk-forward starts, so all of them are known to be running (and
        // where) before the kill. The victim is the secondary silo running the most series (the primary holds the membership table);
        // its series are never let go, so the killed silo cannot answer for them and the client must run them again on a live silo.
        var started = await _gate.WaitForStarts(requests.Length, TimeSpan.FromSeconds(60));
        var victim = _cluster.SecondarySilos.OrderByDescending(x => started.Count(s => s.Silo == x.SiloAddress.ToString())).First();
        string victimAddress = victim.SiloAddress.ToString();
        var onVictim = started.Where(s => s.Silo == victimAddress).Select(s => s.Name).ToHashSet();
        onVictim.Should().NotBeEmpty("series are running on the silo that is killed");
        run.IsCompleted.Should().BeFalse("every series is held until the kill");
        await _cluster.KillSiloAsync(victim);
        _gate.Release(victimAddress);
        var results = await run;
        Console.WriteLine($"victim {victim.SiloAddress} ran {string.Join(", ", onVictim)}; results from {string.Join(", ", results.Select(r => r.Silo))}; retried {string.Join(", ", retried)}");

        retried.Should().Contain(onVictim, "the series the killed silo was running were run again");
        results.Should().OnlyContain(r => r.Silo != victimAddress, "no result comes from the killed silo");
        for (int k = 0; k < requests.Length; k++)
        {
            var alone = UniverseBacktest.RunSeries(requests[k]);
            results[k].Name.Should().Be(requests[k].Name);
            for (int m = 0; m < spec.Models.Count; m++)
                results[k].Models[m].Forecasts.Should().Equal(alone.Models[m].Forecasts, $"{requests[k].Name}, {spec.Models[m]}");
            var report = UniverseBacktest.ToReport(requests[k], results[k]);
            var direct = MlNetLstm.Evaluation.WalkForward.Run(requests[k].Returns, spec.Create(), requests[k].Options(1));
            report.BestModel.Should().Be(direct.BestModel);
            for (int m = 0; m < spec.Models.Count; m++)
            {
                report.Models[m].Qlike.Should().Be(direct.Models[m].Qlike);
                report.Models[m].Mse.Should().Be(direct.Models[m].Mse);
                report.Models[m].MincerZarnowitzRSquared.Should().Be(direct.Models[m].MincerZarnowitzRSquared);
                report.Models[m].FitCount.Should().Be(direct.Models[m].FitCount);
            }
        }
    }

    [Fact]
    public async Task A_database_outage_fails_observations_loudly_stores_every_acknowledged_one_and_loses_none_once_it_is_back()
    {
        const int train = 100, total = 160, outageAt = 120, restartAt = 140;
        double[] r = Series.Garch(total, seed: 400);
        var g = _cluster.GrainFactory.GetGrain<IInstrumentGrain>("outage");
        await g.Configure(Series.GarchSettings(train));
        await g.ObserveMany(Enumerable.Range(0, outageAt).Select(i => new Observation(Series.Day(i), r[i])).ToArray());
        await InstrumentGrainTests.WaitForModel(g, 1);
        // The cluster writes to this test's server (the one that is stopped below).
        (await Stored("outage"))!.Returns.Should().Be(outageAt);

        _pg.Stop();
        var during = async () => await g.Observe(Series.Day(outageAt), r[outageAt]);
        (await during.Should().ThrowAsync<OrleansException>("the observation cannot be stored, so it is not acknowledged"))
            .Which.Message.Should().Contain($"PostgreSQL grain storage (host '127.0.0.1', port {_pg.Port}, database 'mlnetlstm'): writing");
        await during.Should().ThrowAsync<Exception>("the retry cannot be stored either");
        var status = async () => await g.GetStatus();
        await status.Should().ThrowAsync<Exception>("the activation cannot show a state it could not store, nor reload the stored one");
        _pg.Start();

        var failures = new ConcurrentBag<string>();
        var forecasts = new List<double>();
        for (int i = outageAt; i < total; i++)
        {
            if (i == restartAt)
            {
                // A restart nobody tells the silos about: their pool still holds connections to the old server process. The storage
                // retries on a fresh connection, so the next observation is stored and acknowledged at the first attempt.
                _pg.Stop(clearPool: false);
                _pg.Start();
            }
            var res = i == restartAt ? await g.Observe(Series.Day(i), r[i]) : await Retry(() => g.Observe(Series.Day(i), r[i]), failures);
            res.Returns.Should().Be(i + 1, $"observation {i} is applied exactly once");
            if (i == outageAt) res.Applied.Should().BeTrue("the failed attempts were not stored, so the retry is applied, not taken for a duplicate");
            // Acknowledged => stored: the row in PostgreSQL already holds this observation when Observe returns.
            var stored = (await Stored("outage"))!;
            stored.Returns.Should().Be(i + 1, $"observation {i} was acknowledged");
            stored.LastDate.Should().Be(Series.Day(i));
            forecasts.Add(res.NextVariance!.Value);
        }
        Console.WriteLine($"outage retries: {string.Join(", ", failures)}");
        var fit = MlNetLstm.Volatility.ArchVarianceModel.Garch().Fit(r.AsSpan(0, train));
        for (int i = outageAt; i < total; i++)
        {
            double expected = fit.ForecastVariance(r.AsSpan(0, i + 1), 1)[0];
            forecasts[i - outageAt].Should().BeApproximately(expected, 1e-12 * expected, $"observation {i}");
        }
    }
}

/// <summary>
/// Holds every series of a universe backtest on its silo before its walk-forward starts, and records where each started; released,
/// it lets go the series of every silo but one (the killed one: those stay held until the test ends, so they can never answer).
/// </summary>
internal sealed class GatedSeries : SeriesBacktestHook, IDisposable
{
    private readonly ConcurrentQueue<(string Name, string Silo)> _started = new();
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _startedSignal = new(0);
    private string? _held;

    public override async Task BeforeRunAsync(string seriesName, SiloAddress silo)
    {
        _started.Enqueue((seriesName, silo.ToString()));
        _startedSignal.Release();
        await _open.Task;
        if (silo.ToString() == _held) await _end.Task;
    }

    /// <summary>Waits until <paramref name="count"/> series have started and returns where.</summary>
    public async Task<(string Name, string Silo)[]> WaitForStarts(int count, TimeSpan timeout)
    {
        for (int i = 0; i < count; i++)
            if (!await _startedSignal.WaitAsync(timeout)) throw new TimeoutException($"{i} of {count} series started in {timeout.TotalSeconds} s");
        return _started.ToArray();
    }

    /// <summary>Lets the series go, except those on <paramref name="heldSilo"/>.</summary>
    public void Release(string heldSilo)
    {
        _held = heldSilo;
        _open.TrySetResult();
    }

    public void Dispose()
    {
        _open.TrySetResult();
        _end.TrySetException(new OperationCanceledException("the test ended"));
        _startedSignal.Dispose();
    }
}
