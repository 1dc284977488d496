namespace MlNetLstm.Volatility.Neural;

/// <summary>The baseline variance forecast that the LSTM's bounded log-correction multiplies.</summary>
public enum VolatilityAnchor
{
    /// <summary>The EWMA variance b_{t+1} = λ b_t + (1 - λ) u_t² (RiskMetrics; no estimation).</summary>
    Ewma = 0,
    /// <summary>
    /// A GARCH(1,1) with constant mean and normal innovations fitted on the scaled training window (the hybrid LSTM-GARCH):
    /// the network learns a correction of the GARCH forecast. Implies the GARCH input (<see cref="LstmVolatilityOptions.GarchFeature"/>).
    /// </summary>
    Garch = 1,
    /// <summary>
    /// The equal-weight combination of the two in logs, <c>a = sqrt(b · h^G)</c> (geometric mean of the EWMA and GARCH(1,1)
    /// forecasts): no weight is estimated. Implies the GARCH input.
    /// </summary>
    Blend = 2,
    /// <summary>
    /// A GJR-GARCH(1,1,1) with constant mean and normal innovations fitted on the scaled training window,
    /// <c>h_{t+1} = ω + (α + γ 1[u_t &lt; μ]) (u_t - μ)² + β h_t</c> (asymmetric: falls raise the variance more than rises when
    /// γ &gt; 0): the network learns a correction of the GJR forecast. Implies the GJR input (the input "log gjr" in place of
    /// "log garch"). Its k-step forecast reverts at α + γ/2 + β.
    /// </summary>
    Gjr = 3,
    /// <summary>
    /// Chosen per training window, inside the window: EWMA, GARCH and GJR (each fitted on the first part of the window) forecast the
    /// window's last <see cref="LstmVolatilityOptions.ValidationFraction"/> (at least 20 returns) one step at a time, and the one with
    /// the lowest mean QLIKE there (the first in the order EWMA, GARCH, GJR on a tie) becomes the anchor and the GARCH-family input,
    /// refitted on the whole window (EWMA: no GARCH-family input unless <see cref="LstmVolatilityOptions.GarchFeature"/>). No
    /// look-ahead: only the training window is read. The fitted model records the choice
    /// (<see cref="LstmVolatilityInputs.Anchor"/>) and the scores (<see cref="LstmTrainingSummary.AnchorValidationQlike"/>).
    /// </summary>
    Selected = 4,
}
