using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using MlNetLstm.Cli;
using MlNetLstm.Cli.Commands;
using MlNetLstm.Cli.Reports;
using MlNetLstm.Cli.Text;
using MlNetLstm.Data;
using MlNetLstm.Models;
using MlNetLstm.Training;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Cli;

/// <summary>
/// The command line as a person meets it (issue 15): every input that used to crash or mislead gives a clear error naming the
/// option, line or column, before any long work, with a non-zero exit; summaries, numbers, help and progress as people read them.
/// </summary>
public class CliInputTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string Real(string file, [CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "data", "real", file);
    }

    private static double[] DemGbp() => CsvSeriesReader.ReadFile(Real("dem2gbp.csv"), "dem2gbp").ToArray();

    private static (int Rc, string Err) Backtest(BacktestCommand.Settings s)
    {
        var err = new StringWriter();
        int rc = BacktestCommand.Run(s, new StringWriter(), err);
        return (rc, err.ToString());
    }

    private static (int Rc, string Out, string Err) Garch(string data, string column, string dist = "normal")
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = GarchCommand.Run(new GarchCommand.Settings(data, column, "garch", dist, "constant", 1, "table", null), o, e);
        return (rc, o.ToString(), e.ToString());
    }

    // Item 1: --out is checked before the (here full, default) run starts: no progress line, exit 2, the existing file untouched.
    [Fact]
    public void Backtest_refuses_an_unusable_out_before_any_work()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-out-").FullName;
        try
        {
            string file = Path.Combine(dir, "existing-file.csv");
            File.WriteAllText(file, "keep me");
            foreach (string o in new[] { file, Path.Combine(file, "sub"), "/proc/mlnetlstm-xx" })
            {
                var (rc, err) = Backtest(new BacktestCommand.Settings { Out = o });
                rc.Should().Be(2, o);
                err.Should().StartWith($"error: --out '{o}'").And.NotContain("walk-forward", "nothing ran").And.NotContain("   at ", "no stack trace");
            }
            File.ReadAllText(file).Should().Be("keep me");
            Backtest(new BacktestCommand.Settings { Out = file }).Err.Should().Contain("is an existing file");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Items 2 and 3: sizes whose products overflow are refused, by the CLI before allocating and by the library itself.
    [Theory]
    [InlineData(100000, 100000, 1000, 64, "--batch 100000 x --seq 100000 x --input 1000")]
    [InlineData(65536, 65536, 1, 64, "4,294,967,296 input values")]
    [InlineData(1, 1, 1, 200000, "HiddenSize 200000")]
    [InlineData(1, 1, 1, 23200, "HiddenSize 23200")]
    [InlineData(30000, 30000, 1, 64, "GB")]
    public void Bench_refuses_sizes_that_overflow_or_do_not_fit_before_allocating(int batch, int seq, int input, int hidden, string expected)
    {
        string? problem = BenchCommand.Check(new BenchCommand.Config(batch, seq, input, hidden, 1, 1, 2.0));
        problem.Should().NotBeNull().And.Contain(expected).And.NotContain("(Parameter");
        BenchCommand.Check(new BenchCommand.Config(64, 64, 8, 64, 1, 1, 2.0)).Should().BeNull("the defaults are fine");
    }

    [Theory]
    [InlineData(23200, 1)]      // 4·H·(I + H + 2) just above int.MaxValue: used to throw OverflowException
    [InlineData(200000, 1)]     // used to allocate 4.3 GB and fail with IndexOutOfRangeException in Transpose
    [InlineData(1000, 600000)]  // the input-to-hidden matrix alone: 4·1000·600000
    public void Library_refuses_networks_whose_parameter_count_overflows(int hidden, int input)
    {
        var spec = new RecurrentNetworkSpec { InputSize = input, HiddenSize = hidden, OutputSize = 1, HeadMode = HeadMode.LastStep };
        Action create = () => RecurrentNetwork.Create(spec, seed: 1);
        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*HiddenSize {hidden}*parameters*");
        Action layout = () => RecurrentNetwork.CreateLayout(spec);
        layout.Should().Throw<ArgumentOutOfRangeException>();
        RecurrentNetwork.CreateLayout(spec with { HiddenSize = 64, InputSize = 8 }).TotalLength.Should().Be(4 * 64 * (8 + 64 + 2) + 64 + 1);
    }

    [Fact]
    public void Library_refuses_attention_models_whose_parameter_count_overflows()
    {
        var spec = new MlNetLstm.Models.Attention.LocalWindowAttentionSpec { InputSize = 1, ModelSize = 50000, WindowSize = 4, OutputSize = 1 };
        Action create = () => MlNetLstm.Models.Attention.LocalWindowAttention.Create(spec, 1);
        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[50000, 50000]*do not fit in one array*");
    }

    [Fact]
    public void Library_refuses_batches_and_datasets_whose_sizes_overflow()
    {
        var spec = new RecurrentNetworkSpec { InputSize = 1, HiddenSize = 64, OutputSize = 1, HeadMode = HeadMode.LastStep };
        var topology = new NetworkTopology(spec);
        Action ws = () => RecurrentWorkspace.CheckSize(topology, 65536, 65536);
        ws.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*batch 65536 × steps 65536*");
        RecurrentWorkspace.CheckSize(topology, 64, 64); // fits
        Action data = () => new SequenceDataset(ReadOnlySpan<float>.Empty, 65536, 65536, 1, new float[65536], 1);
        data.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*4,294,967,296 values*");
        Action forward = () => RecurrentNetwork.Create(spec, 1).Forward(Array.Empty<float>(), 65536, 65536);
        forward.Should().Throw<ArgumentException>().WithMessage("*4,294,967,296*");
    }

    // Item 4.
    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    [InlineData(0.0)]
    [InlineData(1e6)]
    public void Bench_refuses_seconds_that_never_end_or_make_no_sense(double seconds)
        => BenchCommand.Check(new BenchCommand.Config(64, 64, 8, 64, 1, 1, seconds)).Should().StartWith("--seconds must be");

    // Item 5: values that over- or underflow when squared are named as such (not "constant" or "all zero"), in the library and the CLI.
    [Theory]
    [InlineData(1e300, "too large")]
    [InlineData(1e-300, "too small")]
    public void Out_of_range_return_scales_are_named_not_called_constant(double factor, string expected)
    {
        double[] r = DemGbp().Select(v => v * factor).ToArray();
        Action garch = () => Arch.Create(r).Fit();
        garch.Should().Throw<ArgumentException>().WithMessage($"*{expected}*rescale*");
        Action lstm = () => new LstmVolatilityModel(new LstmVolatilityOptions()).Fit(r);
        lstm.Should().Throw<ArgumentException>().WithMessage($"*{expected}*");
        Action wf = () => MlNetLstm.Evaluation.WalkForward.Run(r, [new LstmVolatilityModel(new LstmVolatilityOptions())], new MlNetLstm.Evaluation.WalkForwardOptions { TrainSize = 600 });
        wf.Should().Throw<ArgumentException>().WithMessage($"*{expected}*");
        Arch.Create(DemGbp().Select(v => v * 1e50).ToArray()).Fit().LogLikelihood.Should().BeApproximately(-1106.60788104129 - 1974 * 50 * Math.Log(10), 1e-3,
            "within range, scaling returns by c shifts the log-likelihood by -N log c");

        string dir = Directory.CreateTempSubdirectory("mlnetlstm-scale-").FullName;
        try
        {
            string csv = Path.Combine(dir, "scaled.csv");
            File.WriteAllLines(csv, new[] { "r" }.Concat(r.Select(v => v.ToString("R", Inv))));
            var (rc, err) = Backtest(new BacktestCommand.Settings { Data = csv, Column = "r", Out = Path.Combine(dir, "out") });
            rc.Should().Be(2);
            err.Should().Contain("--column r").And.Contain(expected).And.NotContain("walk-forward", "checked before the run");
            var g = Garch(csv, "r");
            g.Rc.Should().Be(2);
            g.Err.Should().Contain("--column r").And.Contain(expected);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Item 6.
    [Fact]
    public void A_bad_price_is_named_by_file_line_and_column_and_a_folder_is_not_called_missing()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-price-").FullName;
        try
        {
            var prices = new List<string> { "p" };
            double p = 100;
            foreach (double r in DemGbp().Take(400)) prices.Add((p *= 1 + r / 100).ToString("R", Inv));
            prices[301] = "-5"; // price index 300, file line 302
            string csv = Path.Combine(dir, "prices.csv");
            File.WriteAllLines(csv, prices);
            var (rc, err) = Backtest(new BacktestCommand.Settings { Data = csv, Column = "p", Input = "price", Train = 100, Out = Path.Combine(dir, "out") });
            rc.Should().Be(2);
            err.Should().Contain("prices.csv, line 302, column 'p'").And.Contain("not positive").And.NotContain("index");

            (rc, err) = Backtest(new BacktestCommand.Settings { Data = dir, Column = "p", Out = Path.Combine(dir, "out") });
            rc.Should().Be(2);
            err.Should().Contain("is a folder").And.NotContain("does not exist");
            Garch(dir, "p").Err.Should().Contain("is a folder");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_test_period_too_short_for_the_horizon_names_the_options()
    {
        var (rc, err) = Backtest(new BacktestCommand.Settings { Data = Real("dem2gbp.csv"), Column = "dem2gbp", Horizon = 50, Test = 20 });
        rc.Should().Be(2);
        err.Should().Contain("--test 20").And.Contain("--horizon 50").And.NotContain("WalkForwardOptions");
        (rc, err) = Backtest(new BacktestCommand.Settings { Data = Real("dem2gbp.csv"), Column = "dem2gbp", Train = 1970, Horizon = 5 });
        rc.Should().Be(2);
        err.Should().Contain("--train 1,970").And.Contain("forecast origins");
    }

    // Item 7: garch checks a 'date' column as backtest does; a duplicated column name is refused everywhere.
    [Fact]
    public void Garch_checks_the_date_column_and_both_commands_refuse_a_duplicated_column_name()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-dates-").FullName;
        try
        {
            double[] r = DemGbp();
            string Row(int i, DateTime d) => $"{d:yyyy-MM-dd},{r[i].ToString("R", Inv)}";
            var day0 = new DateTime(2000, 1, 3);
            string sorted = Path.Combine(dir, "sorted.csv"), unsorted = Path.Combine(dir, "unsorted.csv"), dup = Path.Combine(dir, "dup.csv"), twice = Path.Combine(dir, "twice.csv");
            File.WriteAllLines(sorted, new[] { "date,r" }.Concat(Enumerable.Range(0, 500).Select(i => Row(i, day0.AddDays(i)))));
            File.WriteAllLines(unsorted, new[] { "date,r" }.Concat(Enumerable.Range(0, 500).Select(i => Row(i, day0.AddDays(i == 100 ? -5 : i)))));
            File.WriteAllLines(dup, new[] { "Date,r" }.Concat(Enumerable.Range(0, 500).Select(i => Row(i, day0.AddDays(i == 100 ? 99 : i)))));
            File.WriteAllLines(twice, new[] { "date,r,r" }.Concat(Enumerable.Range(0, 500).Select(i => Row(i, day0.AddDays(i)) + ",0.5")));

            Garch(sorted, "r").Rc.Should().Be(0);
            var g = Garch(unsorted, "r");
            g.Rc.Should().Be(2);
            g.Err.Should().Contain("line 102").And.Contain("column 'date'").And.Contain("not sorted");
            g = Garch(dup, "r");
            g.Rc.Should().Be(2);
            g.Err.Should().Contain("line 102").And.Contain("duplicate date");
            g = Garch(twice, "r");
            g.Rc.Should().Be(2);
            g.Err.Should().Contain("column 'r'").And.Contain("2 times");
            var (rc, err) = Backtest(new BacktestCommand.Settings { Data = twice, Column = "r", Out = Path.Combine(dir, "out") });
            rc.Should().Be(2);
            err.Should().Contain("column 'r'").And.Contain("2 times");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ArchFitResult_summary_shows_what_arch_summary_shows_with_t_and_p_from_the_fit()
    {
        ArchFitResult fit = Arch.Create(DemGbp()).Fit();
        string text = fit.Summary();
        fit.ToString().Should().Be(text);
        text.Should().Contain("Log-likelihood:").And.Contain("-1106.608").And.Contain($"AIC:").And.Contain(fit.Aic.ToString("F3", Inv))
            .And.Contain(fit.Bic.ToString("F3", Inv)).And.Contain("No. observations:").And.Contain("1974").And.Contain("Converged:").And.Contain("yes")
            .And.Contain("Mean model").And.Contain("Volatility model").And.Contain("robust (QMLE sandwich)");
        text.Split('\n').Where(l => l.StartsWith("mu ", StringComparison.Ordinal) || l.StartsWith("omega ", StringComparison.Ordinal))
            .Should().HaveCount(2).And.OnlyContain(l => !l.Contains('E'), "one style per row: fixed, with its interval (mu's lower bound is -0.0241)");
        string alpha = text.Split('\n').Single(l => l.StartsWith("alpha ", StringComparison.Ordinal));
        string[] f = alpha.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double.Parse(f[1], Inv).Should().BeApproximately(0.15313406182, 5e-5);
        double.Parse(f[2], Inv).Should().BeApproximately(0.053531703, 5e-5, "robust s.e. of the FCP benchmark");
        double.Parse(f[3], Inv).Should().BeApproximately(fit.Parameters["alpha"] / fit.RobustStandardErrors["alpha"], 1e-3);
        double.Parse(f[4], Inv).Should().BeApproximately(2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(double.Parse(f[3], Inv))), 1e-4);
        fit.Summary(robust: false).Split('\n').Single(l => l.StartsWith("alpha ", StringComparison.Ordinal)).Should().Contain("0.0265", "Hessian s.e. 0.0265228");
        fit.Persistence.Should().BeApproximately(0.15313406182 + 0.80597367031, 1e-6);
        fit.AtStationarityBoundary.Should().BeFalse();
    }

    [Fact]
    public void Student_t_on_dem2gbp_is_a_boundary_solution_and_says_so_once()
    {
        ArchFitResult fit = Arch.Create(DemGbp(), distribution: "t").Fit();
        fit.Persistence.Should().BeGreaterThan(1 - ArchFitResult.BoundaryTolerance, "fGarch's unconstrained estimate has alpha + beta = 1.009");
        fit.AtStationarityBoundary.Should().BeTrue();
        fit.Convergence.Converged.Should().BeFalse();
        fit.Convergence.Message.Should().StartWith("Boundary solution").And.Contain("integrated GARCH");
        var (rc, output, err) = Garch(Real("dem2gbp.csv"), "dem2gbp", "t");
        rc.Should().Be(3, "not converged");
        output.Should().Contain("Stationary:").And.Contain("no (boundary)").And.Contain("Boundary solution").And.NotContain("NOT CONVERGED");
        err.Should().Contain("did not converge");
        var json = new StringWriter();
        GarchCommand.Run(new GarchCommand.Settings(Real("dem2gbp.csv"), "dem2gbp", "garch", "t", "constant", 1, "json", null), json, new StringWriter()).Should().Be(3);
        var o = System.Text.Json.Nodes.JsonNode.Parse(json.ToString())!;
        ((bool)o["atStationarityBoundary"]!).Should().BeTrue();
        ((double)o["persistence"]!).Should().BeApproximately(1, 1e-6);
    }

    [Fact]
    public void Numbers_use_one_style_per_column()
    {
        var sci = NumberFormat.ForColumn([9.743e-5, 0.00010161, 2.5e-7]);
        sci(9.743e-5).Should().Be("9.7430E-05");
        sci(0.00010161).Should().Be("1.0161E-04");
        var fix = NumberFormat.ForColumn([-8.7115, -0.92767, 0.5]);
        fix(-8.7115).Should().Be("-8.71150");
        fix(0.5).Should().Be("0.50000");
        NumberFormat.ForColumn([0.052, double.NaN], 4)(double.NaN).Should().Be("–");
        NumberFormat.PValue(3.281e-12).Should().Be("<0.0001");
        NumberFormat.PValue(0.0120).Should().Be("0.0120");
        NumberFormat.One(4.4e-1, 1).Should().Be("0.4");
        NumberFormat.One(3.4e-18, 1).Should().Be("3.4E-18");
    }

    [Fact]
    public void Help_names_the_tool_as_installed()
    {
        var output = new StringWriter();
        Program.BuildRootCommand().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output }).Should().Be(0);
        output.ToString().Should().Contain("mlnetlstm [command] [options]").And.NotContain("MlNetLstm.Cli");
        output = new StringWriter();
        Program.BuildRootCommand().Parse(["garch", "--help"]).Invoke(new InvocationConfiguration { Output = output });
        output.ToString().Should().Contain("mlnetlstm garch [options]");
    }

    [Fact]
    public void Progress_reports_an_eta_and_prints_at_each_tenth_when_not_on_a_terminal()
    {
        ProgressReporter.Status(0.25, TimeSpan.FromSeconds(10)).Should().Be(" 25 %, 10.0 s elapsed, about 30.0 s left");
        ProgressReporter.Status(0.5, TimeSpan.FromSeconds(150)).Should().Be(" 50 %, 2 min 30 s elapsed, about 2 min 30 s left");
        var log = new StringWriter();
        using (var bar = new ProgressReporter(MlNetLstm.Cli.Reports.BacktestConsoleTable.CreateConsole(new StringWriter(), false), log, "job", 100))
            for (int i = 0; i < 100; i++) bar.Advance(1);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(11, "0 % and each further tenth");
        lines[1].Should().StartWith("job:  10 %").And.Contain("left");
        lines[^1].Should().StartWith("job: 100 %");
    }

    [Fact]
    public void Bundled_dates_are_increasing_trading_days_exact_at_the_anchors()
    {
        double[] sp = CsvSeriesReader.ReadFile(Real("sp500dge.csv"), "sp500_ret").ToArray();
        DateTime[] d = BundledDates.Interpolate(sp.Length, BundledDates.Sp500Anchors);
        d.Zip(d.Skip(1)).Should().OnlyContain(p => p.First < p.Second);
        d.Should().OnlyContain(x => x.DayOfWeek != DayOfWeek.Sunday && (x.DayOfWeek != DayOfWeek.Saturday || x.Year < 1953));
        int crash = Array.IndexOf(sp, sp.Min());
        crash.Should().Be(16076, "the anchor is the series' largest fall");
        d[crash].Should().Be(new DateTime(1987, 10, 19));
        d[0].Should().Be(new DateTime(1928, 1, 3));
        d[^1].Should().Be(new DateTime(1991, 8, 30));
        DateTime[] fx = BundledDates.Interpolate(DemGbp().Length, BundledDates.DemGbpAnchors);
        fx[0].Should().Be(new DateTime(1984, 1, 3));
        fx[^1].Should().Be(new DateTime(1991, 12, 31));
        fx.Should().OnlyContain(x => x.DayOfWeek != DayOfWeek.Saturday && x.DayOfWeek != DayOfWeek.Sunday);
    }

    [Fact]
    public void Report_summary_names_the_winner_its_margin_and_the_dm_test()
    {
        BacktestRow Row(string n, double q, double dm, double p) => new(n, q, 1, 1, 0.1, dm, p, 1);
        BacktestSection Section(params BacktestRow[] rows) => new("S", "d", "gjr", rows, null, _ => true, null, [1.0], [], null, null, null, null);
        BacktestHtmlReport.SummaryHtml(Section(Row("lstm-regime", -8.7115, -2.51, 0.012), Row("gjr", -8.7027, double.NaN, double.NaN)))
            .Should().Contain("<b>lstm-regime</b> has the lowest QLIKE (-8.7115), 0.0088 below the best baseline gjr").And.Contain("DM = -2.51, p = 0.0120: significant at 5 %");
        BacktestHtmlReport.SummaryHtml(Section(Row("lstm", -0.9268, 0.5, 0.617), Row("gjr", -0.9365, double.NaN, double.NaN)))
            .Should().Contain("the baseline <b>gjr</b> has the lowest QLIKE").And.Contain("lstm, is 0.0097 worse").And.Contain("not significant at 5 %");
    }
}
