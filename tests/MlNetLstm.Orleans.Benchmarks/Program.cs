namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>
/// The Orleans service's benchmark (a measurement, not a test). Three modes:
/// <code>
/// dotnet run -c Release --project tests/MlNetLstm.Orleans.Benchmarks -- [inprocess] [options]   silos in this process (TestingHost)
/// dotnet run -c Release --project tests/MlNetLstm.Orleans.Benchmarks -- scaleout [options]      silos as processes, one core each
/// (silo ...: the child mode scaleout starts; not for use by hand)
/// options: --pg CONN  --pg-pid PID (its postmaster: measure its CPU)  --instruments N (GARCH, default 200)  --garch-window W (500)  --lstm-instruments N (default 8)  --observations M (default 200)
///          --series S (48)  --returns R (1250)  --train T (1000)  --refit K (10)  --repeat N (3)  --client-core K  --silo-min-threads N  --no-streams  --no-universe
/// </code>
/// See <see cref="InProcessBenchmark"/> and <see cref="ScaleOutBenchmark"/> for what each measures.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "inprocess";
        var rest = mode == args.FirstOrDefault() ? args[1..] : args;
        try
        {
            return mode switch
            {
                "inprocess" => await InProcessBenchmark.Run(BenchmarkOptions.Parse(rest)),
                "scaleout" => await ScaleOutBenchmark.Run(BenchmarkOptions.Parse(rest), rest),
                "silo" => await SiloChild.Run(rest),
                _ => throw new ArgumentException($"unknown mode '{mode}': inprocess or scaleout"),
            };
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
    }
}
