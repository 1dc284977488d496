using MlNetLstm.Models;

namespace MlNetLstm.Training;

/// <summary>Immutable outcome of <see cref="RecurrentTrainer.Train(RecurrentNetwork, SequenceDataset, TrainingOptions, SequenceDataset, TrainingCheckpointOptions)"/>: the trained network and the report.</summary>
/// <param name="Network">The trained (or best restored) network.</param>
/// <param name="Report">Loss curves and stop reason.</param>
public sealed record TrainingResult(RecurrentNetwork Network, TrainingReport Report);
