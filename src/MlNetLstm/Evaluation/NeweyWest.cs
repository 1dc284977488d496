namespace MlNetLstm.Evaluation;

/// <summary>
/// Newey-West (1987) heteroskedasticity and autocorrelation consistent (HAC) estimators with Bartlett weights
/// <c>w_j = 1 - j / (L + 1)</c>, j = 1..L, where L is the number of lags. The Bartlett kernel keeps every
/// estimate non-negative (positive semi-definite for matrices). No small-sample degrees-of-freedom scaling is applied.
/// </summary>
public static class NeweyWest
{
    /// <summary>
    /// Newey-West (1994) rule-of-thumb lag count <c>floor(4 (n / 100)^(2/9))</c>, e.g. 4 for n = 100, 8 for n = 2500.
    /// </summary>
    /// <param name="observations">Sample size n (at least 1).</param>
    /// <returns>The number of lags, at least 0 and at most n - 1.</returns>
    public static int RuleOfThumbLags(int observations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(observations, 1);
        int lags = (int)Math.Floor(4.0 * Math.Pow(observations / 100.0, 2.0 / 9.0));
        return Math.Clamp(lags, 0, observations - 1);
    }

    /// <summary>Bartlett weight <c>1 - j / (lags + 1)</c> of autocovariance j.</summary>
    /// <param name="j">Lag index, 0..lags.</param>
    /// <param name="lags">Truncation lag L.</param>
    /// <returns>The weight in (0, 1].</returns>
    public static double BartlettWeight(int j, int lags) => 1.0 - j / (lags + 1.0);

    /// <summary>
    /// Long-run variance of a (demeaned) series: <c>γ_0 + 2 Σ_{j=1..L} w_j γ_j</c> with
    /// <c>γ_j = (1/n) Σ_{t=j}^{n-1} (x_t - x̄)(x_{t-j} - x̄)</c>. The variance of the sample mean is this divided by n.
    /// </summary>
    /// <param name="x">The series (finite values, at least 2).</param>
    /// <param name="lags">Truncation lag L, 0 ≤ L &lt; n.</param>
    /// <returns>The non-negative long-run variance.</returns>
    /// <exception cref="ArgumentException">Too short, non-finite values, or lags out of range.</exception>
    public static double LongRunVariance(ReadOnlySpan<double> x, int lags)
    {
        EvalGuard.MinLength(x.Length, 2, nameof(x));
        EvalGuard.Finite(x, nameof(x));
        int n = x.Length;
        if (lags < 0 || lags >= n)
            throw new ArgumentOutOfRangeException(nameof(lags), lags, $"lags must be in [0, {n - 1}] for a series of length {n}.");
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        double total = 0;
        for (int j = 0; j <= lags; j++)
        {
            double g = 0;
            for (int t = j; t < n; t++) g += (x[t] - mean) * (x[t - j] - mean);
            g /= n;
            total += j == 0 ? g : 2.0 * BartlettWeight(j, lags) * g;
        }
        return Math.Max(total, 0.0);
    }
}
