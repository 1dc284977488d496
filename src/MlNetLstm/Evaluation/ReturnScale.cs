namespace MlNetLstm.Evaluation;

/// <summary>
/// The range of return magnitudes the variance models (GARCH family, EWMA, HAR, SSA, LSTM) accept: squared returns, their sums
/// and the likelihoods must neither overflow nor underflow a double. Every model's Fit checks it; callers can check first
/// (for example before a long walk-forward run) to name their own column.
/// </summary>
public static class ReturnScale
{
    /// <summary>Largest accepted |r| (1e100).</summary>
    public const double MaxMagnitude = EvalGuard.MaxReturnMagnitude;

    /// <summary>Smallest accepted largest-|r| of a series that is not all zero (1e-100).</summary>
    public const double MinMagnitude = EvalGuard.MinReturnMagnitude;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when max |r| exceeds <see cref="MaxMagnitude"/>, or is positive and below
    /// <see cref="MinMagnitude"/>, naming <paramref name="name"/>, the offending index and what to do (rescale).
    /// </summary>
    /// <param name="returns">The series.</param>
    /// <param name="name">Name used in the message (an argument, a column).</param>
    public static void Check(ReadOnlySpan<double> returns, string name) => EvalGuard.ReturnScale(returns, name);
}
