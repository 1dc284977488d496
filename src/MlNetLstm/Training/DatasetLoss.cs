namespace MlNetLstm.Training;

/// <summary>A built-in loss (<see cref="LossKind"/>) on the targets of a <see cref="SequenceDataset"/>, for the training loop.</summary>
internal sealed class DatasetLoss(LossKind kind, int auxiliaryOutputs, float auxiliaryWeight) : ISequenceLoss
{
    public LossKind Kind => kind;

    private static SequenceDataset Data(ISequenceBatchSource source) => source as SequenceDataset
        ?? throw new ArgumentException($"The {nameof(LossKind)} losses read their targets from a {nameof(SequenceDataset)}; this source is a {source.GetType().Name}.", nameof(source));

    // N = samples · rows per sample (steps with per-step targets, else 1) · K (1 for cross-entropy: one term per row).
    public long Count(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps)
    {
        SequenceDataset data = Data(source);
        return (long)samples.Length * (data.TargetsPerStep ? steps : 1) * (kind == LossKind.SoftmaxCrossEntropy ? 1 : data.TargetSize);
    }

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
            return TrainingLosses.Sum(kind, outputs, tg.AsSpan(0, rows * K), rows, K, (float)(1.0 / count), outputGradient, auxiliaryOutputs, auxiliaryWeight);
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(tg); }
    }
}
