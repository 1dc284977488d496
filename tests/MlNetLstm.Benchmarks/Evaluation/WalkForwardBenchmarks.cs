using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using MlNetLstm.Evaluation;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;

namespace MlNetLstm.Benchmarks.Evaluation;

/// <summary>
/// 10,000-origin walk-forward (1,000-day rolling training window, refit every 20 days, one-step forecasts) on seeded
/// GARCH(1,1) returns. Run with
/// <c>dotnet run -c Release --project tests/MlNetLstm.Benchmarks -- --filter *WalkForwardBenchmarks*</c>,
/// or call <see cref="Quick"/> for a single stopwatch pass.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class WalkForwardBenchmarks
{
    public const int TrainSize = 1000;
    public const int Origins = 10_000;
    public const int RefitEvery = 20;

    private double[] _returns = [];

    [GlobalSetup]
    public void Setup() => _returns = SimulateGarch(TrainSize + Origins, seed: 42);

    [Benchmark(Description = "har")]
    public WalkForwardReport Har() => Run([new HarVarianceModel()], 1);

    [Benchmark(Description = "ewma (RiskMetrics 0.94)")]
    public WalkForwardReport Ewma() => Run([new EwmaVarianceModel()], 1);

    [Benchmark(Description = "ssa")]
    public WalkForwardReport Ssa() => Run([new SsaVarianceModel()], 1);

    [Benchmark(Description = "garch(1,1)")]
    public WalkForwardReport Garch() => Run([ArchVarianceModel.Garch()], 1);

    [Benchmark(Description = "har+ewma+ssa+garch, 2 threads")]
    public WalkForwardReport AllTwoThreads() =>
        Run([new HarVarianceModel(), new EwmaVarianceModel(), new SsaVarianceModel(), ArchVarianceModel.Garch()], 2);

    private WalkForwardReport Run(IVarianceModel[] models, int threads) =>
        WalkForward.Run(_returns, models, new WalkForwardOptions { TrainSize = TrainSize, TestSize = Origins, RefitEvery = RefitEvery, Threads = threads });

    /// <summary>One stopwatch pass over every benchmark (after one warm-up pass), printed to the console.</summary>
    public static void Quick()
    {
        var b = new WalkForwardBenchmarks();
        b.Setup();
        foreach (var (name, run) in new (string, Func<WalkForwardReport>)[] { ("har", b.Har), ("ewma", b.Ewma), ("ssa", b.Ssa), ("garch", b.Garch), ("all, 2 threads", b.AllTwoThreads) })
        {
            run();
            var sw = Stopwatch.StartNew();
            var report = run();
            sw.Stop();
            string models = string.Join(", ", report.Models.Select(m => $"{m.Name}: QLIKE {m.Qlike:F4}, MZ R² {m.MincerZarnowitzRSquared:F3}, fit {m.FitTime.TotalMilliseconds:F0} ms"));
            Console.WriteLine($"{name,-16} {sw.Elapsed.TotalMilliseconds,8:F0} ms   {models}");
        }
    }

    internal static double[] SimulateGarch(int n, int seed)
    {
        var rng = new Random(seed);
        var r = new double[n];
        double h = 0.02 / (1 - 0.08 - 0.9);
        for (int t = 0; t < n; t++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            r[t] = Math.Sqrt(h) * z;
            h = 0.02 + 0.08 * r[t] * r[t] + 0.9 * h;
        }
        return r;
    }
}
