namespace MlNetLstm;

/// <summary>
/// The RiskMetrics (J.P. Morgan, 1996) exponentially weighted variance <c>h_{t+1} = λ h_t + (1 - λ) r_t²</c> and its
/// daily decay <see cref="Lambda"/>: the one definition every EWMA default in the library refers to.
/// </summary>
/// <remarks>
/// <para>The recursion is implemented in several places that differ only in the starting value h_0. They are kept
/// as they are because changing a start value changes published numbers (the backtests quoted in README.md and the
/// pinned reference tests):</para>
/// <list type="table">
/// <item><term><c>Features.EwmaVariance</c>, <c>Features.OnlineEwmaVariance</c>, the ML.NET <c>ComputeEwmaVariance</c></term>
/// <description>s_{-1} = <c>x_0²</c> (or the given initial variance), so s_0 = x_0²: a feature that needs no fit.</description></item>
/// <item><term><c>Volatility.EwmaVarianceModel</c> ("ewma" in backtests)</term>
/// <description>h_0 = mean of r² over the first min(n, 30) returns of the history (<c>EwmaVarianceModel.SeedLength</c>).</description></item>
/// <item><term><c>Volatility.Processes.Ewma</c> (the arch-style process fitted by the likelihood engine)</term>
/// <description>h_1 = the backcast, the mean of e² over the whole estimation sample, as the other GARCH-family processes.</description></item>
/// <item><term><c>Evaluation.WalkForward.FallbackVariance</c></term>
/// <description>v_0 = mean of r² over the history before the origin (floor 1e-12 when it is zero).</description></item>
/// <item><term><c>Realized.RealizedEwmaVarianceModel</c> ("ewma-rv", RV in place of r²)</term>
/// <description>h_0 = mean RV of the fitting window.</description></item>
/// <item><term>The LSTM volatility model's EWMA input and anchor (<c>Volatility.Neural</c>)</term>
/// <description>b_0 = 1 in scaled units (returns are divided by the training scale, so 1 is the training variance).</description></item>
/// </list>
/// </remarks>
public static class RiskMetrics
{
    /// <summary>The RiskMetrics daily decay λ = 0.94.</summary>
    public const double Lambda = 0.94;
}
