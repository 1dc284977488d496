using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Commands;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Realized;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Realized;

public class RealizedModelsTests
{
    private static string Repo([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static IntradayDays SmallDays(int days = 400) =>
        IntradayDays.Build(Sim(days).TimesUtc, Sim(days).Prices, new IntradaySessionOptions
        {
            TimeZone = "America/New_York", SessionOpen = new TimeSpan(9, 30, 0), SessionClose = new TimeSpan(16, 0, 0), MinimumReturns = 30, IncludeOvernight = true,
        });

    private static readonly Dictionary<int, SyntheticIntradayData> Cache = new();

    private static SyntheticIntradayData Sim(int days)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(days, out var d)) Cache[days] = d = SyntheticIntraday.Generate(new SyntheticIntradayOptions { Days = days, Seed = 11 });
            return d;
        }
    }

    [Fact]
    public void Har_rv_log_har_and_ewma_rv_forecast_from_the_rv_column_as_their_formulas_say()
    {
        IntradayDays days = SmallDays();
        double[] r = days.Returns.ToArray(), rv = days.Realized.ToArray();
        ExogenousSeries x = RealizedInputs.Create(rv);
        int n = 300;
        var fitted = new RealizedHarVarianceModel().Fit(r.AsSpan(0, n), x.Slice(0, n));
        var har = HarModel.Fit(rv.AsSpan(0, n));
        fitted.ForecastVariance(r.AsSpan(0, n + 10), x.Slice(0, n + 10), 3).Should().Equal(har.Forecast(rv.AsSpan(0, n + 10), 3));
        var logFit = new RealizedHarVarianceModel(log: true).Fit(r.AsSpan(0, n), x.Slice(0, n));
        var logHar = HarModel.Fit(rv.AsSpan(0, n), new HarOptions { Log = true });
        logFit.ForecastVariance(r.AsSpan(0, n), x.Slice(0, n), 1)[0].Should().Be(logHar.Forecast(rv.AsSpan(0, n), 1)[0]);
        new RealizedHarVarianceModel(log: true).Name.Should().Be("log-har");

        var ewma = new RealizedEwmaVarianceModel(0.9).Fit(r.AsSpan(0, n), x.Slice(0, n));
        double h = rv.Take(n).Average();
        foreach (double v in rv.Take(n + 5)) h = 0.9 * h + (1 - 0.9) * v;
        ewma.ForecastVariance(r.AsSpan(0, n + 5), x.Slice(0, n + 5), 2).Should().Equal(h, h);

        FluentActions.Invoking(() => new RealizedHarVarianceModel().Fit(r.AsSpan(0, n))).Should().Throw<ArgumentException>().WithMessage("*har-rv*exogenous column 'rv'*");
        FluentActions.Invoking(() => ((IVarianceModel)new RealizedEwmaVarianceModel()).Fit(r.AsSpan(0, n), ExogenousSeries.FromColumn("iv", rv.AsSpan(0, n))))
            .Should().Throw<ArgumentException>().WithMessage("*ewma-rv*'rv'*");
    }

    [Fact]
    public void The_realized_lstm_is_the_lstm_on_signed_root_rv_with_the_har_components_as_inputs()
    {
        IntradayDays days = SmallDays();
        double[] r = days.Returns.ToArray(), rv = days.Realized.ToArray();
        var (u, x) = RealizedLstmVarianceModel.Transform(r, RealizedInputs.Create(rv), "lstm");
        for (int t = 0; t < r.Length; t++)
        {
            (u[t] * u[t]).Should().BeApproximately(rv[t], 1e-15 * rv[t], "the target u² is RV");
            (u[t] < 0).Should().Be(r[t] < 0, "the sign is the day's return's (leverage)");
        }
        x.Names.Should().Equal(RealizedLstmVarianceModel.ComponentColumns);
        x[30, 1].Should().BeApproximately(Math.Log(rv.Skip(26).Take(5).Average()), 1e-12);
        x[30, 2].Should().BeApproximately(Math.Log(rv.Skip(9).Take(22).Average()), 1e-12);

        var o = new LstmVolatilityOptions { Epochs = 3, Seed = 3 };
        int n = 300;
        IFittedVarianceModel realized = new RealizedLstmVarianceModel(o).Fit(r.AsSpan(0, n), RealizedInputs.Create(rv.AsSpan(0, n)));
        var (un, xn) = RealizedLstmVarianceModel.Transform(r.AsSpan(0, n), RealizedInputs.Create(rv.AsSpan(0, n)), "lstm");
        var direct = new LstmVolatilityModel(o).Fit(un, xn);
        double[] f = realized.ForecastVariance(r.AsSpan(0, n), RealizedInputs.Create(rv.AsSpan(0, n)), 2);
        f.Should().Equal(direct.ForecastVariance(un, xn, 2), "the wrapper adds nothing but the transform");
        f.Should().OnlyContain(v => v > 0 && double.IsFinite(v));
        new RealizedLstmVarianceModel(o).Fit(r.AsSpan(0, n), RealizedInputs.Create(rv.AsSpan(0, n))).ForecastVariance(r.AsSpan(0, n), RealizedInputs.Create(rv.AsSpan(0, n)), 2)
            .Should().Equal(f, "same seed, same result");
        new RealizedLstmVarianceModel(o with { RegimeAdaptive = false }).Name.Should().Be("lstm");
    }

    [Fact]
    public void The_committed_synthetic_data_set_is_what_its_script_generates()
    {
        SyntheticIntradayData data = SyntheticIntraday.Generate(new SyntheticIntradayOptions());
        var csv = new StringWriter();
        data.WriteCsv(csv);
        var truth = new StringWriter();
        data.WriteTruthCsv(truth);
        string dir = Path.Combine(Repo(), "tests", "data", "synthetic");
        File.ReadAllText(Path.Combine(dir, "intraday-synthetic.csv")).Should().Be(csv.ToString(), "tests/data/synthetic/make-intraday.cs writes it with the default options");
        File.ReadAllText(Path.Combine(dir, "intraday-synthetic-truth.csv")).Should().Be(truth.ToString());
        File.ReadAllText(Path.Combine(dir, "make-intraday.cs")).Should().Contain("new SyntheticIntradayOptions()").And.Contain("SYNTHETIC");
    }

    [Fact]
    public void Backtest_intraday_evaluates_against_rv_names_the_proxy_and_lists_the_rejected_days()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-rv-").FullName;
        try
        {
            SyntheticIntradayData data = Sim(300);
            string csv = Path.Combine(dir, "intraday.csv");
            using (var w = new StreamWriter(csv)) data.WriteCsv(w);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var settings = new BacktestCommand.Settings
            {
                Data = csv, Column = "price", Input = "price", Intraday = true, TimeZone = "America/New_York", Session = "09:30-16:00", MinReturns = 30, Overnight = true,
                Train = 150, Refit = 50, Threads = 2, Out = Path.Combine(dir, "out"), Format = "json", Models = ["har-rv", "log-har", "garch", "ewma-rv", "lstm"], Seeds = 1,
            };
            int rc = BacktestCommand.Run(settings, stdout, stderr);
            rc.Should().Be(0, stderr.ToString());
            JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
            ((string)json["proxy"]!).Should().Be("rv");
            ((string)json["proxyDescription"]!).Should().Contain("09:30-16:00 America/New_York").And.Contain("overnight");
            ((string)json["dmAgainst"]!).Should().Be("har-rv");
            int halfDays = data.HalfDay.Skip(1).Count(h => h);
            json["intraday"]!["rejectedDays"]!.AsArray().Count.Should().Be(halfDays, "the simulated half days have 6 returns, fewer than 30");
            halfDays.Should().BeGreaterThan(0, "seed 11 has half days in 300 days");
            if (halfDays > 0) stderr.ToString().Should().Contain("left out, fewer than 30 intraday returns");

            // The losses are against RV: recompute QLIKE of har-rv with the core library on the same days.
            // (From the CSV as written: prices rounded to 6 decimals.)
            SeriesData file = CsvSeriesReader.ReadFile(csv, "price", new CsvSeriesOptions { DateColumn = "time" });
            IntradayDays days = IntradayDays.Build(file.Dates!, file.Values, BacktestCommand.SessionOptions(settings));
            var wf = new WalkForwardOptions { TrainSize = 150, RefitEvery = 50, Proxy = days.Realized, Exogenous = RealizedInputs.Create(days.Realized.ToArray()) };
            WalkForwardReport report = WalkForward.Run(days.Returns.ToArray(), [new RealizedHarVarianceModel(), new RealizedEwmaVarianceModel()], wf);
            var models = json["models"]!.AsArray().ToDictionary(m => (string)m!["name"]!);
            ((double)models["har-rv"]!["qlike"]!).Should().BeApproximately(report["har-rv"].Qlike, 1e-12);
            ((double)models["ewma-rv"]!["qlike"]!).Should().BeApproximately(report["ewma-rv"].Qlike, 1e-12);
            ((double)models["ewma-rv"]!["qlike"]!).Should().BeApproximately(Losses.Mean(Loss.Qlike, report["ewma-rv"].Forecasts.ToArray(), report.Proxy.ToArray()), 1e-12);
            var dmMse = DieboldMariano.Test(Loss.MeanSquaredError, report["ewma-rv"].Forecasts.ToArray(), report["har-rv"].Forecasts.ToArray(), report.Proxy.ToArray());
            ((double)models["ewma-rv"]!["dmMseStatistic"]!).Should().BeApproximately(dmMse.Statistic, 1e-9);
            models["har-rv"]!["dmMseStatistic"].Should().BeNull();
            string html = File.ReadAllText(Path.Combine(dir, "out", "report.html"));
            html.Should().Contain("Proxy: the daily session 09:30-16:00 America/New_York").And.Contain("DM (MSE) vs har-rv").And.Contain("mean of the realized RV");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Backtest_says_which_proxy_it_used_daily_r2_or_the_chosen_rv_estimator()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-rv-proxy-").FullName;
        try
        {
            string csv = Path.Combine(dir, "intraday.csv");
            using (var w = new StreamWriter(csv)) Sim(300).WriteCsv(w);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var kernel = new BacktestCommand.Settings
            {
                Data = csv, Column = "price", Input = "price", Intraday = true, TimeZone = "America/New_York", Session = "09:30-16:00", MinReturns = 30,
                Estimator = "kernel", Train = 150, Refit = 100, Out = Path.Combine(dir, "out"), Format = "json", Models = ["har-rv", "ewma-rv"],
            };
            BacktestCommand.Run(kernel, stdout, stderr).Should().Be(0, stderr.ToString());
            JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
            ((string)json["proxy"]!).Should().Be("rv");
            ((string)json["proxyDescription"]!).Should().Contain("Parzen realized kernel").And.Contain("overnight return excluded");
            ((string)json["intraday"]!["estimator"]!).Should().Be("RealizedKernel");

            // Daily returns: the proxy is r², and the JSON says so.
            string daily = Path.Combine(dir, "daily.csv");
            File.WriteAllLines(daily, ["r"], System.Text.Encoding.ASCII);
            File.AppendAllLines(daily, Sim(300).Prices.Skip(1).Select((p, i) => (Math.Log(p / Sim(300).Prices[i]) * 100).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Take(400));
            stdout = new StringWriter();
            BacktestCommand.Run(new BacktestCommand.Settings { Data = daily, Column = "r", Train = 200, Refit = 100, Out = Path.Combine(dir, "out2"), Format = "json", Models = ["ewma", "garch"] },
                stdout, stderr).Should().Be(0, stderr.ToString());
            json = JsonNode.Parse(stdout.ToString())!.AsObject();
            ((string)json["proxy"]!).Should().Be("r2");
            json["intraday"].Should().BeNull();
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void The_readme_realized_table_is_what_backtest_intraday_gives_on_the_committed_data()
    {
        // README "Realized volatility": the same command; one network per LSTM (the README quotes these single-network numbers too).
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-rv-readme-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var settings = new BacktestCommand.Settings
            {
                Data = Path.Combine(Repo(), "tests", "data", "synthetic", "intraday-synthetic.csv"), Column = "price", Input = "price", Intraday = true,
                TimeZone = "America/New_York", Session = "09:30-16:00", MinReturns = 30, Overnight = true, Seeds = 1, Threads = 2, Out = dir, Format = "json",
                // The LSTM defaults of the README table (README: --anchor blend --shrinkage none --regime-form absolute; issue 19 changed the defaults later).
                Anchor = VolatilityAnchor.Blend, Shrinkage = CorrectionShrinkage.None, RegimeForm = RegimeTermForm.AbsoluteShock,
                Models = ["lstm-regime", "lstm", "har-rv", "log-har", "garch", "gjr", "ewma-rv", "ewma"],
            };
            BacktestCommand.Run(settings, stdout, stderr).Should().Be(0, stderr.ToString());
            JsonObject json = JsonNode.Parse(stdout.ToString())!.AsObject();
            ((int)json["forecasts"]!).Should().Be(746);
            json["intraday"]!["rejectedDays"]!.AsArray().Count.Should().Be(7);
            var m = json["models"]!.AsArray().ToDictionary(x => (string)x!["name"]!);
            var qlike = new Dictionary<string, double>
            {
                ["lstm-regime"] = -8.0777, ["lstm"] = -8.0764, ["har-rv"] = -8.0715, ["log-har"] = -8.0819, ["garch"] = -7.9955, ["gjr"] = -7.9957, ["ewma-rv"] = -8.0391, ["ewma"] = -8.0224,
            };
            foreach (var (name, q) in qlike) ((double)m[name]!["qlike"]!).Should().BeApproximately(q, 5e-5, name);
            ((double)m["log-har"]!["dmStatistic"]!).Should().BeApproximately(-4.26, 0.005);
            ((double)m["log-har"]!["dmMseStatistic"]!).Should().BeApproximately(-2.58, 0.005);
            ((double)m["log-har"]!["dmAgainstR2Statistic"]!).Should().BeApproximately(-1.85, 0.005);
            ((double)m["ewma-rv"]!["dmAgainstR2Statistic"]!).Should().BeApproximately(1.26, 0.005);
            ((double)m["har-rv"]!["qlikeAgainstR2"]!).Should().BeApproximately(-8.0002, 5e-5);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Backtest_intraday_refuses_bad_options_before_any_work()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-rv-bad-").FullName;
        try
        {
            string csv = Path.Combine(dir, "intraday.csv");
            using (var w = new StreamWriter(csv)) Sim(100).WriteCsv(w);
            var ok = new BacktestCommand.Settings { Data = csv, Column = "price", Input = "price", Intraday = true, Out = Path.Combine(dir, "out"), Models = ["har-rv"] };
            (string, BacktestCommand.Settings)[] cases =
            [
                ("--intraday needs --input price", ok with { Input = "return" }),
                ("--session '9-16'", ok with { Session = "9-16" }),
                ("--time-zone 'Nowhere/Land'", ok with { TimeZone = "Nowhere/Land" }),
                ("need --intraday", ok with { Intraday = false, Session = "09:30-16:00" }),
                ("--rv-parameter needs --rv-estimator", ok with { EstimatorParameter = 3 }),
                ("--models: unknown model 'har-rv'", ok with { Intraday = false }),
                ("--min-returns must be at least 1", ok with { MinReturns = 0 }),
            ];
            foreach (var (message, settings) in cases)
            {
                var stderr = new StringWriter();
                BacktestCommand.Run(settings, new StringWriter(), stderr).Should().Be(2, message);
                stderr.ToString().Should().Contain(message);
            }
            File.WriteAllText(Path.Combine(dir, "notime.csv"), "price\n" + string.Join("\n", Enumerable.Range(1, 100).Select(i => (100 + i).ToString())) + "\n");
            var err = new StringWriter();
            BacktestCommand.Run(ok with { Data = Path.Combine(dir, "notime.csv") }, new StringWriter(), err).Should().Be(2);
            err.ToString().Should().Contain("no time column");
        }
        finally { Directory.Delete(dir, true); }
    }
}
