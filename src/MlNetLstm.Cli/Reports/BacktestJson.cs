using System.Globalization;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Backtest;
using MlNetLstm.Cli.Commands;
using MlNetLstm.Evaluation;
using Settings = MlNetLstm.Cli.Commands.BacktestCommand.Settings;

namespace MlNetLstm.Cli.Reports;

/// <summary>
/// results.json of <c>mlnetlstm backtest</c> (also its stdout with --format json): the first series' fields at the top level,
/// every series under "dataSets", and per model the losses, Mincer-Zarnowitz R², Diebold-Mariano tests against the benchmark,
/// fit times and fallbacks.
/// </summary>
internal static class BacktestJson
{
    internal static JsonObject Build(BacktestRun run, string hardware, Settings settings)
    {
        var sets = new JsonArray();
        foreach (var (set, report, _, best, _) in run.Results)
        {
            var models = new JsonArray();
            WalkForwardModelResult baseline = report[best];
            foreach (WalkForwardModelResult m in report.Models)
            {
                DieboldMarianoResult? dm = m.Name == best ? null : DieboldMariano.Test(Loss.Qlike,
                    m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), report.Proxy.ToArray(), new DieboldMarianoOptions { Horizon = report.Horizon });
                DieboldMarianoResult? dmMse = BacktestStatistics.DmMse(m, baseline, report);
                models.Add(new JsonObject
                {
                    ["name"] = m.Name,
                    ["qlike"] = m.Qlike,
                    ["mse"] = m.Mse,
                    ["mae"] = m.Mae,
                    ["mzR2"] = m.MincerZarnowitzRSquared,
                    ["dmStatistic"] = dm is null ? null : JsonValue.Create(dm.Statistic),
                    ["dmPValue"] = dm is null ? null : JsonValue.Create(dm.PValue),
                    ["dmMseStatistic"] = dmMse is null ? null : JsonValue.Create(dmMse.Statistic),
                    ["dmMsePValue"] = dmMse is null ? null : JsonValue.Create(dmMse.PValue),
                    // With --intraday: the same forecasts scored against the noisy proxy r², for comparison.
                    ["qlikeAgainstR2"] = set.Intraday is null ? null : JsonValue.Create(Losses.Qlike(m.Forecasts.ToArray(), BacktestStatistics.Squares(report))),
                    ["dmAgainstR2Statistic"] = set.Intraday is null || m.Name == best ? null
                        : JsonValue.Create(DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), BacktestStatistics.Squares(report), new DieboldMarianoOptions { Horizon = report.Horizon }).Statistic),
                    ["dmAgainstR2PValue"] = set.Intraday is null || m.Name == best ? null
                        : JsonValue.Create(DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), BacktestStatistics.Squares(report), new DieboldMarianoOptions { Horizon = report.Horizon }).PValue),
                    ["fitSeconds"] = run.FitSeconds(set, m),
                    ["fits"] = m.FitCount,
                    ["fallbacks"] = m.FallbackCount,
                    ["fallbackOrigins"] = new JsonArray(m.FallbackOrigins.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
                });
            }
            sets.Add(new JsonObject
            {
                ["dataSet"] = set.Name,
                ["returns"] = set.Returns.Length,
                ["firstOrigin"] = report.Origins[0],
                ["forecasts"] = report.Origins.Count,
                ["horizon"] = report.Horizon,
                ["lstmSeeds"] = settings.Seeds,
                ["anchor"] = settings.Anchor.ToString().ToLowerInvariant(),
                ["regimeForm"] = BacktestCommand.FormName(settings.RegimeForm),
                ["asymmetricInput"] = settings.AsymmetricInput,
                ["shrinkage"] = settings.Shrinkage.ToString().ToLowerInvariant(),
                ["exogenous"] = new JsonArray((set.Exogenous?.Names ?? []).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                ["bestModel"] = report.BestModel,
                ["bestBaseline"] = best,
                ["dmAgainst"] = best,
                ["proxy"] = set.Intraday is null ? "r2" : "rv",
                ["proxyDescription"] = set.Intraday is null ? "squared daily return r²" : $"daily {set.Intraday.Options.Describe()}",
                ["intraday"] = set.Intraday is not { } days ? null : new JsonObject
                {
                    ["rule"] = days.Options.Describe(),
                    ["timeZone"] = days.Options.TimeZone,
                    ["minimumReturns"] = days.Options.MinimumReturns,
                    ["overnight"] = days.Options.IncludeOvernight,
                    ["estimator"] = days.Options.Estimator.ToString(),
                    ["tradingDays"] = days.Returns.Count + 1,
                    ["firstDay"] = days.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["outsideSession"] = days.OutsideSession,
                    ["rejectedDays"] = new JsonArray(days.Rejected.Select(r => (JsonNode?)new JsonObject
                    {
                        ["day"] = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["intradayReturns"] = r.IntradayReturns, ["reason"] = r.Reason,
                    }).ToArray()),
                },
                ["models"] = models,
            });
        }
        JsonObject first = (JsonObject)sets[0]!.DeepClone();
        first["hardware"] = hardware;
        first["dataSets"] = sets;
        return first;
    }
}
