using MathNet.Numerics.Distributions;

namespace MlNetLstm.Evaluation;

/// <summary>Diebold-Mariano (1995) test of equal predictive accuracy with a Newey-West long-run variance.</summary>
public static class DieboldMariano
{
    /// <summary>Tests H0: E[L1_t - L2_t] = 0 against the two-sided alternative.</summary>
    /// <param name="loss1">Point-wise losses of forecast 1 (length n).</param>
    /// <param name="loss2">Point-wise losses of forecast 2 (length n).</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <returns>The test result. If the differential is exactly constant, the statistic is 0 (p = 1) when the
    /// constant is zero and ±∞ (p = 0) otherwise.</returns>
    /// <exception cref="ArgumentException">Length mismatch, n too small for the horizon, non-finite values, bad lags.</exception>
    public static DieboldMarianoResult Test(ReadOnlySpan<double> loss1, ReadOnlySpan<double> loss2, DieboldMarianoOptions? options = null)
    {
        options ??= new DieboldMarianoOptions();
        EvalGuard.SameLength(loss1.Length, loss2.Length, nameof(loss1), nameof(loss2));
        EvalGuard.Finite(loss1, nameof(loss1));
        EvalGuard.Finite(loss2, nameof(loss2));
        int h = options.Horizon;
        if (h < 1) throw new ArgumentOutOfRangeException(nameof(options), h, "DieboldMarianoOptions.Horizon must be at least 1.");
        int n = loss1.Length;
        int minN = Math.Max(3, 2 * h + 1);
        if (n < minN) throw new ArgumentException($"loss1 has {n} elements; at least {minN} are needed for horizon {h}.", nameof(loss1));
        int lags = options.Lags ?? Math.Max(h - 1, NeweyWest.RuleOfThumbLags(n));
        if (lags < 0 || lags >= n)
            throw new ArgumentOutOfRangeException(nameof(options), lags, $"DieboldMarianoOptions.Lags must be in [0, {n - 1}].");

        var d = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) { d[i] = loss1[i] - loss2[i]; mean += d[i]; }
        mean /= n;
        bool constant = true;
        for (int i = 1; i < n && constant; i++) constant = d[i] == d[0];
        double lrv = constant ? 0.0 : NeweyWest.LongRunVariance(d, lags);
        double stat;
        if (!(lrv > 0))
        {
            // Exactly constant differential: no sampling variation at all.
            stat = mean == 0 ? 0.0 : (mean > 0 ? double.PositiveInfinity : double.NegativeInfinity);
            return new DieboldMarianoResult(mean, stat, mean == 0 ? 1.0 : 0.0, n, lags, options.HarveyCorrection);
        }
        stat = mean / Math.Sqrt(lrv / n);
        double p;
        if (options.HarveyCorrection)
        {
            double k = (n + 1.0 - 2.0 * h + h * (h - 1.0) / n) / n;
            if (k <= 0) throw new ArgumentException($"n = {n} is too small for the HLN correction at horizon {h}.", nameof(loss1));
            stat *= Math.Sqrt(k);
            p = 2.0 * StudentT.CDF(0, 1, n - 1, -Math.Abs(stat));
        }
        else
        {
            p = 2.0 * Normal.CDF(0, 1, -Math.Abs(stat));
        }
        return new DieboldMarianoResult(mean, stat, Math.Clamp(p, 0.0, 1.0), n, lags, options.HarveyCorrection);
    }

    /// <summary>Computes the point-wise losses of two forecasts against a proxy and runs <see cref="Test(ReadOnlySpan{double}, ReadOnlySpan{double}, DieboldMarianoOptions?)"/>.</summary>
    /// <param name="loss">Loss of a variance forecast (<see cref="Losses.Pointwise"/>).</param>
    /// <param name="forecasts1">Forecasts of model 1.</param>
    /// <param name="forecasts2">Forecasts of model 2.</param>
    /// <param name="proxy">Realised proxies.</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <returns>The test result (positive statistic: model 2 is more accurate).</returns>
    [Obsolete("Pass an MlNetLstm.Loss (Loss.MeanSquaredError, Loss.MeanAbsoluteError, Loss.Qlike).")]
    public static DieboldMarianoResult Test(LossFunction loss, ReadOnlySpan<double> forecasts1, ReadOnlySpan<double> forecasts2,
        ReadOnlySpan<double> proxy, DieboldMarianoOptions? options = null)
        => Test(loss.ToLoss(), forecasts1, forecasts2, proxy, options);

    /// <summary>Computes the point-wise losses of two forecasts against a proxy and runs <see cref="Test(ReadOnlySpan{double}, ReadOnlySpan{double}, DieboldMarianoOptions?)"/>.</summary>
    /// <param name="loss">Loss of a variance forecast: MeanSquaredError, MeanAbsoluteError, Qlike or GaussianNll (<see cref="Losses.Pointwise"/>).</param>
    /// <param name="forecasts1">Forecasts of model 1.</param>
    /// <param name="forecasts2">Forecasts of model 2.</param>
    /// <param name="proxy">Realised proxies.</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <returns>The test result (positive statistic: model 2 is more accurate).</returns>
    public static DieboldMarianoResult Test(Loss loss, ReadOnlySpan<double> forecasts1, ReadOnlySpan<double> forecasts2,
        ReadOnlySpan<double> proxy, DieboldMarianoOptions? options = null)
    {
        EvalGuard.SameLength(forecasts1.Length, forecasts2.Length, nameof(forecasts1), nameof(forecasts2));
        var l1 = Losses.Series(loss, forecasts1, proxy);
        var l2 = Losses.Series(loss, forecasts2, proxy);
        return Test(l1, l2, options);
    }
}
