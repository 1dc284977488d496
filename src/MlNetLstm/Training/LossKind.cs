namespace MlNetLstm.Training;

/// <summary>Training loss (replaced by <see cref="MlNetLstm.Loss"/>, whose first three members have these names and ordinals).</summary>
[Obsolete("Use MlNetLstm.Loss (one enum for every training and evaluation loss; same member names) and TrainingOptions.LossFunction.")]
public enum LossKind
{
    /// <summary>Mean squared error L = (1/N) Σ (y - t)^2 over all N target elements; the head outputs K values.</summary>
    MeanSquaredError = 0,
    /// <summary>
    /// Gaussian negative log-likelihood L = (1/N) Σ 0.5 (s + (t - μ)^2 e^{-s} + log 2π); the head outputs 2K values
    /// [μ_1..μ_K | s_1..s_K] with s = log σ^2.
    /// </summary>
    GaussianNll = 1,
    /// <summary>
    /// Softmax cross-entropy for classification: the head outputs K logits y, p = softmax(y), and
    /// L = (1/R) Σ_rows -Σ_k t_k log p_k over R rows (targets usually one-hot or probability vectors); dL/dy = (p Σ_k t_k - t) / R.
    /// </summary>
    SoftmaxCrossEntropy = 2,
}
