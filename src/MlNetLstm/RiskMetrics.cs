namespace MlNetLstm;

/// <summary>
/// The RiskMetrics (J.P. Morgan, 1996) exponentially weighted variance <c>h_{t+1} = λ h_t + (1 - λ) x_t²</c>, its daily
/// decay <see cref="Lambda"/> and its one start rule: the one implementation every EWMA in the library calls.
/// </summary>
/// <remarks>
/// <para><b>Recursion</b> (<see cref="Update"/>, <see cref="Filter"/>, <see cref="Forecast"/>): h_t is the variance of x_t
/// given x_0..x_{t-1}; <c>h_{t+1} = λ h_t + (1 - λ) x_t²</c> with λ in (0, 1). Its multi-step forecasts are flat:
/// <c>h_{t+k|t} = h_{t+1}</c>. For a realized measure RV_t the squared shock is replaced by RV_t (<see cref="UpdateWithSquare"/>).</para>
/// <para><b>Start rule</b> (<see cref="StartVariance"/>): h_0 is the mean of x² over the sample the EWMA is started on,
/// <c>h_0 = (1/m) Σ_{i&lt;m} x_i²</c> - the sample variance about zero (the "backcast" of the GARCH-family likelihood engine).
/// The sample is everything the model knows when its first value is needed, and nothing after the forecast origin:</para>
/// <list type="table">
/// <item><term>A fitted model</term>
/// <description>its estimation sample: the arch-style <c>Volatility.Processes.Ewma</c> (the engine's backcast, mean e² of the
/// estimation sample, as for GARCH/GJR/EGARCH), <c>Realized.RealizedEwmaVarianceModel</c> (mean RV of the fitting window)
/// and the LSTM volatility model's EWMA input and anchor (b_0 = 1 in scaled units: returns are divided by
/// s = sqrt(mean r²) of the training window, so 1 is exactly the mean u² of that window).</description></item>
/// <item><term>A forecast from a history with nothing fitted</term>
/// <description>the whole history before the origin: <c>Volatility.EwmaVarianceModel</c> ("ewma" in backtests) and
/// <c>Evaluation.WalkForward.FallbackVariance</c> (both are <see cref="Forecast"/>).</description></item>
/// <item><term>A feature (causal filter, nothing fitted)</term>
/// <description>the observations known at its first output, which is x_0 alone: h_0 = x_0², so the first output is x_0²
/// (<c>Features.EwmaVariance</c>, <c>Features.OnlineEwmaVariance</c>, the ML.NET <c>ComputeEwmaVariance</c>).</description></item>
/// </list>
/// <para>Why this rule and not "the mean of the first 30 observations": it never looks past what is known when the first
/// value is produced (a feature or a stream emits its first value after one observation, and a saved model or stream must
/// start before it has seen the data it will filter), it is the start every GARCH-family process of the likelihood engine
/// already uses, so the EWMA and GARCH columns of a backtest start alike, and it is the start the LSTM volatility model was
/// fitted with, so saved models predict as before. The start's weight in h_t is λ^t (0.94^250 ≈ 2e-7): it matters only
/// for the first few dozen steps.</para>
/// </remarks>
public static class RiskMetrics
{
    /// <summary>The RiskMetrics daily decay λ = 0.94.</summary>
    public const double Lambda = 0.94;

    /// <summary>One step of the recursion: <c>λ h + (1 - λ) x²</c>.</summary>
    /// <param name="variance">h_t.</param>
    /// <param name="x">The shock x_t (a return or residual).</param>
    /// <param name="lambda">Decay λ in (0, 1) (not checked here; see <see cref="CheckLambda"/>).</param>
    /// <returns>h_{t+1}.</returns>
    public static double Update(double variance, double x, double lambda) => lambda * variance + (1 - lambda) * x * x;

    /// <summary>One step of the recursion on an already squared shock (or a realized variance): <c>λ h + (1 - λ) q</c>.</summary>
    /// <param name="variance">h_t.</param>
    /// <param name="squaredShock">q_t = x_t² or RV_t.</param>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <returns>h_{t+1}.</returns>
    public static double UpdateWithSquare(double variance, double squaredShock, double lambda) => lambda * variance + (1 - lambda) * squaredShock;

    /// <summary>The start rule: the mean of x² over <paramref name="sample"/>, <c>(1/m) Σ x_i²</c> (see the remarks of <see cref="RiskMetrics"/>).</summary>
    /// <param name="sample">The sample the EWMA is started on (non-empty; not checked for finiteness here).</param>
    /// <returns>h_0.</returns>
    /// <exception cref="ArgumentException"><paramref name="sample"/> is empty.</exception>
    public static double StartVariance(ReadOnlySpan<double> sample)
    {
        if (sample.IsEmpty) throw new ArgumentException("The sample the EWMA starts on is empty.", nameof(sample));
        double s = 0;
        foreach (double v in sample) s += v * v;
        return s / sample.Length;
    }

    /// <summary>
    /// Runs the recursion over <paramref name="x"/> from h_0 = <paramref name="start"/>: <c>destination[t] = h_{t+1}</c>, the
    /// variance forecast for t + 1 made with x_0..x_t. Shapes: x [n], destination [≥ n].
    /// </summary>
    /// <param name="x">Shocks x_0..x_{n-1} (not checked for finiteness here).</param>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <param name="start">h_0.</param>
    /// <param name="destination">Receives h_1..h_n.</param>
    /// <returns>h_n (<paramref name="start"/> when x is empty).</returns>
    /// <exception cref="ArgumentException">λ outside (0, 1) or <paramref name="destination"/> shorter than <paramref name="x"/>.</exception>
    public static double Filter(ReadOnlySpan<double> x, double lambda, double start, Span<double> destination)
    {
        CheckLambda(lambda, nameof(lambda));
        if (destination.Length < x.Length)
            throw new ArgumentException($"destination has {destination.Length} elements; it needs at least {x.Length}.", nameof(destination));
        double h = start;
        for (int t = 0; t < x.Length; t++)
        {
            h = Update(h, x[t], lambda);
            destination[t] = h;
        }
        return h;
    }

    /// <summary>
    /// The one-step forecast h_{n} after running the recursion over <paramref name="history"/> started at
    /// h_0 = <see cref="StartVariance"/>(<paramref name="history"/>) (a forecast from a history with nothing fitted).
    /// </summary>
    /// <param name="history">Returns before the origin, oldest first (non-empty, finite).</param>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <returns>h_n.</returns>
    /// <exception cref="ArgumentException">Empty or non-finite history, or λ outside (0, 1).</exception>
    public static double Forecast(ReadOnlySpan<double> history, double lambda = Lambda)
    {
        CheckLambda(lambda, nameof(lambda));
        if (history.IsEmpty) throw new ArgumentException("history is empty.", nameof(history));
        for (int t = 0; t < history.Length; t++)
            if (!double.IsFinite(history[t])) throw new ArgumentException($"history[{t}] is {history[t]}; returns must be finite.", nameof(history));
        double h = StartVariance(history);
        foreach (double r in history) h = Update(h, r, lambda);
        return h;
    }

    /// <summary>Throws unless λ is in the open interval (0, 1).</summary>
    /// <param name="lambda">Decay λ.</param>
    /// <param name="paramName">The argument name to report.</param>
    /// <exception cref="ArgumentOutOfRangeException">λ outside (0, 1) or NaN.</exception>
    public static void CheckLambda(double lambda, string paramName)
    {
        if (!(lambda > 0 && lambda < 1)) throw new ArgumentOutOfRangeException(paramName, lambda, $"{paramName} must be in the open interval (0, 1).");
    }
}
