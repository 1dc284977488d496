namespace MlNetLstm.Training;

/// <summary>Learning-rate schedules.</summary>
public static class LearningRateSchedules
{
    /// <summary>The learning rate for epoch <paramref name="epoch"/> (0-based) under <paramref name="options"/> (see <see cref="LearningRateSchedule"/> and warm-up).</summary>
    /// <param name="options">Options.</param>
    /// <param name="epoch">Epoch index, &gt;= 0.</param>
    public static float At(TrainingOptions options, int epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "Must be non-negative.");
        double lr0 = options.LearningRate;
        double lr = options.Schedule switch
        {
            LearningRateSchedule.Step => lr0 * Math.Pow(options.DecayRate, epoch / options.StepEpochs),
            LearningRateSchedule.Exponential => lr0 * Math.Pow(options.DecayRate, epoch),
            LearningRateSchedule.Cosine => options.MinLearningRate + (lr0 - options.MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(epoch, options.Epochs) / options.Epochs)),
            _ => lr0,
        };
        if (epoch < options.WarmupEpochs) lr *= (epoch + 1.0) / (options.WarmupEpochs + 1.0);
        return (float)lr;
    }
}
