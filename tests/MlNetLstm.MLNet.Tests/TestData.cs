using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetLstm.MLNet.Tests;

public sealed class PriceRow
{
    public double Price { get; set; }
}

public sealed class SinglePriceRow
{
    public float Price { get; set; }
}

public sealed class TextRow
{
    public string Price { get; set; } = "";
}

public sealed class ReturnRow
{
    public double R { get; set; }
}

public sealed class ReturnIvRow
{
    public double R { get; set; }
    public float Iv { get; set; }
    public double Volume { get; set; }
}

internal static class TestData
{
    public static readonly string Root = FindRoot();

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MlNetLstm.sln not found above " + source);
    }

    /// <summary>Prices of a simulated GARCH(1,1) path.</summary>
    public static double[] Prices(int n, int seed = 7)
    {
        var rng = new Random(seed);
        var p = new double[n];
        double price = 100, h = 1e-4;
        for (int t = 0; t < n; t++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double e = Math.Sqrt(h) * z;
            h = 1e-6 + 0.08 * e * e + 0.9 * h;
            price *= Math.Exp(e);
            p[t] = price;
        }

        return p;
    }

    /// <summary>The bundled dem2gbp percentage returns (first <paramref name="n"/>).</summary>
    public static double[] Dem2Gbp(int n) => File.ReadLines(Path.Combine(Root, "tests", "data", "real", "dem2gbp.csv")).Skip(1).Take(n)
        .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();

    public static IDataView Load(MLContext ml, double[] prices) => ml.Data.LoadFromEnumerable(prices.Select(p => new PriceRow { Price = p }));

    public static IDataView LoadReturns(MLContext ml, double[] r) => ml.Data.LoadFromEnumerable(r.Select(x => new ReturnRow { R = x }));

    public static double[] Column(IDataView v, string name) => v.GetColumn<double>(name).ToArray();

    public static double[][] VectorColumn(IDataView v, string name) => v.GetColumn<double[]>(name).ToArray();

    /// <summary>Small and fast LSTM volatility options for tests.</summary>
    public static Volatility.Neural.LstmVolatilityOptions SmallLstm(int seed = 42) =>
        new() { HiddenSize = 4, Epochs = 3, SequenceLength = 32, BurnIn = 8, ContextLength = 48, Seed = seed };
}
