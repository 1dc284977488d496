namespace MlNetLstm.Training;

/// <summary>
/// Checkpointing of a <see cref="RecurrentTrainer.Train(Models.RecurrentNetwork, SequenceDataset, TrainingOptions, SequenceDataset, TrainingCheckpointOptions)"/> run: after every completed epoch the full training state
/// (weights, Adam moments, step, epoch, shuffling state, best weights, loss history) is written atomically to
/// <see cref="Path"/> (<see cref="TrainingCheckpoint"/>: temporary file, flush, rename), so a crash or kill
/// leaves the previous checkpoint intact. With <see cref="Resume"/>, an existing checkpoint is continued: the final
/// weights are bit-identical to an uninterrupted run with the same options, data and seed.
/// </summary>
public sealed record TrainingCheckpointOptions
{
    /// <summary>Checkpoint file (its folder must exist).</summary>
    public required string Path { get; init; }

    /// <summary>When true (default) and <see cref="Path"/> exists, training continues from it; the checkpoint must belong to the
    /// same options (except Threads), data, seed and architecture, otherwise <see cref="InvalidOperationException"/> says what differs.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Stop (<see cref="StopReason.Paused"/>) after this many epochs in this call; null runs to the end. Lets long
    /// trainings run in slices.</summary>
    public int? MaxEpochsThisRun { get; init; }
}
