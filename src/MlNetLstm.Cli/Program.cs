using System.CommandLine;
using MlNetLstm.Cli.Commands;

namespace MlNetLstm.Cli;

/// <summary>Entry point of the <c>mlnetlstm</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Builds the root command with every sub-command registered.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("MlNetLstm: LSTM forecasting, GARCH-family volatility models and walk-forward evaluation.");
        // --- commands (one line each) ---
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(BacktestCommand.Create());
        root.Subcommands.Add(GarchCommand.Create());
        // --- end of commands ---
        return root;
    }

    /// <summary>Runs the tool.</summary>
    public static int Main(string[] args) => BuildRootCommand().Parse(args).Invoke();
}
