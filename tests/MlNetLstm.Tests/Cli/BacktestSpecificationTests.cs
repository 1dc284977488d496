using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Commands;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility;

namespace MlNetLstm.Tests.Cli;

/// <summary><c>backtest --models</c> with ARCH specifications in the text form of <see cref="ArchSpecification"/>.</summary>
public class BacktestSpecificationTests
{
    private static string Real(string file, [CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "data", "real", file);
    }

    [Fact]
    public void Backtest_models_take_a_garch_2_1_specification_and_score_it_as_the_library_walk_forward()
    {
        string outDir = Directory.CreateTempSubdirectory("mlnetlstm-bt-spec-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var settings = new BacktestCommand.Settings
            {
                Data = Real("dem2gbp.csv"), Column = "dem2gbp", Train = 600, Test = 100, Refit = 50, Threads = 2, Out = outDir, Format = "json",
                Models = ["garch(2,1)", "gjr(1,1,1)-t", "garch"],
            };
            BacktestCommand.Run(settings, stdout, stderr).Should().Be(0, stderr.ToString());
            JsonArray models = JsonNode.Parse(stdout.ToString())!["models"]!.AsArray();
            models.Select(m => (string)m!["name"]!).Should().Equal("garch(2,1)", "gjr(1,1,1)-t", "garch");

            double[] returns = CsvSeriesReader.ReadFile(Real("dem2gbp.csv"), "dem2gbp").ToArray();
            var options = new WalkForwardOptions
            {
                TrainSize = 600, TestSize = 100, RefitEvery = 50, Horizon = 1, Threads = 2, Window = WalkForwardWindow.Rolling,
                RankingLoss = Loss.Qlike, InvalidForecasts = InvalidForecastPolicy.Fallback,
            };
            WalkForwardReport library = WalkForward.Run(returns, [ArchVarianceModel.Parse("garch(2,1)"), ArchVarianceModel.Parse("gjr(1,1,1)-t"), ArchVarianceModel.Garch()], options);
            foreach (JsonNode? m in models)
            {
                string name = (string)m!["name"]!;
                ((double)m["qlike"]!).Should().BeApproximately(library[name].Qlike, 1e-12 * Math.Abs(library[name].Qlike), name);
                ((double)m["mse"]!).Should().BeApproximately(library[name].Mse, 1e-12 * library[name].Mse, name);
            }
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public void A_bad_specification_is_refused_before_any_work_naming_the_bad_token()
    {
        var stderr = new StringWriter();
        var settings = new BacktestCommand.Settings
        {
            Data = Real("dem2gbp.csv"), Column = "dem2gbp", Train = 600, Test = 100, Models = ["garch(2,x)"],
            Out = Path.Combine(Path.GetTempPath(), "mlnetlstm-never-written-" + Guid.NewGuid().ToString("N")),
        };
        BacktestCommand.Run(settings, new StringWriter(), stderr).Should().Be(2);
        stderr.ToString().Should().Contain("--models: unknown model 'garch(2,x)'").And.Contain("bad token 'garch(2,x)': setting 'x' is not a number");
        Directory.Exists(settings.Out).Should().BeFalse("nothing is written for a refused command line");
        MlNetLstm.Orleans.ModelSpec.Check("garch").Should().BeNull("a catalogue name");
        MlNetLstm.Orleans.ModelSpec.Check("egarch(1,1,1)-ged")!.ToString().Should().Be("constant:egarch(1,1,1)-ged");
        FluentActions.Invoking(() => new MlNetLstm.Orleans.ModelSpec { Models = ["lstm", "figarch"] }.Validate()).Should().Throw<ArgumentException>()
            .WithMessage("*Unknown model 'figarch'*bad token 'figarch'*");
    }
}
