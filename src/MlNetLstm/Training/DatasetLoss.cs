namespace MlNetLstm.Training;

/// <summary>
/// A built-in network-training loss (<see cref="Loss.MeanSquaredError"/>, <see cref="Loss.GaussianNll"/> or
/// <see cref="Loss.SoftmaxCrossEntropy"/>, formulas on <see cref="Loss"/>) on the targets of a <see cref="SequenceDataset"/>,
/// as an <see cref="ISequenceLoss"/> for the training loop: what
/// <see cref="RecurrentTrainer.Train(Models.RecurrentNetwork, SequenceDataset, TrainingOptions?, SequenceDataset?, TrainingCheckpointOptions?)"/>
/// uses for <see cref="TrainingOptions.LossFunction"/>. N is the number of target elements of a mini-batch (rows for
/// cross-entropy), the sum and gradient are <see cref="Losses.Sum"/>'s, and the reported loss is the mean over an epoch's elements.
/// </summary>
public sealed class DatasetLoss : ISequenceLoss
{
    private readonly int _auxiliaryOutputs;
    private readonly float _auxiliaryWeight;

    /// <summary>Creates the loss.</summary>
    /// <param name="kind">A network-training loss.</param>
    /// <param name="auxiliaryOutputs">Auxiliary regression outputs (cross-entropy only; see <see cref="TrainingOptions.AuxiliaryOutputs"/>).</param>
    /// <param name="auxiliaryWeight">Their weight (<see cref="TrainingOptions.AuxiliaryWeight"/>).</param>
    public DatasetLoss(Loss kind, int auxiliaryOutputs = 0, float auxiliaryWeight = 1f)
    {
        Losses.CheckTraining(kind, nameof(kind));
        if (auxiliaryOutputs < 0 || (auxiliaryOutputs > 0 && kind != Loss.SoftmaxCrossEntropy))
            throw new ArgumentOutOfRangeException(nameof(auxiliaryOutputs), auxiliaryOutputs, "auxiliaryOutputs must be 0, or positive with the SoftmaxCrossEntropy loss.");
        if (!(auxiliaryWeight >= 0) || !float.IsFinite(auxiliaryWeight))
            throw new ArgumentOutOfRangeException(nameof(auxiliaryWeight), auxiliaryWeight, "auxiliaryWeight must be non-negative and finite.");
        Kind = kind; _auxiliaryOutputs = auxiliaryOutputs; _auxiliaryWeight = auxiliaryWeight;
    }

    /// <summary>The loss.</summary>
    public Loss Kind { get; }

    private static SequenceDataset Data(ISequenceBatchSource source) => source as SequenceDataset
        ?? throw new ArgumentException($"The built-in training losses read their targets from a {nameof(SequenceDataset)}; this source is a {source.GetType().Name}.", nameof(source));

    /// <summary>N = samples · rows per sample (steps with per-step targets, else 1) · K (1 for cross-entropy: one term per row).</summary>
    /// <inheritdoc/>
    public long Count(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps)
    {
        SequenceDataset data = Data(source);
        return (long)samples.Length * (data.TargetsPerStep ? steps : 1) * (Kind == Loss.SoftmaxCrossEntropy ? 1 : data.TargetSize);
    }

    /// <inheritdoc/>
    public double Sum(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps, ReadOnlySpan<float> outputs, Span<float> outputGradient, long count)
    {
        SequenceDataset data = Data(source);
        int K = data.TargetSize, T = data.Steps, nr = samples.Length;
        bool perStep = data.TargetsPerStep;
        int rows = perStep ? steps * nr : nr;
        float[] tg = System.Buffers.ArrayPool<float>.Shared.Rent(rows * K);
        try
        {
            // Targets in the output layout: row (s · B + b) with per-step targets, else row b.
            for (int b = 0; b < nr; b++)
            {
                int n = samples[b];
                if (perStep)
                    for (int s = 0; s < steps; s++) data.TargetArray.AsSpan((n * T + firstStep + s) * K, K).CopyTo(tg.AsSpan((s * nr + b) * K, K));
                else data.TargetArray.AsSpan(n * K, K).CopyTo(tg.AsSpan(b * K, K));
            }
            return Losses.Sum(Kind, outputs, tg.AsSpan(0, rows * K), rows, K, (float)(1.0 / count), outputGradient, _auxiliaryOutputs, _auxiliaryWeight);
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(tg); }
    }
}
