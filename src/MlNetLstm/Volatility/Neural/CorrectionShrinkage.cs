namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// How much of the network's log-correction the fitted model keeps: the forecast is
/// <c>log h = log(s² a) + w · B tanh(y / B)</c> with a weight w in [0, 1] fixed at fit time (<see cref="LstmVolatilityForecaster.CorrectionWeight"/>).
/// </summary>
public enum CorrectionShrinkage
{
    /// <summary>w = 1: the trained correction as it is.</summary>
    None = 0,

    /// <summary>
    /// w chosen after training from {0, 0.25, 0.5, 0.75, 1} by the mean QLIKE of the validation chunks (the most recent
    /// <see cref="LstmVolatilityOptions.ValidationFraction"/> of the window, the chunks early stopping watched), the smallest w on a tie.
    /// w = 0 is the anchor alone: the model falls back to its baseline when the held-out tail says the network does not help.
    /// Short windows have short validation tails, so weak evidence keeps w low. Without any validation chunk w = 0
    /// (there is no evidence that the network helps).
    /// </summary>
    Validation = 1,
}
