namespace MlNetLstm.Evaluation;

/// <summary>Progress of a walk-forward run: reported after each completed (model, refit block).</summary>
/// <param name="Model">Name of the model whose block finished.</param>
/// <param name="CompletedBlocks">Blocks completed over all models so far.</param>
/// <param name="TotalBlocks">Total blocks over all models.</param>
public sealed record WalkForwardProgress(string Model, int CompletedBlocks, int TotalBlocks);
