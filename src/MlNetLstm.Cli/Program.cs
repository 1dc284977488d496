using System.CommandLine;
using MlNetLstm.Cli.Commands;

namespace MlNetLstm.Cli;

/// <summary>Entry point of the <c>mlnetlstm</c> command-line tool.</summary>
public static class Program
{
    /// <summary>The tool's name as installed (`dotnet tool install` gives the command this name), shown in help and usage.</summary>
    public const string ToolName = "mlnetlstm";

    /// <summary>Builds the root command with every sub-command registered.</summary>
    public static Command BuildRootCommand()
    {
        // A plain command named as the installed tool (a RootCommand would take the assembly's name, MlNetLstm.Cli), with the
        // options a RootCommand has: --help and --version.
        var root = new Command(ToolName, "MlNetLstm: LSTM forecasting, GARCH-family volatility models and walk-forward evaluation.")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
        };
        // --- commands (one line each) ---
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(BacktestCommand.Create());
        root.Subcommands.Add(GarchCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        // --- end of commands ---
        return root;
    }

    /// <summary>Runs the tool.</summary>
    public static int Main(string[] args) => BuildRootCommand().Parse(args).Invoke();
}
