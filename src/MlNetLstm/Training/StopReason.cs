namespace MlNetLstm.Training;

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed = 0,
    /// <summary>Validation loss did not improve for <see cref="TrainingOptions.Patience"/> epochs.</summary>
    EarlyStopping = 1,
    /// <summary>The loss or a gradient became NaN or infinite; the best weights so far were restored.</summary>
    NonFiniteLoss = 2,
    /// <summary>
    /// The run stopped after <see cref="TrainingCheckpointOptions.MaxEpochsThisRun"/> epochs with a checkpoint saved; calling
    /// <see cref="RecurrentTrainer.Train(Models.RecurrentNetwork, SequenceDataset, TrainingOptions, SequenceDataset, TrainingCheckpointOptions)"/> again with the same arguments resumes it. The returned network holds the current weights.
    /// </summary>
    Paused = 3,
}
