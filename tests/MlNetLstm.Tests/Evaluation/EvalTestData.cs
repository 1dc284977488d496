using MlNetLstm.Evaluation;

namespace MlNetLstm.Tests.Evaluation;

/// <summary>Seeded simulation helpers for the evaluation tests.</summary>
internal static class EvalTestData
{
    /// <summary>Full path of a repository file, searching upwards from this source file, the output and working directories.</summary>
    public static string RepoFile(string relative, [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (string? start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (string? dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                string candidate = Path.Combine(dir, relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException($"{relative} was not found above the test sources or output.", relative);
    }

    public static double[] Normals(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Normal(rng);
        return x;
    }

    public static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>GARCH(1,1) returns and their true conditional variances.</summary>
    public static (double[] Returns, double[] Variances) Garch(int n, int seed, double omega = 0.02, double alpha = 0.08, double beta = 0.9)
    {
        var rng = new Random(seed);
        var r = new double[n];
        var v = new double[n];
        double h = omega / (1 - alpha - beta);
        for (int t = 0; t < n; t++)
        {
            v[t] = h;
            r[t] = Math.Sqrt(h) * Normal(rng);
            h = omega + alpha * r[t] * r[t] + beta * h;
        }
        return (r, v);
    }
}

/// <summary>
/// Test model that records every window it is fitted on and every history it forecasts from.
/// Forecast = 0.5 · (mean of the fitting window's squares) + 0.5 · (mean of the last 5 squared history returns).
/// </summary>
internal sealed class RecordingModel(string name = "recording") : IVarianceModel
{
    private readonly object _gate = new();

    public string Name { get; } = name;

    public List<double[]> FitWindows { get; } = [];

    public List<double[]> Histories { get; } = [];

    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns)
    {
        var copy = returns.ToArray();
        lock (_gate) FitWindows.Add(copy);
        double m = 0;
        foreach (double r in copy) m += r * r;
        return new Fitted(this, m / copy.Length);
    }

    private sealed class Fitted(RecordingModel owner, double level) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
        {
            lock (owner._gate) owner.Histories.Add(history.ToArray());
            int k = Math.Min(5, history.Length);
            double recent = 0;
            for (int i = history.Length - k; i < history.Length; i++) recent += history[i] * history[i];
            recent /= k;
            var f = new double[horizon];
            for (int i = 0; i < horizon; i++) f[i] = 0.5 * level + 0.5 * recent + 1e-12;
            return f;
        }
    }
}

/// <summary>A model that returns the true variances it is given (an oracle for the power tests).</summary>
internal sealed class ConstantModel(string name, double value) : IVarianceModel
{
    public string Name { get; } = name;

    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => new Fitted(value);

    private sealed class Fitted(double value) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => Enumerable.Repeat(value, horizon).ToArray();
    }
}
