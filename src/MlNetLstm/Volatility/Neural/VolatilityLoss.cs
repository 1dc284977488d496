namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// The training loss of <see cref="LstmVolatilityModel"/>, per scored step and horizon, with the model's variance forecast h
/// (scaled units h̃ = h / s²) of a return whose proxy target is u² = r² / s².
/// <para>
/// For a zero-mean return with the squared return as the target the two have the <b>same minimiser</b>:
/// <c>GaussianNll = 0.5 · Qlike + 0.5 · (log 2π + 2 log s)</c> term by term. They fit the same thing; they differ in the reported
/// loss values (<see cref="LstmTrainingSummary.TrainLoss"/>, <see cref="LstmTrainingSummary.ValidationLoss"/>) and in the gradient
/// scale (half as large for <see cref="GaussianNll"/>), which changes how often the gradient-norm clip
/// (<see cref="LstmVolatilityOptions.GradientClipNorm"/>) binds, the relative weight of AdamW's ε, and the early-stopping threshold
/// (an improvement of 1e-6 in the monitored loss), so the fitted weights are not identical.
/// </para>
/// </summary>
[Obsolete("Use MlNetLstm.Loss (one enum for every training and evaluation loss; same member names) and LstmVolatilityOptions.LossFunction.")]
public enum VolatilityLoss
{
    /// <summary>QLIKE in scaled units, <c>log h̃ + u² / h̃</c> (the default; the loss the walk-forward tables rank by, up to the constant 2 log s).</summary>
    Qlike = 0,
    /// <summary>
    /// Gaussian negative log-likelihood of the return in original units, <c>0.5 · (log 2π + log(s² h̃) + u² / h̃)</c>: the reported
    /// losses are then real NLL values in nats per observation (comparable across scales and with other Gaussian models).
    /// </summary>
    GaussianNll = 1,
}
