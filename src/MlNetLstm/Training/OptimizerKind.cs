namespace MlNetLstm.Training;

/// <summary>Optimizer.</summary>
public enum OptimizerKind
{
    /// <summary>Adam; <see cref="TrainingOptions.WeightDecay"/> is added to the gradient as L2 (g += λ θ).</summary>
    Adam = 0,
    /// <summary>AdamW; decoupled decay θ -= lr λ θ.</summary>
    AdamW = 1,
}
