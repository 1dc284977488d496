namespace MlNetLstm.Training;

/// <summary>
/// How the training loop (<see cref="TrainingLoop"/>) keeps the best weights, stops early and computes Adam's bias
/// correction. <see cref="Standard"/> is the rule of <see cref="RecurrentTrainer"/> and the local-window attention trainer;
/// <see cref="VolatilityModel"/> is the rule the LSTM volatility model has always trained by (kept so that its fitted
/// models stay bit for bit what they were before it moved onto the shared loop).
/// </summary>
internal sealed record TrainingRules
{
    /// <summary>Monitors the validation loss (if any); early stopping and best-weights restore need validation data.</summary>
    public static TrainingRules Standard { get; } = new();

    /// <summary>The LSTM volatility model's rules.</summary>
    public static TrainingRules VolatilityModel { get; } = new()
    {
        MinImprovement = 1e-6,
        MonitorWithoutValidation = true,
        StopOnNonFiniteValidation = false,
        SinglePrecisionBiasCorrection = true,
        EvaluateAsOneChunk = true,
    };

    /// <summary>An epoch improves on the best when its monitored loss is below best - MinImprovement.</summary>
    public double MinImprovement { get; init; }

    /// <summary>
    /// When true, early stopping also watches the training loss when there is no validation data, and the best weights (the
    /// initial ones if no epoch improved) are always returned when <see cref="TrainingOptions.RestoreBestWeights"/> is set.
    /// </summary>
    public bool MonitorWithoutValidation { get; init; }

    /// <summary>When true, a NaN or infinite validation loss stops the run (<see cref="StopReason.NonFiniteLoss"/>); else it only fails to improve.</summary>
    public bool StopOnNonFiniteValidation { get; init; } = true;

    /// <summary>Adam's bias corrections 1 - β^t in single precision (1f - MathF.Pow(β, t)) instead of (float)(1 - Math.Pow(β, t)).</summary>
    public bool SinglePrecisionBiasCorrection { get; init; }

    /// <summary>Validation runs as one forward pass over every validation sample (one chunk), summing the loss in one accumulator.</summary>
    public bool EvaluateAsOneChunk { get; init; }
}
