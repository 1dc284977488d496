namespace MlNetLstm.Features;

/// <summary>
/// Rolling variance over the last <c>window</c> observations. Zero-mean form (default, usual for returns):
/// <c>v_t = (1/w) Σ_{i=t-w+1..t} x_i²</c>; demeaned form: the sample variance
/// <c>(1/(w-1)) Σ (x_i - x̄)²</c>. Warm-up: for t &lt; w - 1 the statistic uses the t + 1 observations available
/// (the demeaned form is 0 for a single observation), so the output has one value per input.
/// </summary>
public static class RollingVariance
{
    /// <summary>Computes the rolling variance.</summary>
    /// <param name="x">Observations (finite), typically returns.</param>
    /// <param name="window">Window length w ≥ 1 (≥ 2 when <paramref name="demean"/>).</param>
    /// <param name="destination">Receives one value per observation.</param>
    /// <param name="demean">Subtract the window mean (sample variance) instead of assuming a zero mean.</param>
    /// <returns>The number of values written (x.Length).</returns>
    /// <exception cref="ArgumentException">Window out of range, non-finite input, destination too short.</exception>
    public static int Compute(ReadOnlySpan<double> x, int window, Span<double> destination, bool demean = false)
    {
        CheckWindow(window, demean);
        EvalGuard.Finite(x, nameof(x));
        EvalGuard.Destination(destination.Length, x.Length, nameof(destination));
        for (int t = 0; t < x.Length; t++)
        {
            int lo = Math.Max(0, t - window + 1);
            var w = x[lo..(t + 1)];
            destination[t] = demean ? WindowStats.SampleVariance(w, default) : WindowStats.MeanSquare(w, default);
        }
        return x.Length;
    }

    internal static void CheckWindow(int window, bool demean)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least 1.");
        if (demean && window < 2) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least 2 for a demeaned (sample) variance.");
    }
}
