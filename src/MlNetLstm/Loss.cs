namespace MlNetLstm;

/// <summary>
/// Every loss of the library, for training networks and for evaluating forecasts (one enum; <see cref="Losses"/> computes
/// them). Notation: y network output, t target, N the number of target elements; for variance forecasts h the forecast
/// and σ̂² the realized proxy (for the volatility model in scaled units, h̃ = h / s² and u = r / s).
/// Which losses each user accepts: network training (<c>Training.TrainingOptions</c>, <c>Forecasting.LstmForecasterOptions</c>)
/// <see cref="MeanSquaredError"/>, <see cref="GaussianNll"/>, <see cref="SoftmaxCrossEntropy"/>; the LSTM volatility model
/// <see cref="Qlike"/>, <see cref="GaussianNll"/>; forecast evaluation (<see cref="Losses.Pointwise"/>, Diebold-Mariano, rankings)
/// <see cref="MeanSquaredError"/>, <see cref="MeanAbsoluteError"/>, <see cref="Qlike"/>, <see cref="GaussianNll"/>.
/// </summary>
/// <remarks>
/// Saved files name the loss by the names of the enums it replaced (<c>Training.LossKind</c> and
/// <c>Volatility.Neural.VolatilityLoss</c>, whose member names are kept here, and ordinals 0-2 equal <c>LossKind</c>'s), so
/// files written before it load to the same model.
/// </remarks>
public enum Loss
{
    /// <summary>
    /// Squared error. Training: <c>L = (1/N) Σ (y - t)²</c>, the head outputs K values. Evaluation: <c>(σ̂² - h)²</c> per forecast.
    /// </summary>
    MeanSquaredError = 0,

    /// <summary>
    /// Gaussian negative log-likelihood. Training: <c>L = (1/N) Σ 0.5 (s + (t - μ)² e^{-s} + log 2π)</c>, the head outputs 2K
    /// values [μ_1..μ_K | s_1..s_K] with s = log σ². The volatility model: <c>0.5 · (log 2π + log(s² h̃) + u² / h̃)</c> (nats per
    /// observation, original units). Evaluation of a variance forecast: <c>0.5 · (log 2π + log h + σ̂² / h)</c> (h &gt; 0, σ̂² ≥ 0).
    /// </summary>
    GaussianNll = 1,

    /// <summary>
    /// Softmax cross-entropy for classification (training only): the head outputs K logits y, p = softmax(y), and
    /// <c>L = (1/R) Σ_rows -Σ_k t_k log p_k</c> over R rows (targets one-hot or probability vectors); dL/dy = (p Σ_k t_k - t) / R.
    /// </summary>
    SoftmaxCrossEntropy = 2,

    /// <summary>
    /// QLIKE <c>log h + σ̂² / h</c> (Patton 2011): robust to noise in the proxy, minimised in expectation at h = E[σ̂²]; requires
    /// h &gt; 0 and σ̂² ≥ 0 (a zero proxy gives log h). The volatility model trains on it in scaled units, <c>log h̃ + u² / h̃</c>.
    /// </summary>
    Qlike = 3,

    /// <summary>Absolute error <c>|σ̂² - h|</c> per forecast (evaluation only).</summary>
    MeanAbsoluteError = 4,
}

#pragma warning disable CS0618 // the conversions from and to the [Obsolete] enums this one replaced
/// <summary>
/// Conversions between <see cref="Loss"/> and the enums it replaced, by name. A loss an old enum cannot express converts to
/// the undefined value -1 of that enum (the old properties are read by record printing, which must not throw).
/// </summary>
internal static class LossConversions
{
    public static Loss ToLoss(this Training.LossKind kind) => kind switch
    {
        Training.LossKind.MeanSquaredError => Loss.MeanSquaredError,
        Training.LossKind.GaussianNll => Loss.GaussianNll,
        Training.LossKind.SoftmaxCrossEntropy => Loss.SoftmaxCrossEntropy,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown LossKind."),
    };

    public static Training.LossKind ToLossKind(this Loss loss) => loss switch
    {
        Loss.MeanSquaredError => Training.LossKind.MeanSquaredError,
        Loss.GaussianNll => Training.LossKind.GaussianNll,
        Loss.SoftmaxCrossEntropy => Training.LossKind.SoftmaxCrossEntropy,
        _ => (Training.LossKind)(-1), // a loss the obsolete enum cannot express reads as an undefined value (never throws: records print it)
    };

    public static Loss ToLoss(this Volatility.Neural.VolatilityLoss loss) => loss switch
    {
        Volatility.Neural.VolatilityLoss.Qlike => Loss.Qlike,
        Volatility.Neural.VolatilityLoss.GaussianNll => Loss.GaussianNll,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown VolatilityLoss."),
    };

    public static Volatility.Neural.VolatilityLoss ToVolatilityLoss(this Loss loss) => loss switch
    {
        Loss.Qlike => Volatility.Neural.VolatilityLoss.Qlike,
        Loss.GaussianNll => Volatility.Neural.VolatilityLoss.GaussianNll,
        _ => (Volatility.Neural.VolatilityLoss)(-1),
    };

    public static Loss ToLoss(this Evaluation.LossFunction loss) => loss switch
    {
        Evaluation.LossFunction.Mse => Loss.MeanSquaredError,
        Evaluation.LossFunction.Mae => Loss.MeanAbsoluteError,
        Evaluation.LossFunction.Qlike => Loss.Qlike,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown LossFunction."),
    };

    public static Evaluation.LossFunction ToLossFunction(this Loss loss) => loss switch
    {
        Loss.MeanSquaredError => Evaluation.LossFunction.Mse,
        Loss.MeanAbsoluteError => Evaluation.LossFunction.Mae,
        Loss.Qlike => Evaluation.LossFunction.Qlike,
        _ => (Evaluation.LossFunction)(-1),
    };
}
#pragma warning restore CS0618
