namespace MlNetLstm.Volatility.Neural;

#pragma warning disable CS0618 // the conversions from and to the [Obsolete] enum that Loss replaced
/// <summary>
/// Conversions between <see cref="Loss"/> and the [Obsolete] <see cref="VolatilityLoss"/> it replaced, by name. A loss the old enum
/// cannot express converts to the undefined value -1 (the old properties are read by record printing, which must not throw).
/// Beside the old enum, so the root <see cref="Loss"/> depends on no namespace.
/// </summary>
internal static class VolatilityLossConversions
{
    public static Loss ToLoss(this VolatilityLoss loss) => loss switch
    {
        VolatilityLoss.Qlike => Loss.Qlike,
        VolatilityLoss.GaussianNll => Loss.GaussianNll,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown VolatilityLoss."),
    };

    public static VolatilityLoss ToVolatilityLoss(this Loss loss) => loss switch
    {
        Loss.Qlike => VolatilityLoss.Qlike,
        Loss.GaussianNll => VolatilityLoss.GaussianNll,
        _ => (VolatilityLoss)(-1),
    };
}
#pragma warning restore CS0618
