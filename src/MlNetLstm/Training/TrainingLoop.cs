using MlNetLstm.Kernels;

namespace MlNetLstm.Training;

/// <summary>
/// The one training loop of the library: epochs (learning-rate schedule, seeded shuffling by the
/// <see cref="ISequenceBatchSource"/>), mini-batches and truncated-BPTT segments, the non-finite checks, the optimiser step,
/// the loss curves, validation, best weights and early stopping (<see cref="TrainingProgress"/>, under
/// <see cref="TrainingRules"/>). A network type supplies only the gradient of a mini-batch and the validation loss
/// (<see cref="RecurrentTrainer"/>'s session for every recurrent network, the LSTM volatility model included; the
/// local-window attention trainer's session), and the <see cref="ISequenceLoss"/> says what is minimised.
/// </summary>
internal abstract class TrainingLoop
{
    protected TrainingLoop(TrainingOptions options, ISequenceLoss loss, TrainingRules rules)
    {
        Options = options; SequenceLoss = loss; Rules = rules;
    }

    protected TrainingOptions Options { get; }
    protected ISequenceLoss SequenceLoss { get; }
    protected TrainingRules Rules { get; }

    /// <summary>
    /// Forward and backward over samples order[start..start+count), steps [s0, s0+len): writes the mini-batch's summed
    /// gradient d(Σ sum / N)/dθ into <paramref name="g"/> and returns the loss sum and N.
    /// </summary>
    protected abstract (double Sum, long Count) Gradient(float[] p, ISequenceBatchSource data, int[] order, int start, int count, int s0, int len, bool carry, float[] g);

    /// <summary>The reported loss of <paramref name="data"/> under the current weights <paramref name="p"/> (forward passes only).</summary>
    public abstract double Evaluate(float[] p, ISequenceBatchSource data);

    /// <summary>Called after every successful optimiser step (a session keeping another copy of the weights updates it here).</summary>
    protected virtual void ParametersChanged(float[] p) { }

    /// <summary>Where a run starts: the weights, Adam moments, shuffling state and the first epoch (a resumed checkpoint or a fresh start).</summary>
    internal sealed class State(float[] p, float[] m, float[] v, int[] order, Random random, int firstEpoch)
    {
        public float[] P { get; } = p;
        public float[] M { get; } = m;
        public float[] V { get; } = v;
        public int[] Order { get; } = order;
        public Random Random { get; } = random;
        public int FirstEpoch { get; } = firstEpoch;
    }

    /// <summary>
    /// The default epoch shuffle (<see cref="ISequenceBatchSource.Shuffle"/>): Fisher-Yates from the end of the previous order,
    /// for i = N-1..1 swap order[i] with order[random.Next(i + 1)]. Checkpoint resume replays it (TrainingCheckpoint.ReplayShuffle).
    /// </summary>
    internal static void ShuffleFromEnd(Span<int> order, Random random)
    {
        for (int i = order.Length - 1; i > 0; i--) { int j = random.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
    }

    /// <summary>A fresh start from <paramref name="initial"/> (copied).</summary>
    public State Start(float[] initial, ISequenceBatchSource train) =>
        new((float[])initial.Clone(), new float[initial.Length], new float[initial.Length], Enumerable.Range(0, train.Count).ToArray(), new Random(Options.Seed), 0);

    /// <summary>
    /// Runs the epochs from <paramref name="state"/> on <paramref name="train"/> with optional <paramref name="validation"/> and
    /// returns the progress (report, best weights) and the weights to keep. <paramref name="afterEpoch"/> (may be null) runs after
    /// every completed epoch that did not stop the run (checkpointing).
    /// </summary>
    public (TrainingProgress Run, float[] Final) Run(State state, TrainingProgress run, ISequenceBatchSource train, ISequenceBatchSource? validation,
        Action<int, TrainingProgress>? afterEpoch = null)
    {
        TrainingOptions o = Options;
        float[] p = state.P, m = state.M, v = state.V;
        var g = new float[p.Length];
        int[] order = state.Order;
        int k = o.TruncatedBpttSteps > 0 ? o.TruncatedBpttSteps : train.Steps;
        bool carry = o.TruncatedBpttSteps > 0;
        int threads = o.Threads == 0 ? Environment.ProcessorCount : o.Threads;
        for (int epoch = state.FirstEpoch; epoch < o.Epochs && run.Running; epoch++)
        {
            float lr = LearningRateSchedules.At(o, epoch);
            if (o.Shuffle) train.Shuffle(order, state.Random);
            double epochSum = 0, epochWeight = 0;
            int batchIndex = 0;
            for (int start = 0; start < train.Count && run.Running; start += o.BatchSize, batchIndex++)
            {
                int count = Math.Min(o.BatchSize, train.Count - start);
                for (int s0 = 0; s0 < train.Steps; s0 += k)
                {
                    int len = Math.Min(k, train.Steps - s0);
                    var (sum, n) = Gradient(p, train, order, start, count, s0, len, carry, g);
                    if (!double.IsFinite(sum) || !TrainingProgress.AllFinite(g, threads))
                    {
                        run.StopNonFinite($"The loss or its gradient became {(double.IsFinite(sum) ? "non-finite" : sum.ToString(System.Globalization.CultureInfo.InvariantCulture))} in epoch {epoch}, mini-batch {batchIndex}, steps [{s0}, {s0 + len})");
                        break;
                    }
                    var (value, weight) = SequenceLoss.Report(sum, n);
                    epochSum += value; epochWeight += weight;
                    if (!run.OptimizerStep(p, g, m, v, lr, epoch, batchIndex)) break;
                    ParametersChanged(p);
                }
            }
            if (!run.Running) break;
            run.EndEpoch(epoch, lr, epochSum / epochWeight, validation != null ? Evaluate(p, validation) : null, p);
            if (run.Running) afterEpoch?.Invoke(epoch, run);
        }
        return (run, run.FinalParameters(p, validation != null));
    }
}
