using MlNetLstm.Cli.Backtest;
using MlNetLstm.Cli.Text;
using MlNetLstm.Evaluation;
using MlNetLstm.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace MlNetLstm.Cli.Commands;

/// <summary><c>backtest --universe FOLDER --cluster X</c>: the series fanned out over a running Orleans cluster, one grain each.</summary>
internal static class UniverseCluster
{
    public static List<(BacktestSeries Set, WalkForwardReport Report, WalkForwardOptions Options, SeriesBacktestResult Result)> Run(
        BacktestCommand.Settings s, List<BacktestSeries> sets, string[] modelNames, IAnsiConsole progressConsole, TextWriter stderr)
    {
        var spec = BacktestModels.Spec(modelNames, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.Seeds, s.RegimeForm, s.AsymmetricInput, s.Shrinkage);
        var requests = sets.Select(set => new SeriesBacktestRequest
        {
            Name = set.Name,
            Returns = set.Returns,
            Models = spec,
            TrainSize = s.Train ?? Math.Min(BacktestCommand.DefaultMaxTrain, set.Returns.Length / 2),
            TestSize = s.Test,
            RefitEvery = s.Refit,
            Horizon = s.Horizon,
            Threads = 1,
        }).ToList();

        IHost client;
        try
        {
            client = ServiceHost.ConnectClient(s.Cluster!, s.ClusterId).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException($"--cluster {BacktestCommand.ClusterLabel(s.Cluster!)}: {CliErrors.Text(ex)}", ex);
        }
        using (client)
        {
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            SeriesBacktestResult[] results;
            using (var bar = new ProgressReporter(progressConsole, stderr, $"universe: {sets.Count} series on cluster {BacktestCommand.ClusterLabel(s.Cluster!)}", sets.Count))
            {
                var progress = new Progress(bar);
                results = UniverseBacktest.RunOnClusterAsync(grains, requests, progress, attempts: 5,
                    retried: (name, ex) => stderr.WriteLine($"{name}: a silo failed ({ex.GetType().Name}); running it again on another silo")).GetAwaiter().GetResult();
            }
            client.StopAsync().GetAwaiter().GetResult();
            return requests.Select((r, i) => (sets[i], UniverseBacktest.ToReport(r, results[i]), r.Options(1), results[i])).ToList();
        }
    }

    private sealed class Progress(ProgressReporter bar) : IProgress<SeriesBacktestResult>
    {
        private readonly object _gate = new();
        public void Report(SeriesBacktestResult value) { lock (_gate) bar.Advance(1); }
    }
}
