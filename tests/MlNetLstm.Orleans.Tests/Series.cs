using MlNetLstm.Volatility;

namespace MlNetLstm.Orleans.Tests;

/// <summary>Test data: GARCH(1,1) returns simulated with a fixed seed (percent units), and the library's reference forecasts.</summary>
public static class Series
{
    public static double[] Garch(int n, int seed)
    {
        var rng = new Random(seed);
        double omega = 0.05, alpha = 0.08, beta = 0.9, h = omega / (1 - alpha - beta);
        var r = new double[n];
        for (int t = 0; t < n; t++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            r[t] = Math.Sqrt(h) * z;
            h = omega + alpha * r[t] * r[t] + beta * h;
        }
        return r;
    }

    public static DateOnly Day(int i) => new DateOnly(2000, 1, 3).AddDays(i);

    /// <summary>The library's one-step forecast after returns [0, t) of a GARCH fitted on [from, to), conditioning on [from, t).</summary>
    public static double Reference(double[] r, int from, int to, int t, int horizon = 1)
    {
        var fit = ArchVarianceModel.Garch().Fit(r.AsSpan(from, to - from));
        return fit.ForecastVariance(r.AsSpan(from, t - from), horizon)[horizon - 1];
    }

    public static InstrumentSettings GarchSettings(int train, int refitEvery = 0) => new()
    {
        Model = new ModelSpec { Models = ["garch"] },
        TrainSize = train,
        RefitEvery = refitEvery,
    };
}
