namespace MlNetLstm.Training;

/// <summary>
/// The sequences a training run draws its mini-batches from: <see cref="Count"/> samples of <see cref="Steps"/> steps, each
/// step with <see cref="InputSize"/> inputs and <see cref="ExtraSize"/> forget-gate-modifier inputs. The targets are not part
/// of it: the <see cref="ISequenceLoss"/> of the run knows where to find them (it receives the source and the sample indices).
/// <see cref="SequenceDataset"/> is the library's implementation; the LSTM volatility model supplies overlapping windows of
/// its feature series the same way. Implementations must be safe to read from several threads at once.
/// </summary>
public interface ISequenceBatchSource
{
    /// <summary>Number of samples N &gt; 0.</summary>
    int Count { get; }

    /// <summary>Steps T &gt; 0 of every sample.</summary>
    int Steps { get; }

    /// <summary>Inputs I per step.</summary>
    int InputSize { get; }

    /// <summary>Forget-gate-modifier inputs E per step (0 without a modifier).</summary>
    int ExtraSize { get; }

    /// <summary>The inputs [steps, I] of sample <paramref name="sample"/> at steps [firstStep, firstStep + steps), row-major.</summary>
    /// <param name="sample">Sample index in [0, <see cref="Count"/>).</param>
    /// <param name="firstStep">First step.</param>
    /// <param name="steps">Number of steps.</param>
    ReadOnlySpan<float> GetInputs(int sample, int firstStep, int steps);

    /// <summary>The modifier inputs [steps, E] of sample <paramref name="sample"/> at steps [firstStep, firstStep + steps) (empty when E = 0).</summary>
    /// <param name="sample">Sample index in [0, <see cref="Count"/>).</param>
    /// <param name="firstStep">First step.</param>
    /// <param name="steps">Number of steps.</param>
    ReadOnlySpan<float> GetExtraInputs(int sample, int firstStep, int steps);

    /// <summary>
    /// Reorders the sample indices for the next epoch (called once per epoch when <see cref="TrainingOptions.Shuffle"/> is
    /// true; <paramref name="order"/> holds the previous epoch's order, the identity before the first). The default is the
    /// Fisher-Yates shuffle from the end of the previous order: for i = N-1..1, swap order[i] with order[random.Next(i + 1)].
    /// </summary>
    /// <param name="order">The order, permuted in place.</param>
    /// <param name="random">The run's seeded generator (<see cref="TrainingOptions.Seed"/>).</param>
    void Shuffle(Span<int> order, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        TrainingLoop.ShuffleFromEnd(order, random);
    }
}
