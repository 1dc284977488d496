namespace MlNetLstm.Realized;

/// <summary>
/// Realized measures of one day from its intraday log returns r_1..r_m (oldest first). Pure functions; every input is checked.
/// </summary>
public static class RealizedMeasures
{
    /// <summary>Parzen's kernel constant c* of the optimal bandwidth (BNHLS 2009, "Realized kernels in practice").</summary>
    public const double ParzenBandwidthConstant = 3.5134;

    /// <summary>Default sparse-grid step K of <see cref="RealizedEstimator.Subsampled"/> when none is given: K = max(1, round(m / 13)), about 30-minute returns from 5-minute data over a 6.5-hour session.</summary>
    public static int DefaultSubsampleStep(int returns) => Math.Max(1, (int)Math.Round(returns / 13.0));

    /// <summary>Realized variance <c>Σ r_i²</c>.</summary>
    /// <param name="returns">Intraday log returns of one day (finite, at least one).</param>
    /// <returns>The sum of squares.</returns>
    public static double Variance(ReadOnlySpan<double> returns)
    {
        EvalGuard.MinLength(returns.Length, 1, nameof(returns));
        EvalGuard.Finite(returns, nameof(returns));
        double s = 0;
        foreach (double r in returns) s += r * r;
        return s;
    }

    /// <summary>
    /// Subsampled realized variance with sparse step K (<see cref="RealizedEstimator.Subsampled"/>):
    /// <c>(m / (K (m - K + 1))) Σ_{j=K..m} (Σ_{i=j-K+1..j} r_i)²</c>, the average of the K offset grids' RVs rescaled to the day.
    /// K = 1 gives <see cref="Variance"/>.
    /// </summary>
    /// <param name="returns">Intraday log returns of one day (finite).</param>
    /// <param name="step">Sparse step K, 1 ≤ K ≤ m.</param>
    /// <returns>The estimate (≥ 0).</returns>
    public static double Subsampled(ReadOnlySpan<double> returns, int step)
    {
        EvalGuard.MinLength(returns.Length, 1, nameof(returns));
        EvalGuard.Finite(returns, nameof(returns));
        int m = returns.Length;
        if (step < 1 || step > m) throw new ArgumentOutOfRangeException(nameof(step), step, $"the subsample step must be between 1 and the number of intraday returns ({m}).");
        // K-step returns at every end point j = K..m (overlapping): each offset grid is every K-th of them.
        double window = 0, sum = 0;
        for (int i = 0; i < m; i++)
        {
            window += returns[i];
            if (i >= step) window -= returns[i - step];
            if (i >= step - 1) sum += window * window;
        }
        return sum * m / ((double)step * (m - step + 1));
    }

    /// <summary>The Parzen kernel: 1 - 6x² + 6x³ on [0, 1/2], 2(1 - x)³ on (1/2, 1], 0 beyond.</summary>
    /// <param name="x">Argument, ≥ 0.</param>
    /// <returns>k(x).</returns>
    public static double Parzen(double x)
    {
        x = Math.Abs(x);
        if (x <= 0.5) return 1 - 6 * x * x + 6 * x * x * x;
        if (x <= 1) { double y = 1 - x; return 2 * y * y * y; }
        return 0;
    }

    /// <summary>
    /// Realized kernel with Parzen weights and bandwidth H (<see cref="RealizedEstimator.RealizedKernel"/>):
    /// <c>γ_0 + 2 Σ_{h=1..H} k(h / (H + 1)) γ_h</c>, floored at 0 (the Parzen kernel makes it non-negative up to rounding).
    /// H = 0 gives <see cref="Variance"/>.
    /// </summary>
    /// <param name="returns">Intraday log returns of one day (finite, at least one).</param>
    /// <param name="bandwidth">H, 0 ≤ H &lt; m.</param>
    /// <returns>The estimate (≥ 0).</returns>
    public static double Kernel(ReadOnlySpan<double> returns, int bandwidth)
    {
        EvalGuard.MinLength(returns.Length, 1, nameof(returns));
        EvalGuard.Finite(returns, nameof(returns));
        int m = returns.Length;
        if (bandwidth < 0 || bandwidth >= m) throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, $"the kernel bandwidth must be between 0 and the number of intraday returns - 1 ({m - 1}).");
        double rk = 0;
        for (int i = 0; i < m; i++) rk += returns[i] * returns[i];
        for (int h = 1; h <= bandwidth; h++)
        {
            double g = 0;
            for (int i = h; i < m; i++) g += returns[i] * returns[i - h];
            rk += 2 * Parzen(h / (bandwidth + 1.0)) * g;
        }
        return Math.Max(rk, 0);
    }

    /// <summary>
    /// Automatic Parzen bandwidth for one day (BNHLS 2009): <c>H = ceil(c* ξ^{4/5} m^{3/5})</c> with c* = 3.5134 and the noise-to-signal
    /// ratio ξ² = ω̂² / IV̂, where ω̂² = RV / (2m) (the noise variance if noise dominated the finest returns) and IV̂ the subsampled RV at
    /// <see cref="DefaultSubsampleStep"/>; capped at m - 1. Tiny noise gives a small H (close to RV), strong noise a wide kernel.
    /// </summary>
    /// <param name="returns">Intraday log returns of one day.</param>
    /// <returns>H, 0 ≤ H &lt; m.</returns>
    public static int DefaultBandwidth(ReadOnlySpan<double> returns)
    {
        int m = returns.Length;
        if (m < 2) return 0;
        double rv = Variance(returns);
        double iv = Subsampled(returns, DefaultSubsampleStep(m));
        if (!(rv > 0) || !(iv > 0)) return 0;
        double xi2 = rv / (2.0 * m) / iv;
        int h = (int)Math.Ceiling(ParzenBandwidthConstant * Math.Pow(xi2, 0.4) * Math.Pow(m, 0.6));
        return Math.Clamp(h, 0, m - 1);
    }

    /// <summary>One day's estimate with <paramref name="estimator"/>; <paramref name="parameter"/> is K (subsampled) or H (kernel), null for the defaults.</summary>
    /// <param name="returns">Intraday log returns of one day.</param>
    /// <param name="estimator">The estimator.</param>
    /// <param name="parameter">K or H, or null for <see cref="DefaultSubsampleStep"/> / <see cref="DefaultBandwidth"/> (ignored by RV).</param>
    /// <returns>The estimate.</returns>
    public static double Estimate(ReadOnlySpan<double> returns, RealizedEstimator estimator, int? parameter = null) => estimator switch
    {
        RealizedEstimator.RealizedVariance => Variance(returns),
        RealizedEstimator.Subsampled => Subsampled(returns, Math.Min(parameter ?? DefaultSubsampleStep(returns.Length), returns.Length)),
        RealizedEstimator.RealizedKernel => Kernel(returns, Math.Min(parameter ?? DefaultBandwidth(returns), Math.Max(returns.Length - 1, 0))),
        _ => throw new ArgumentOutOfRangeException(nameof(estimator), estimator, "Unknown realized estimator."),
    };
}
