namespace MlNetLstm.Features;

/// <summary>
/// Exponentially weighted moving average (RiskMetrics) variance of zero-mean returns:
/// <c>s_t = λ s_{t-1} + (1 - λ) x_t²</c>, with <c>s_{-1}</c> = the initial variance (default: <c>x_0²</c>, so
/// <c>s_0 = x_0²</c>). s_t uses x_0..x_t and is the one-step-ahead variance forecast for t + 1. RiskMetrics uses λ = 0.94 for daily data
/// (<see cref="RiskMetrics.Lambda"/>). This is <see cref="RiskMetrics.Filter"/> with the library's one start rule for a feature
/// (<see cref="RiskMetrics.StartVariance"/> of the observations known at the first output, x_0 alone; see <see cref="RiskMetrics"/>).
/// </summary>
public static class EwmaVariance
{
    /// <summary>Computes the EWMA variance series.</summary>
    /// <param name="x">Returns (finite).</param>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <param name="destination">Receives one value per return.</param>
    /// <param name="initialVariance">Initial state s_{-1} (finite, ≥ 0); null uses <c>x_0²</c>.</param>
    /// <returns>The number of values written.</returns>
    /// <exception cref="ArgumentException">λ outside (0, 1), bad initial variance, non-finite input, destination too short.</exception>
    public static int Compute(ReadOnlySpan<double> x, double lambda, Span<double> destination, double? initialVariance = null)
    {
        CheckArgs(lambda, initialVariance);
        EvalGuard.Finite(x, nameof(x));
        EvalGuard.Destination(destination.Length, x.Length, nameof(destination));
        if (x.Length == 0) return 0;
        RiskMetrics.Filter(x, lambda, initialVariance ?? RiskMetrics.StartVariance(x[..1]), destination);
        return x.Length;
    }

    internal static void CheckArgs(double lambda, double? initialVariance)
    {
        RiskMetrics.CheckLambda(lambda, nameof(lambda));
        if (initialVariance is double v && (!double.IsFinite(v) || v < 0))
            throw new ArgumentOutOfRangeException(nameof(initialVariance), v, "initialVariance must be finite and non-negative.");
    }
}
