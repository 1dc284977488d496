using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Commands;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Cli;

public class CliTests
{
    private static string Real(string file, [CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "data", "real", file);
    }

    [Fact]
    public void Garch_json_is_one_object_with_the_fcp_benchmark_estimates()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int rc = GarchCommand.Run(new GarchCommand.Settings(Real("dem2gbp.csv"), "dem2gbp", "garch", "normal", "constant", 3, "json", null), stdout, stderr);
        rc.Should().Be(0, stderr.ToString());
        JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
        ((double)json["parameters"]!["mu"]!).Should().BeApproximately(-0.0061904083799, 1e-8);
        ((double)json["parameters"]!["omega"]!).Should().BeApproximately(0.0107613978518, 1e-8);
        ((double)json["parameters"]!["alpha"]!).Should().BeApproximately(0.15313406182, 1e-7);
        ((double)json["parameters"]!["beta"]!).Should().BeApproximately(0.80597367031, 1e-7);
        ((double)json["logLikelihood"]!).Should().BeApproximately(-1106.60788104129, 1e-6);
        ((double)json["standardErrors"]!["alpha"]!).Should().BeApproximately(0.0265228, 5e-7);
        ((double)json["robustStandardErrors"]!["beta"]!).Should().BeApproximately(0.07246145, 5e-7);
        ((double)json["fitMilliseconds"]!).Should().BePositive();
    }

    [Fact]
    public void Garch_reports_a_missing_column_with_exit_code_2()
    {
        var stderr = new StringWriter();
        int rc = GarchCommand.Run(new GarchCommand.Settings(Real("dem2gbp.csv"), "nope", "garch", "normal", "constant", 1, "json", null), new StringWriter(), stderr);
        rc.Should().Be(2);
        stderr.ToString().Should().Contain("column 'nope'").And.Contain("does not exist");
    }

    [Fact]
    public void Backtest_json_lists_every_model_with_losses_and_dm_against_the_best_baseline()
    {
        string outDir = Directory.CreateTempSubdirectory("mlnetlstm-bt-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var settings = new BacktestCommand.Settings
            {
                Data = Real("dem2gbp.csv"), Column = "dem2gbp", Train = 600, Test = 200, Refit = 100, Threads = 2, Out = outDir, Format = "json",
                Models = ["lstm", "garch", "ewma", "har"],
            };
            int rc = BacktestCommand.Run(settings, stdout, stderr);
            rc.Should().Be(0, stderr.ToString());
            JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
            JsonArray models = json["models"]!.AsArray();
            models.Select(m => (string)m!["name"]!).Should().Equal("lstm", "garch", "ewma", "har");
            foreach (JsonNode? m in models)
            {
                foreach (string key in new[] { "qlike", "mse", "mae", "fitSeconds" }) double.IsFinite((double)m![key]!).Should().BeTrue(key);
                m!.AsObject().ContainsKey("dmStatistic").Should().BeTrue();
                m!.AsObject().ContainsKey("dmPValue").Should().BeTrue();
                // Every model reports how many forecasts needed the fallback (none here: all four are well-behaved on DEM/GBP).
                ((int)m!["fallbacks"]!).Should().Be(0);
                m!["fallbackOrigins"]!.AsArray().Should().BeEmpty();
            }
            string best = (string)json["bestBaseline"]!;
            models.Single(m => (string)m!["name"]! == best)!["dmStatistic"].Should().BeNull("a model is not tested against itself");
            string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
            html.Contains("data:image/png;base64,").Should().BeTrue("charts are embedded PNGs");
            html.Contains("DM vs").Should().BeTrue();
            html.Contains(">fallbacks</th>").Should().BeTrue("the report's loss table has a fallbacks column");
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public void Backtest_at_horizon_5_with_direct_heads_gives_the_lstms_five_heads_and_scores_their_fifth()
    {
        BacktestModels.LstmOptions(true, 42, false, LstmVolatilityOptions.DefaultAnchor, 1).Should().Be(new LstmVolatilityOptions(), "horizon 1 is the default model");
        BacktestModels.LstmOptions(true, 42, false, LstmVolatilityOptions.DefaultAnchor, 5).Should().Be(new LstmVolatilityOptions(), "without --direct-heads the single head fades");
        BacktestModels.Create(["lstm-regime", "lstm", "ewma"], 42, horizon: 5, directHeads: true).OfType<LstmVolatilityModel>().Select(m => m.Options.Horizons).Should().Equal(5, 5);
        BacktestModels.LstmOptions(false, 42, false, VolatilityAnchor.Blend, 500, directHeads: true).Horizons.Should().Be(LstmVolatilityOptions.DefaultSequenceLength - LstmVolatilityOptions.DefaultBurnIn, "capped at SequenceLength - BurnIn");

        string outDir = Directory.CreateTempSubdirectory("mlnetlstm-bt-h5-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var settings = new BacktestCommand.Settings
            {
                Data = Real("dem2gbp.csv"), Column = "dem2gbp", Horizon = 5, DirectHeads = true, Seeds = 1, Train = 600, Test = 100, Refit = 100, Threads = 2, Out = outDir, Format = "json",
                Models = ["lstm", "ewma"],
            };
            BacktestCommand.Run(settings, stdout, stderr).Should().Be(0, stderr.ToString());
            JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
            ((int)json["horizon"]!).Should().Be(5);
            ((int)json["lstmSeeds"]!).Should().Be(1);
            double cliLstm = (double)json["models"]!.AsArray().Single(m => (string)m!["name"]! == "lstm")!["qlike"]!;

            // The same walk-forward by hand: the 5-step forecast of a five-head LSTM against r²_{t+5}; a single-head LSTM (its
            // faded one-step correction) scores differently.
            double[] r = MlNetLstm.Data.CsvSeriesReader.ReadFile(Real("dem2gbp.csv"), "dem2gbp").ToArray();
            var wf = new WalkForwardOptions { TrainSize = 600, TestSize = 100, RefitEvery = 100, Horizon = 5, Threads = 2, Window = WalkForwardWindow.Rolling, RankingLoss = Loss.Qlike };
            var plain = new LstmVolatilityOptions { RegimeAdaptive = false };
            double heads = WalkForward.Run(r, [new LstmVolatilityModel(plain with { Horizons = 5 })], wf).Models[0].Qlike;
            double single = WalkForward.Run(r, [new LstmVolatilityModel(plain)], wf).Models[0].Qlike;
            cliLstm.Should().Be(heads);
            single.Should().NotBe(heads);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public void Backtest_rejects_bad_input_naming_the_problem()
    {
        var stderr = new StringWriter();
        BacktestCommand.Run(new BacktestCommand.Settings { Data = Real("dem2gbp.csv") }, new StringWriter(), stderr).Should().Be(2);
        stderr.ToString().Should().Contain("--column");

        string csv = Path.GetTempFileName();
        try
        {
            File.WriteAllText(csv, "date,price\n2020-01-02,100\n2020-01-01,101\n");
            stderr = new StringWriter();
            BacktestCommand.Run(new BacktestCommand.Settings { Data = csv, Column = "price", Input = "price" }, new StringWriter(), stderr).Should().Be(2);
            stderr.ToString().Should().Contain("line 3");

            File.WriteAllText(csv, "value\n" + string.Join("\n", Enumerable.Range(0, 100).Select(i => (0.01 * Math.Sin(i)).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "\n");
            stderr = new StringWriter();
            BacktestCommand.Run(new BacktestCommand.Settings { Data = csv, Column = "value", Train = 98, Models = ["ewma"], Out = Path.Combine(Path.GetTempPath(), "mlnetlstm-never-written") }, new StringWriter(), stderr).Should().Be(2);
            stderr.ToString().Should().Contain("forecast origins");
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void Backtest_feeds_exogenous_columns_to_the_lstms_and_names_bad_ones()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-bt-exog-").FullName;
        try
        {
            (double[] r, double[] iv) = MlNetLstm.Tests.Volatility.Neural.ExogenousInputTests.StochasticVolatility(700, 11);
            string csv = Path.Combine(dir, "data.csv");
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            File.WriteAllLines(csv, new[] { "date,ret,iv,volume" }.Concat(r.Select((v, t) =>
                $"{new DateTime(2000, 1, 1).AddDays(t):yyyy-MM-dd},{v.ToString("R", inv)},{iv[t].ToString("R", inv)},{(1000 + t).ToString(inv)}")));
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var settings = new BacktestCommand.Settings
            {
                Data = csv, Column = "ret", Exogenous = ["iv", "volume"], GarchFeature = true, Train = 400, Test = 100, Refit = 100, Threads = 2,
                Out = Path.Combine(dir, "out"), Format = "json", Models = ["lstm-regime", "ewma"],
            };
            BacktestCommand.Run(settings, stdout, stderr).Should().Be(0, stderr.ToString());
            JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
            json["exogenous"]!.AsArray().Select(n => (string)n!).Should().Equal("iv", "volume");
            ((int)json["lstmSeeds"]!).Should().Be(BacktestCommand.DefaultSeeds);
            File.ReadAllText(Path.Combine(dir, "out", "report.html")).Should().Contain($"Each LSTM is a {BacktestCommand.DefaultSeeds}-seed ensemble");
            json["models"]!.AsArray().Select(m => (string)m!["name"]!).Should().Equal("lstm-regime", "ewma");
            File.ReadAllText(Path.Combine(dir, "out", "report.html")).Should().Contain("Exogenous inputs of the LSTMs: iv, volume");

            stderr = new StringWriter();
            BacktestCommand.Run(settings with { Exogenous = ["vix"] }, new StringWriter(), stderr).Should().Be(2);
            stderr.ToString().Should().Contain("column 'vix'").And.Contain("does not exist");

            stderr = new StringWriter();
            BacktestCommand.Run(new BacktestCommand.Settings { Exogenous = ["iv"] }, new StringWriter(), stderr).Should().Be(2);
            stderr.ToString().Should().Contain("--exog needs --data");

            string[] lines = File.ReadAllLines(csv);
            lines[10] = string.Join(',', lines[10].Split(',')[..2]) + ",,1009";
            File.WriteAllLines(csv, lines);
            stderr = new StringWriter();
            BacktestCommand.Run(settings, new StringWriter(), stderr).Should().Be(2);
            stderr.ToString().Should().Contain("line 11").And.Contain("column 'iv'").And.Contain("missing value");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
