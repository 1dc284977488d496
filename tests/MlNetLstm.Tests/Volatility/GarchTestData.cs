using MlNetLstm.Data;

namespace MlNetLstm.Tests.Volatility;

internal static class GarchTestData
{
    private static readonly Lazy<double[]> Dem = new(() => CsvSeriesReader.ReadFile(PathOf("real", "dem2gbp.csv"), "dem2gbp").ToArray());
    private static readonly Lazy<double[]> Sp = new(() => CsvSeriesReader.ReadFile(PathOf("real", "sp500dge.csv"), "sp500_ret").ToArray());

    public static double[] Dem2Gbp => (double[])Dem.Value.Clone();

    public static double[] Sp500 => (double[])Sp.Value.Clone();

    public static string PathOf(params string[] parts)
    {
        DirectoryInfo? dir = null;
        foreach (var start in new[] { SourceDirectory(), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            dir = new DirectoryInfo(start);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "data")))
            {
                dir = dir.Parent;
            }

            if (dir is not null)
            {
                break;
            }
        }

        if (dir is null)
        {
            throw new DirectoryNotFoundException("Could not locate tests/data above " + AppContext.BaseDirectory);
        }

        return Path.Combine(new[] { dir.FullName, "tests", "data" }.Concat(parts).ToArray());
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "")
        => Path.GetDirectoryName(file) ?? ".";
}
