using MlNetLstm.Models.Attention;

namespace MlNetLstm.Training;

/// <summary>Immutable outcome of <see cref="LocalWindowAttentionTrainer.Train"/>: the trained model and the report.</summary>
/// <param name="Model">The trained (or best restored) model.</param>
/// <param name="Report">Loss curves and stop reason.</param>
public sealed record LocalWindowAttentionTrainingResult(LocalWindowAttention Model, TrainingReport Report);
