using BenchmarkDotNet.Running;
using MlNetLstm.Benchmarks.Kernels;

namespace MlNetLstm.Benchmarks;

/// <summary>
/// Entry point. Quick (non-BenchmarkDotNet) modes: <c>gemm-peak</c>, <c>gemv</c>, <c>kernels-quick</c>
/// (see Kernels/KernelQuickModes.cs). Anything else goes to BenchmarkSwitcher, e.g.
/// <c>dotnet run -c Release --project tests/MlNetLstm.Benchmarks -- --filter *Activation*</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && KernelQuickModes.TryRun(args)) return 0;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
