using MlNetLstm.Models;
using MlNetLstm.Models.Attention;

namespace MlNetLstm.Training;

/// <summary>
/// Mini-batch training of a <see cref="LocalWindowAttention"/> model with Adam/AdamW on a <see cref="SequenceDataset"/>,
/// using the same <see cref="TrainingOptions"/> as <see cref="RecurrentTrainer"/> (loss, learning-rate schedule, warm-up,
/// gradient-norm clipping, weight decay, shuffling, validation split, early stopping, best-weights restore).
/// <see cref="TrainingOptions.TruncatedBpttSteps"/> must be 0 (there is no recurrence) and checkpointing is not offered.
/// Each mini-batch is split into fixed chunks of <see cref="TrainingOptions.ChunkSize"/> sequences whose gradients are
/// computed in parallel (double precision) and summed in chunk order, so the result is bitwise identical for any thread
/// count. Same model, data and options (seed) → same result. The epochs, optimiser, validation and stopping are the shared
/// training loop's (the same code as <see cref="RecurrentTrainer"/>); this class supplies the attention model's gradient.
/// (Before issue 18 it lived in <c>MlNetLstm.Models.Attention</c>; it moved here so that Training depends on Models and never the reverse.)
/// </summary>
public static class LocalWindowAttentionTrainer
{
    /// <summary>Trains a copy of <paramref name="model"/> (which is not modified).</summary>
    /// <param name="model">Initial model; its head needs <see cref="Losses.OutputSizeFor"/> outputs, and an every-step head iff per-step targets.</param>
    /// <param name="data">Training data without extra inputs (the tail is held out when <see cref="TrainingOptions.ValidationFraction"/> &gt; 0 and <paramref name="validation"/> is null).</param>
    /// <param name="options">Options (null = defaults).</param>
    /// <param name="validation">Explicit validation data, or null.</param>
    /// <returns>The trained model and report. A NaN/infinite loss stops training with <see cref="StopReason.NonFiniteLoss"/> and the best weights so far.</returns>
    public static LocalWindowAttentionTrainingResult Train(LocalWindowAttention model, SequenceDataset data, TrainingOptions? options = null, SequenceDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TrainingOptions();
        options.Validate();
        if (options.TruncatedBpttSteps != 0)
            throw new ArgumentException("TruncatedBpttSteps must be 0 for a local-window attention model (it has no recurrence).", nameof(options));
        if (options.AuxiliaryOutputs != 0)
            throw new ArgumentException("AuxiliaryOutputs must be 0 for a local-window attention model (the auxiliary loss is implemented by RecurrentTrainer only).", nameof(options));
        CheckCompatible(model, data, options.LossFunction, nameof(data));
        if (validation != null) CheckCompatible(model, validation, options.LossFunction, nameof(validation));
        (SequenceDataset train, validation) = data.WithValidation(validation, options.ValidationFraction, nameof(options));
        return new Session(model.Topology, options).Train(model.ParameterArray, train, validation);
    }

    /// <summary>Mean loss of <paramref name="model"/> on <paramref name="data"/> (as reported by <see cref="Train"/>).</summary>
    /// <param name="model">Model.</param>
    /// <param name="data">Data.</param>
    /// <param name="loss">Network-training loss (<see cref="TrainingOptions.LossFunction"/>).</param>
    /// <param name="threads">Maximum threads (0 = all cores).</param>
    public static double Evaluate(LocalWindowAttention model, SequenceDataset data, Loss loss = Loss.MeanSquaredError, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Must be non-negative.");
        Losses.CheckTraining(loss, nameof(loss));
        CheckCompatible(model, data, loss, nameof(data));
        var s = new Session(model.Topology, new TrainingOptions { LossFunction = loss, Threads = threads });
        return s.EvaluateDoubles(model.ParameterDoubles, data);
    }

    /// <summary>Former overload of <see cref="Evaluate(LocalWindowAttention, SequenceDataset, Loss, int)"/> with the replaced loss enum.</summary>
    /// <param name="model">Model.</param>
    /// <param name="data">Data.</param>
    /// <param name="loss">Loss.</param>
    /// <param name="threads">Maximum threads (0 = all cores).</param>
    [Obsolete("Pass an MlNetLstm.Loss.")]
    public static double Evaluate(LocalWindowAttention model, SequenceDataset data, LossKind loss, int threads = 0) => Evaluate(model, data, loss.ToLoss(), threads);

    private static void CheckCompatible(LocalWindowAttention model, SequenceDataset data, Loss loss, string paramName) =>
        data.EnsureFits("model", nameof(model), model.Spec.InputSize, 0, "a local-window attention model",
            model.Spec.OutputSize, model.Spec.HeadMode, loss, paramName);

    private sealed class Session : TrainingLoop
    {
        private readonly AttentionTopology _t;
        private readonly int _chunkSize, _threads;
        private readonly AttentionWorkspace[] _ws;
        private readonly double[][] _grad;
        private readonly double[] _loss;
        private double[] _pd = [];

        public Session(AttentionTopology topology, TrainingOptions options)
            : base(options, new DatasetLoss(options.LossFunction), TrainingRules.Standard)
        {
            _t = topology;
            _chunkSize = options.ChunkSize;
            int maxChunks = (options.BatchSize + _chunkSize - 1) / _chunkSize;
            _threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
            _ws = new AttentionWorkspace[maxChunks];
            _grad = new double[maxChunks][];
            _loss = new double[maxChunks];
            for (int c = 0; c < maxChunks; c++) { _ws[c] = new AttentionWorkspace(topology); _grad[c] = new double[topology.Layout.TotalLength]; }
        }

        /// <summary>Forward (and backward when training) over samples order[start..start+count). Returns the loss sum and element count.</summary>
        private (double Sum, long Elements) RunBatch(double[] p, ISequenceBatchSource data, int[] order, int start, int count, bool train)
        {
            int chunks = (count + _chunkSize - 1) / _chunkSize;
            int T = data.Steps, O = _t.O;
            long elements = SequenceLoss.Count(data, order.AsSpan(start, count), 0, T);
            int rows = _t.Spec.HeadMode == HeadMode.EveryStep ? T : 1;
            void Body(int c)
            {
                int r0 = start + c * _chunkSize, nr = Math.Min(_chunkSize, start + count - r0);
                var ws = _ws[c];
                var g = _grad[c];
                if (train) Array.Clear(g);
                var y = new double[rows * O];
                var yf = new float[rows * O];
                var dyf = train ? new float[rows * O] : [];
                var dy = new double[rows * O];
                double loss = 0;
                for (int b = 0; b < nr; b++)
                {
                    int n = order[r0 + b];
                    ws.Forward(p, data.GetInputs(n, 0, T), T, y);
                    for (int k = 0; k < y.Length; k++) yf[k] = (float)y[k];
                    loss += SequenceLoss.Sum(data, order.AsSpan(r0 + b, 1), 0, T, yf, dyf, elements);
                    if (train)
                    {
                        for (int k = 0; k < dy.Length; k++) dy[k] = dyf[k];
                        ws.Backward(p, dy, g, default);
                    }
                }
                _loss[c] = loss;
            }
            return (TrainingProgress.RunChunks(chunks, _threads, Body, _loss), elements);
        }

        protected override (double Sum, long Count) Gradient(float[] p, ISequenceBatchSource data, int[] order, int start, int count, int s0, int len, bool carry, float[] g)
        {
            var (sum, n) = RunBatch(_pd, data, order, start, count, train: true);
            int chunks = (count + _chunkSize - 1) / _chunkSize;
            for (int k = 0; k < g.Length; k++)
            {
                double s = 0;
                for (int c = 0; c < chunks; c++) s += _grad[c][k];
                g[k] = (float)s;
            }
            return (sum, n);
        }

        // The forward and backward passes run in double precision on _pd, the copy of the float weights the loop updates.
        protected override void ParametersChanged(float[] p)
        {
            for (int k = 0; k < p.Length; k++) _pd[k] = p[k];
        }

        public override double Evaluate(float[] p, ISequenceBatchSource data) => EvaluateDoubles(_pd, data);

        public double EvaluateDoubles(double[] p, ISequenceBatchSource data)
        {
            var order = Enumerable.Range(0, data.Count).ToArray();
            double sum = 0; long n = 0;
            for (int start = 0; start < data.Count; start += Options.BatchSize)
            {
                var (s, e) = RunBatch(p, data, order, start, Math.Min(Options.BatchSize, data.Count - start), train: false);
                sum += s; n += e;
            }
            return sum / n;
        }

        public LocalWindowAttentionTrainingResult Train(float[] initial, SequenceDataset train, SequenceDataset? validation)
        {
            _pd = Array.ConvertAll(initial, v => (double)v);
            var (run, final) = Run(Start(initial, train), new TrainingProgress(Options, initial, Rules), train, validation);
            var report = run.Report();
            return new LocalWindowAttentionTrainingResult(LocalWindowAttention.FromTrusted(_t, final), report);
        }
    }
}
