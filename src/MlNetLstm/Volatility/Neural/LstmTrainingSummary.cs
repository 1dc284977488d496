namespace MlNetLstm.Volatility.Neural;

/// <summary>Immutable summary of an <see cref="LstmVolatilityModel"/> fit.</summary>
/// <param name="TrainLoss">Mean training loss per epoch (<see cref="LstmVolatilityOptions.Loss"/>: QLIKE in scaled units, or the
/// Gaussian NLL in nats per observation in original units), averaged over the scored steps and horizons.</param>
/// <param name="ValidationLoss">Validation loss per epoch, same units (NaN without a validation split).</param>
/// <param name="BestEpoch">Epoch whose weights were kept (0: the initial, EWMA-equivalent weights).</param>
/// <param name="StopReason">Why training stopped.</param>
/// <param name="Seconds">Wall-clock training time.</param>
public sealed record LstmTrainingSummary(IReadOnlyList<double> TrainLoss, IReadOnlyList<double> ValidationLoss, int BestEpoch, string StopReason, double Seconds)
{
    /// <summary>
    /// With <see cref="VolatilityAnchor.Selected"/>: the mean validation QLIKE (scaled units) of each candidate anchor, in
    /// <see cref="LstmVolatilityInputs.SelectionCandidates"/> order (EWMA, GARCH, GJR; +∞ for a failed fit); empty otherwise.
    /// </summary>
    public IReadOnlyList<double> AnchorValidationQlike { get; init; } = [];

    /// <summary>
    /// With <see cref="CorrectionShrinkage.Validation"/>: the mean validation QLIKE (scaled units) of each correction weight of
    /// <see cref="LstmVolatilityOptions.ShrinkageGrid"/>; empty otherwise (or without validation chunks).
    /// </summary>
    public IReadOnlyList<double> ShrinkageValidationQlike { get; init; } = [];
}
