using MlNetLstm.Cli.Commands;
using MlNetLstm.Cli.Reports;
using MlNetLstm.Cli.Text;
using MlNetLstm.Evaluation;
using MlNetLstm.Realized;
using MlNetLstm.Volatility.Neural;
using Spectre.Console;
using Settings = MlNetLstm.Cli.Commands.BacktestCommand.Settings;

namespace MlNetLstm.Cli.Backtest;

/// <summary>One series' walk-forward result: the report, its options, the DM benchmark and the gate telemetry (or null).</summary>
internal sealed record SeriesBacktest(BacktestSeries Set, WalkForwardReport Report, WalkForwardOptions Options, string BestBaseline,
    VolatilityTelemetry? Telemetry);

/// <summary>
/// The results of one <c>mlnetlstm backtest</c> run, with where its fit times come from (the silos' own measurements on a
/// cluster run, else the walk-forward report's).
/// </summary>
internal sealed class BacktestRun(IReadOnlyList<SeriesBacktest> results, IReadOnlyDictionary<(string Set, string Model), double>? clusterFitSeconds)
{
    /// <summary>One result per series, in the order of the series.</summary>
    public IReadOnlyList<SeriesBacktest> Results { get; } = results;

    /// <summary>Whether the fit times were measured on the silos of a cluster.</summary>
    public bool OnCluster => clusterFitSeconds is not null;

    /// <summary>Seconds spent fitting <paramref name="m"/> on <paramref name="set"/>.</summary>
    public double FitSeconds(BacktestSeries set, WalkForwardModelResult m) =>
        clusterFitSeconds is { } f && f.TryGetValue((set.Name, m.Name), out double v) ? v : m.FitTime.TotalSeconds;
}

/// <summary>
/// Runs the walk-forward backtest of every series: in this process (a progress bar weighted by each model's rough fit cost,
/// then the telemetry of lstm-regime for the gate charts), or fanned out over an Orleans cluster with --cluster.
/// </summary>
internal static class BacktestRunner
{
    /// <summary>The neural models of the line-up (the DM benchmark is the best of the others).</summary>
    internal static readonly string[] NeuralNames = ["lstm-regime", "lstm"];

    /// <summary>Runs every series; throws <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> on bad input.</summary>
    public static BacktestRun Run(Settings s, List<BacktestSeries> sets, string[] modelNames, IAnsiConsole progressConsole, TextWriter stderr)
    {
        var results = new List<SeriesBacktest>();
        if (s.Cluster is not null)
        {
            var fitSeconds = new Dictionary<(string Set, string Model), double>();
            foreach (var r in UniverseCluster.Run(s, sets, modelNames, progressConsole, stderr))
            {
                foreach (var m in r.Result.Models) fitSeconds[(r.Set.Name, m.Name)] = m.FitSeconds;
                string best = r.Report.Models.Where(m => !NeuralNames.Contains(m.Name)).OrderBy(m => m.Qlike).Select(m => m.Name).FirstOrDefault() ?? r.Report.BestModel;
                results.Add(new SeriesBacktest(r.Set, r.Report, r.Options, best, null));
            }
            return new BacktestRun(results, fitSeconds);
        }
        foreach (BacktestSeries set in sets)
        {
            int n = set.Returns.Length;
            int trainSize = s.Train ?? Math.Min(BacktestCommand.DefaultMaxTrain, n / 2);
            var wf = new WalkForwardOptions
            {
                TrainSize = trainSize,
                TestSize = s.Test,
                RefitEvery = s.Refit,
                Horizon = s.Horizon,
                Threads = s.Threads,
                Window = WalkForwardWindow.Rolling,
                RankingLoss = Loss.Qlike,
                Exogenous = set.Intraday is { } days ? RealizedInputs.Create(days.Realized.ToArray()) : set.Exogenous,
                Proxy = set.Intraday?.Realized,
                // No model may emit a non-finite or non-positive variance: such a forecast is replaced by the EWMA of the
                // history (no look-ahead) and counted per model (table column "fallbacks", JSON "fallbacks", report).
                InvalidForecasts = InvalidForecastPolicy.Fallback,
            };
            IReadOnlyList<IVarianceModel> models = set.Intraday is null
                ? BacktestModels.Create(modelNames, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.Seeds, s.RegimeForm, s.AsymmetricInput, s.Shrinkage)
                : BacktestModels.CreateRealized(modelNames, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.Seeds, s.RegimeForm, s.AsymmetricInput, s.Shrinkage);
            WalkForwardReport report = null!;
            string label = $"{set.Name}: walk-forward ({n:N0} returns, train {trainSize:N0}, refit every {s.Refit})";
            // Blocks differ in cost by model: weight each by a rough relative fit time so that the bar and its ETA move evenly.
            double Weight(string model) => NeuralNames.Contains(model) ? 100.0 * s.Seeds : model is "garch" or "gjr" ? 3 : 1;
            int blocksPerModel = ((s.Test ?? n - trainSize - s.Horizon + 1) + s.Refit - 1) / s.Refit;
            double totalWork = modelNames.Sum(Weight) * blocksPerModel;
            using (var bar = new ProgressReporter(progressConsole, stderr, label, totalWork))
            {
                var progress = new SynchronousProgress<WalkForwardProgress>(p => bar.Advance(Weight(p.Model)));
                report = WalkForward.Run(set.Returns, models, wf, progress);
            }
            string bestBaseline = set.Intraday is not null && modelNames.Contains(RealizedHarVarianceModel.LevelName) ? RealizedHarVarianceModel.LevelName
                : report.Models.Where(m => !NeuralNames.Contains(m.Name)).OrderBy(m => m.Qlike).Select(m => m.Name).FirstOrDefault()
                ?? report.BestModel;
            VolatilityTelemetry? telemetry = null;
            // (Not with --intraday: its lstm-regime runs on realized pseudo-returns; the gate charts are those of the daily model.)
            if (set.Intraday is null && modelNames.Contains(LstmVolatilityModel.RegimeName))
            {
                // Telemetry for the charts: the model fitted on the first training window, run over the whole test period
                // (the same options as the backtested lstm-regime, heads included; Explain reports its one-step head).
                int first = report.Origins[0];
                stderr.WriteLine($"{set.Name}: fitting lstm-regime once more for the gate charts...");
                var fitted = new LstmVolatilityModel(BacktestModels.LstmOptions(true, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.RegimeForm, s.AsymmetricInput, s.Shrinkage) with { Threads = s.Threads })
                    .Fit(set.Returns.AsSpan(first - trainSize, trainSize), set.Exogenous?.Slice(first - trainSize, trainSize));
                telemetry = fitted.Explain(set.Returns.AsSpan(first - trainSize), set.Exogenous?.Slice(first - trainSize, n - (first - trainSize)));
            }
            results.Add(new SeriesBacktest(set, report, wf, bestBaseline, telemetry));
        }
        return new BacktestRun(results, null);
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly object _gate = new();
        public void Report(T value) { lock (_gate) report(value); }
    }
}
