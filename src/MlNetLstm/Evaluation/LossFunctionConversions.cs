namespace MlNetLstm.Evaluation;

#pragma warning disable CS0618 // the conversions from and to the [Obsolete] enum that Loss replaced
/// <summary>
/// Conversions between <see cref="Loss"/> and the [Obsolete] <see cref="LossFunction"/> it replaced, by name. A loss the old enum
/// cannot express converts to the undefined value -1 (the old properties are read by record printing, which must not throw).
/// Beside the old enum, so the root <see cref="Loss"/> depends on no namespace.
/// </summary>
internal static class LossFunctionConversions
{
    public static Loss ToLoss(this LossFunction loss) => loss switch
    {
        LossFunction.Mse => Loss.MeanSquaredError,
        LossFunction.Mae => Loss.MeanAbsoluteError,
        LossFunction.Qlike => Loss.Qlike,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown LossFunction."),
    };

    public static LossFunction ToLossFunction(this Loss loss) => loss switch
    {
        Loss.MeanSquaredError => LossFunction.Mse,
        Loss.MeanAbsoluteError => LossFunction.Mae,
        Loss.Qlike => LossFunction.Qlike,
        _ => (LossFunction)(-1),
    };
}
#pragma warning restore CS0618
