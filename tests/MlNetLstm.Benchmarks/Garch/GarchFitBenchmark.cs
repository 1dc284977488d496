using BenchmarkDotNet.Attributes;
using MlNetLstm.Data;
using MlNetLstm.Volatility;

namespace MlNetLstm.Benchmarks.Garch;

/// <summary>One constant-mean GARCH(1,1)-Normal fit on dem2gbp (1974 daily returns), including standard errors.</summary>
[MemoryDiagnoser]
public class GarchFitBenchmark
{
    private double[] _returns = Array.Empty<double>();

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "data", "real", "dem2gbp.csv")))
        {
            dir = dir.Parent;
        }

        string path = dir is null ? "tests/data/real/dem2gbp.csv" : Path.Combine(dir.FullName, "tests", "data", "real", "dem2gbp.csv");
        _returns = CsvSeriesReader.ReadFile(path, "dem2gbp").ToArray();
    }

    [Benchmark]
    public double FitGarch11Dem2Gbp() => Arch.Fit(_returns).LogLikelihood;
}
