namespace MlNetLstm.Training;

#pragma warning disable CS0618 // the conversions from and to the [Obsolete] enum that Loss replaced
/// <summary>
/// Conversions between <see cref="Loss"/> and the [Obsolete] <see cref="LossKind"/> it replaced, by name. A loss the old enum
/// cannot express converts to the undefined value -1 (the old properties are read by record printing, which must not throw).
/// Beside the old enum, so the root <see cref="Loss"/> depends on no namespace.
/// </summary>
internal static class LossKindConversions
{
    public static Loss ToLoss(this LossKind kind) => kind switch
    {
        LossKind.MeanSquaredError => Loss.MeanSquaredError,
        LossKind.GaussianNll => Loss.GaussianNll,
        LossKind.SoftmaxCrossEntropy => Loss.SoftmaxCrossEntropy,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown LossKind."),
    };

    public static LossKind ToLossKind(this Loss loss) => loss switch
    {
        Loss.MeanSquaredError => LossKind.MeanSquaredError,
        Loss.GaussianNll => LossKind.GaussianNll,
        Loss.SoftmaxCrossEntropy => LossKind.SoftmaxCrossEntropy,
        _ => (LossKind)(-1), // a loss the obsolete enum cannot express reads as an undefined value (never throws: records print it)
    };
}
#pragma warning restore CS0618
