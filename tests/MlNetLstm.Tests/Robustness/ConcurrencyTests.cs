using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Ssa;
using MlNetLstm.Tests.Persistence;
using MlNetLstm.Volatility;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Robustness;

/// <summary>
/// Fitted models are immutable and safe to share: many threads predicting at once give exactly (bitwise) the sequential results.
/// Work items are started behind a barrier so the calls really overlap.
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 8;

    /// <summary>Runs <paramref name="work"/> for every item sequentially, then from <see cref="Threads"/> threads at once (each
    /// thread takes items round-robin, several passes), and checks every concurrent result equals the sequential one bitwise.</summary>
    private static void SameUnderContention<T>(int items, Func<int, T[]> work, Func<T, long> bits)
    {
        var expected = Enumerable.Range(0, items).Select(work).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var barrier = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            barrier.SignalAndWait();
            for (int pass = 0; pass < 3; pass++)
            {
                for (int i = (t + pass) % Threads; i < items; i += Threads)
                {
                    T[] got = work(i);
                    if (!got.Select(bits).SequenceEqual(expected[i].Select(bits))) failures.Add($"item {i}, thread {t}, pass {pass}");
                }
            }
        })).ToList();
        threads.ForEach(x => x.Start());
        threads.ForEach(x => x.Join());
        failures.Should().BeEmpty();
    }

    private static long Bits(float v) => BitConverter.SingleToInt32Bits(v);

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    [Fact]
    [Trait("Category", "Robustness")]
    public void Network_forward_passes_from_many_threads_equal_the_sequential_ones()
    {
        RecurrentNetwork[] nets = Enumerable.Range(0, NetworkSpecs.Length).Select(Network).ToArray();
        SameUnderContention<float>(32, i =>
        {
            RecurrentNetwork net = nets[i % nets.Length];
            RecurrentNetworkSpec s = net.Spec;
            int b = 1 + i % 3, t = 4 + i % 5;
            float[] x = PersistenceFixtures.Random(b * t * s.InputSize, i);
            float[] e = s.ExtraInputSize > 0 ? PersistenceFixtures.Random(b * t * s.ExtraInputSize, i + 1000) : [];
            RecurrentOutput y = net.Forward(x, b, t, e, captureTelemetry: i % 2 == 0);
            return [.. y.Values.ToArray(), .. y.FinalState.Hidden.ToArray()];
        }, Bits);
    }

    [Fact]
    [Trait("Category", "Robustness")]
    public void Forecast_model_predictions_and_per_thread_streaming_engines_equal_the_sequential_ones()
    {
        LstmForecastModel model = ForecastModel;
        SameUnderContention<float>(24, i =>
        {
            if (i % 3 == 0)
            {
                ForecastStreamingEngine engine = model.CreateStreamingEngine(); // one engine per caller
                return ForecastSeries.Take(20 + i).Select(engine.Step).ToArray();
            }
            return i % 3 == 1 ? model.Predict(ForecastSeries.AsSpan(i, 8)) : model.Forecast(ForecastSeries.AsSpan(0, 30 + i), 4);
        }, Bits);
    }

    [Fact]
    [Trait("Category", "Robustness")]
    public void Volatility_forecasts_of_lstm_garch_har_and_ssa_equal_the_sequential_ones()
    {
        var lstm = VolatilityModel;
        ArchFitResult garch = ArchFit;
        var har = Har;
        SsaForecaster ssa = SsaModel;
        var bootstrap = new ForecastOptions { Method = ForecastMethod.Bootstrap, Simulations = 50, Seed = 9 };
        SameUnderContention<double>(32, i => (i % 5) switch
        {
            0 => lstm.ForecastVariance(VolatilityReturns.AsSpan(0, 100 + 7 * i), 3),
            1 => garch.Forecast(ArchReturns.AsSpan(0, 300 + i), 5).ResidualVariance.ToArray(),
            2 => garch.Forecast(ArchReturns.AsSpan(0, 300 + i), 2, bootstrap).ResidualVariance.ToArray(),
            3 => har.Forecast(HarProxy.AsSpan(0, 100 + i), 3),
            _ => ssa.Forecast(SsaSeries.AsSpan(0, 60 + i), 4).Values.ToArray(),
        }, Bits);
    }
}
