namespace MlNetLstm.Training;

/// <summary>Immutable summary of a training run.</summary>
public sealed class TrainingReport
{
    internal TrainingReport(double[] trainingLoss, double[] validationLoss, float[] learningRates, int bestEpoch, double bestLoss,
        StopReason stopReason, string message, long optimizerSteps)
    {
        TrainingLoss = Array.AsReadOnly(trainingLoss);
        ValidationLoss = Array.AsReadOnly(validationLoss);
        LearningRates = Array.AsReadOnly(learningRates);
        BestEpoch = bestEpoch; BestLoss = bestLoss; StopReason = stopReason; Message = message; OptimizerSteps = optimizerSteps;
    }

    /// <summary>Mean training loss of each completed epoch (averaged over the epoch's mini-batches while the weights moved).</summary>
    public IReadOnlyList<double> TrainingLoss { get; }
    /// <summary>Validation loss after each completed epoch (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationLoss { get; }
    /// <summary>Learning rate used in each epoch.</summary>
    public IReadOnlyList<float> LearningRates { get; }
    /// <summary>0-based epoch with the lowest monitored loss (validation if present, else training); -1 if none completed.</summary>
    public int BestEpoch { get; }
    /// <summary>The lowest monitored loss (NaN if no epoch completed).</summary>
    public double BestLoss { get; }
    /// <summary>Number of completed epochs.</summary>
    public int EpochsRun => TrainingLoss.Count;
    /// <summary>Why training ended.</summary>
    public StopReason StopReason { get; }
    /// <summary>Human-readable description of the stop.</summary>
    public string Message { get; }
    /// <summary>Optimizer updates performed.</summary>
    public long OptimizerSteps { get; }
}
