namespace MlNetLstm.Evaluation;

/// <summary>Loss functions for variance forecasts h against a variance proxy σ̂² (e.g. the squared return).</summary>
[Obsolete("Use MlNetLstm.Loss (one enum for every training and evaluation loss): Mse is Loss.MeanSquaredError, Mae Loss.MeanAbsoluteError, Qlike Loss.Qlike.")]
public enum LossFunction
{
    /// <summary>Squared error <c>(σ̂² - h)²</c>.</summary>
    Mse,

    /// <summary>Absolute error <c>|σ̂² - h|</c>.</summary>
    Mae,

    /// <summary>
    /// QLIKE <c>log h + σ̂² / h</c> (Patton 2011): robust to noise in the proxy, minimised in expectation at
    /// <c>h = E[σ̂²]</c>. Defined for a zero proxy (the loss is then <c>log h</c>); requires h &gt; 0 and σ̂² ≥ 0.
    /// </summary>
    Qlike,
}

