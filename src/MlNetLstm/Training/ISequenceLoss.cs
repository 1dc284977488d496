namespace MlNetLstm.Training;

/// <summary>
/// A training loss on a network's outputs, plugged into the training loop (<see cref="RecurrentTrainer"/>): it gives the
/// normaliser N of a mini-batch, the loss sum of a chunk of it with dL/dy, and how a mini-batch enters the reported loss.
/// The loop minimises Σ sum / N per mini-batch. <see cref="DatasetLoss"/> gives the built-in losses
/// (<see cref="Loss"/>) on a <see cref="SequenceDataset"/>; the LSTM volatility model plugs in its QLIKE loss on the
/// variance head. Implementations must be safe to call from several threads at once (chunks run in parallel) and must
/// not depend on which thread runs a chunk.
/// <para>
/// Output layout (the recurrent workspace's, time-major): with an every-step head, <c>outputs[(s · B + b) · W + j]</c> for
/// step s in [0, steps), sample b in [0, B) of the chunk and output j in [0, W); with a last-step head, <c>outputs[b · W + j]</c>.
/// </para>
/// </summary>
public interface ISequenceLoss
{
    /// <summary>
    /// The normaliser N &gt; 0 of a mini-batch (usually the number of scored target elements): the loop trains on
    /// Σ_chunks sum / N and passes N to <see cref="Sum"/>.
    /// </summary>
    /// <param name="source">The data.</param>
    /// <param name="samples">The mini-batch's sample indices.</param>
    /// <param name="firstStep">First step of the segment (0 without truncated BPTT).</param>
    /// <param name="steps">Steps of the segment.</param>
    long Count(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps);

    /// <summary>
    /// The loss summed over one chunk of a mini-batch (not divided by N); when <paramref name="outputGradient"/> is not empty,
    /// writes every element of it: d(sum)/dy / N (zero where nothing is scored).
    /// </summary>
    /// <param name="source">The data (where the loss finds its targets).</param>
    /// <param name="samples">The chunk's sample indices, B of them, in output order.</param>
    /// <param name="firstStep">First step of the segment.</param>
    /// <param name="steps">Steps of the segment.</param>
    /// <param name="outputs">Network outputs of the chunk (layout in the type's remarks), at least B · rows · W long.</param>
    /// <param name="outputGradient">Destination of dL/dy (same layout), or empty when only the value is needed.</param>
    /// <param name="count">N of the mini-batch (<see cref="Count"/>).</param>
    double Sum(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps, ReadOnlySpan<float> outputs, Span<float> outputGradient, long count);

    /// <summary>
    /// How a mini-batch enters the reported losses (<see cref="TrainingReport.TrainingLoss"/>, the validation loss and the
    /// early-stopping criterion): an epoch reports Σ Value / Σ Weight over its mini-batches. The default, (sum, N), is the
    /// mean over every scored element of the epoch.
    /// </summary>
    /// <param name="sum">The mini-batch's loss sum (all chunks).</param>
    /// <param name="count">Its N.</param>
    (double Value, double Weight) Report(double sum, long count) => (sum, count);
}
