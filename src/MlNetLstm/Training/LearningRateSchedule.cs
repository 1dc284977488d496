namespace MlNetLstm.Training;

/// <summary>Learning-rate schedule, evaluated once per epoch e (0-based); see <see cref="LearningRateSchedules.At"/>.</summary>
public enum LearningRateSchedule
{
    /// <summary>lr(e) = lr0.</summary>
    Constant = 0,
    /// <summary>lr(e) = lr0 γ^floor(e / StepEpochs).</summary>
    Step = 1,
    /// <summary>lr(e) = lr0 γ^e.</summary>
    Exponential = 2,
    /// <summary>lr(e) = lr_min + (lr0 - lr_min) (1 + cos(π e / Epochs)) / 2.</summary>
    Cosine = 3,
}
