using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.MLNet;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Benchmarks.MLNet;

/// <summary>
/// The ML.NET adapter's volatility columns over the bundled S&amp;P 500 (all 17,054 daily returns) against the core library's
/// streaming forecasts over the same rows: the LSTM volatility column (cursoring the transformed IDataView) against
/// <see cref="LstmVolatilityStream"/> one step per return, and the GARCH(1,1) column against <see cref="ArchForecastStream"/>.
/// The issue's target: the column in at most twice the core's time. Models are fitted once in the setup (first 2,000 rows;
/// the LSTM with the default network and 10 epochs).
/// <c>dotnet run -c Release --project tests/MlNetLstm.Benchmarks -- --filter *MlNetVolatility* --job short</c>
/// </summary>
[MemoryDiagnoser]
public class MlNetVolatilityBenchmarks
{
    private double[] _returns = [];
    private IDataView _data = null!;
    private LstmVolatilityTransformer _lstm = null!;
    private GarchVolatilityTransformer _garch = null!;

    public sealed class Row
    {
        public double R { get; set; }
    }

    [GlobalSetup]
    public void Setup()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MlNetLstm.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("MlNetLstm.sln not found");
        _returns = File.ReadLines(Path.Combine(root, "tests", "data", "real", "sp500dge.csv")).Skip(1)
            .Select(l => 100 * double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var ml = new MLContext(seed: 1);
        _data = ml.Data.LoadFromEnumerable(_returns.Select(r => new Row { R = r }).ToArray());
        var train = ml.Data.TakeRows(_data, 2000);
        _lstm = ml.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options
        {
            OutputColumnName = "Lstm", InputColumnName = "R", Model = new LstmVolatilityOptions { Epochs = 10 }, Seed = 1,
        }).Fit(train);
        _garch = ml.Forecasting.ForecastVolatilityByGarch("Garch", "R").Fit(train);
    }

    [Benchmark(Baseline = true, Description = "core LstmVolatilityStream")]
    public double CoreLstmStream()
    {
        var s = new LstmVolatilityStream(_lstm.Forecaster);
        double sum = 0;
        foreach (double r in _returns)
        {
            s.Update(r);
            sum += s.ForecastOneStep();
        }

        return sum;
    }

    [Benchmark(Description = "ML.NET LSTM volatility column")]
    public double MlNetLstmColumn() => Sum(_lstm.Transform(_data), "Lstm");

    [Benchmark(Description = "core ArchForecastStream")]
    public double CoreGarchStream()
    {
        var s = new ArchForecastStream(_garch.Fit);
        double sum = 0;
        foreach (double r in _returns)
        {
            s.Update(r);
            sum += s.ForecastOneStep();
        }

        return sum;
    }

    [Benchmark(Description = "ML.NET GARCH volatility column")]
    public double MlNetGarchColumn() => Sum(_garch.Transform(_data), "Garch");

    private static double Sum(IDataView view, string column)
    {
        var col = view.Schema[column];
        using var cursor = view.GetRowCursor([col]);
        var get = cursor.GetGetter<double>(col);
        double sum = 0, v = 0;
        while (cursor.MoveNext())
        {
            get(ref v);
            sum += v;
        }

        return sum;
    }
}
