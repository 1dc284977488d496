using MlNetLstm.Kernels;
using MlNetLstm.Models;

namespace MlNetLstm.Training;

/// <summary>
/// Mini-batch training of a <see cref="RecurrentNetwork"/> with (truncated) BPTT and Adam/AdamW, through the library's one
/// training loop (the epoch, optimiser and stopping logic every network shares), with a pluggable loss
/// (<see cref="ISequenceLoss"/>; the built-in ones are <see cref="DatasetLoss"/>) and batch source
/// (<see cref="ISequenceBatchSource"/>, e.g. a <see cref="SequenceDataset"/>).
/// Each mini-batch is split into fixed-size chunks of <see cref="TrainingOptions.ChunkSize"/> sequences; chunks run in
/// parallel, each with its own gradient buffer and a workspace borrowed from a pool (one per running chunk), reading W_hh packed
/// once per mini-batch; chunk gradients are summed in chunk order (folded as chunks finish), so the result is bitwise identical
/// for any thread count. Same seed → same result.
/// </summary>
public static class RecurrentTrainer
{
    /// <summary>Trains a copy of <paramref name="network"/> (which is not modified).</summary>
    /// <param name="network">Initial network; needs a head with <see cref="Losses.OutputSizeFor"/> outputs, every-step head iff per-step targets.</param>
    /// <param name="data">Training data (the tail is held out when <see cref="TrainingOptions.ValidationFraction"/> &gt; 0 and <paramref name="validation"/> is null).</param>
    /// <param name="options">Options (null = defaults).</param>
    /// <param name="validation">Explicit validation data, or null.</param>
    /// <returns>The trained network and report. A NaN/infinite loss stops training with <see cref="StopReason.NonFiniteLoss"/> and the best weights so far.</returns>
    /// <param name="checkpoint">Optional checkpointing and resuming (see <see cref="TrainingCheckpointOptions"/>).</param>
    public static TrainingResult Train(RecurrentNetwork network, SequenceDataset data, TrainingOptions? options = null, SequenceDataset? validation = null,
        TrainingCheckpointOptions? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TrainingOptions();
        options.Validate();
        CheckCompatible(network, data, options.LossFunction, nameof(data));
        if (validation != null) CheckCompatible(network, validation, options.LossFunction, nameof(validation));
        if (options.TruncatedBpttSteps > 0)
        {
            if (!data.TargetsPerStep) throw new ArgumentException("Truncated BPTT needs per-step targets and an every-step head.", nameof(options));
            if (network.Spec.Bidirectional) throw new ArgumentException("Truncated BPTT does not apply to bidirectional networks.", nameof(options));
        }
        if (options.AuxiliaryOutputs > 0 && options.AuxiliaryOutputs > data.TargetSize - 2)
            throw new ArgumentException($"TrainingOptions.AuxiliaryOutputs = {options.AuxiliaryOutputs} leaves fewer than 2 of the {data.TargetSize} targets per row as classes.", nameof(options));
        if (options.InputGatePenalty > 0 && !network.Topology.Cell.HasInputGate)
            throw new ArgumentException($"TrainingOptions.InputGatePenalty applies to LSTM networks only; this network's cell is {network.Spec.Cell}.", nameof(options));
        (SequenceDataset train, validation) = data.WithValidation(validation, options.ValidationFraction, nameof(options));
        if (checkpoint is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint.Path, nameof(checkpoint));
            if (checkpoint.MaxEpochsThisRun is < 1)
                throw new ArgumentOutOfRangeException(nameof(checkpoint), checkpoint.MaxEpochsThisRun, "TrainingCheckpointOptions.MaxEpochsThisRun must be at least 1.");
        }
        ISequenceLoss loss = new DatasetLoss(options.LossFunction, options.AuxiliaryOutputs, options.AuxiliaryWeight);
        return new Session(network.Topology, options, loss).Train(network.ParameterArray, train, validation, checkpoint);
    }

    /// <summary>
    /// Trains a copy of <paramref name="network"/> on any <see cref="ISequenceBatchSource"/> with any <see cref="ISequenceLoss"/>:
    /// the same loop as the dataset overload (mini-batches of <see cref="TrainingOptions.BatchSize"/> samples in chunks of
    /// <see cref="TrainingOptions.ChunkSize"/>, truncated BPTT, the optimiser, schedules, clipping, validation, early stopping,
    /// best-weights restore), minimising Σ sum / N of <paramref name="loss"/> per mini-batch. <see cref="TrainingOptions.LossFunction"/>
    /// is not used (the loss is <paramref name="loss"/>); the held-out split (<see cref="TrainingOptions.ValidationFraction"/>)
    /// and <see cref="TrainingOptions.AuxiliaryOutputs"/> must be 0 (pass <paramref name="validation"/> instead; the auxiliary
    /// term belongs to the built-in cross-entropy, <see cref="DatasetLoss"/>). Checkpointing is offered by the dataset overload.
    /// </summary>
    /// <param name="network">Initial network (not modified); its head's outputs are what <paramref name="loss"/> reads.</param>
    /// <param name="data">Training samples.</param>
    /// <param name="loss">The loss on the network's outputs.</param>
    /// <param name="options">Options (null = defaults).</param>
    /// <param name="validation">Validation samples (their loss is monitored), or null.</param>
    /// <returns>The trained network and report (a NaN/infinite loss stops with <see cref="StopReason.NonFiniteLoss"/> and the best weights so far).</returns>
    public static TrainingResult Train(RecurrentNetwork network, ISequenceBatchSource data, ISequenceLoss loss, TrainingOptions? options = null, ISequenceBatchSource? validation = null)
    {
        options ??= new TrainingOptions();
        if (options.ValidationFraction > 0)
            throw new ArgumentException($"TrainingOptions.ValidationFraction = {options.ValidationFraction}: with a batch source, pass the validation samples as {nameof(validation)} instead.", nameof(options));
        if (options.AuxiliaryOutputs != 0)
            throw new ArgumentException("TrainingOptions.AuxiliaryOutputs applies to the built-in cross-entropy only; write the auxiliary term into the plugged-in loss.", nameof(options));
        return Train(network, data, loss, options, validation, TrainingRules.Standard);
    }

    /// <summary>The batch-source overload under explicit <paramref name="rules"/> (the LSTM volatility model's).</summary>
    internal static TrainingResult Train(RecurrentNetwork network, ISequenceBatchSource data, ISequenceLoss loss, TrainingOptions options, ISequenceBatchSource? validation, TrainingRules rules)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckSource(network, data, nameof(data));
        if (validation != null) CheckSource(network, validation, nameof(validation));
        if (options.TruncatedBpttSteps > 0 && network.Spec.Bidirectional)
            throw new ArgumentException("Truncated BPTT does not apply to bidirectional networks.", nameof(options));
        if (options.InputGatePenalty > 0 && !network.Topology.Cell.HasInputGate)
            throw new ArgumentException($"TrainingOptions.InputGatePenalty applies to LSTM networks only; this network's cell is {network.Spec.Cell}.", nameof(options));
        return new Session(network.Topology, options, loss, rules).Train(network.ParameterArray, data, validation);
    }

    /// <summary>Mean loss of <paramref name="network"/> on <paramref name="data"/> (full-sequence forward passes).</summary>
    /// <param name="network">Network.</param>
    /// <param name="data">Data.</param>
    /// <param name="loss">Network-training loss (<see cref="TrainingOptions.LossFunction"/>).</param>
    /// <param name="threads">Maximum threads (0 = all cores).</param>
    public static double Evaluate(RecurrentNetwork network, SequenceDataset data, Loss loss = Loss.MeanSquaredError, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Must be non-negative.");
        Losses.CheckTraining(loss, nameof(loss));
        CheckCompatible(network, data, loss, nameof(data));
        var s = new Session(network.Topology, new TrainingOptions { LossFunction = loss, Threads = threads }, new DatasetLoss(loss));
        return s.Evaluate(network.ParameterArray, data);
    }

    /// <summary>Former overload of <see cref="Evaluate(RecurrentNetwork, SequenceDataset, Loss, int)"/> with the replaced loss enum.</summary>
    /// <param name="network">Network.</param>
    /// <param name="data">Data.</param>
    /// <param name="loss">Loss.</param>
    /// <param name="threads">Maximum threads (0 = all cores).</param>
    [Obsolete("Pass an MlNetLstm.Loss.")]
    public static double Evaluate(RecurrentNetwork network, SequenceDataset data, LossKind loss, int threads = 0) => Evaluate(network, data, loss.ToLoss(), threads);

    /// <summary>The loss sum, N and summed gradient of one mini-batch of <paramref name="samples"/> (what one optimiser step of <see cref="Train(RecurrentNetwork, ISequenceBatchSource, ISequenceLoss, TrainingOptions?, ISequenceBatchSource?)"/> sees).</summary>
    internal static (double Sum, long Count, float[] Gradient) BatchGradient(RecurrentNetwork network, ISequenceBatchSource data, ISequenceLoss loss, int[] samples, TrainingOptions options)
    {
        var g = new float[network.ParameterCount];
        var (sum, n) = new Session(network.Topology, options with { BatchSize = samples.Length }, loss).BatchGradient(network.ParameterArray, data, samples, g);
        return (sum, n, g);
    }

    /// <summary>The reported loss of <paramref name="network"/> on <paramref name="data"/> under <paramref name="loss"/> and <paramref name="rules"/> (the validation loss of a run).</summary>
    internal static double EvaluateLoss(RecurrentNetwork network, ISequenceBatchSource data, ISequenceLoss loss, TrainingOptions options, TrainingRules rules) =>
        new Session(network.Topology, options, loss, rules).Evaluate(network.ParameterArray, data);

    /// <summary>Global-norm clipping: when c &gt; 0 and ||g||_2 &gt; c, scales g by c / ||g||_2. Returns the norm before clipping.</summary>
    internal static double ClipGlobalNorm(Span<float> gradient, float maxNorm)
    {
        double norm = Math.Sqrt(VectorOps.SumOfSquares(gradient));
        if (maxNorm > 0 && norm > maxNorm) VectorOps.Scale((float)(maxNorm / norm), gradient);
        return norm;
    }

    private static void CheckCompatible(RecurrentNetwork network, SequenceDataset data, Loss loss, string paramName) =>
        data.EnsureFits("network", nameof(network), network.Spec.InputSize, network.Spec.ExtraInputSize, "the network's forget-gate modifier",
            network.Spec.OutputSize, network.Spec.HeadMode, loss, paramName);

    private static void CheckSource(RecurrentNetwork network, ISequenceBatchSource data, string paramName)
    {
        if (data.Count <= 0 || data.Steps <= 0)
            throw new ArgumentException($"{paramName} has {data.Count} samples of {data.Steps} steps; both must be positive.", paramName);
        if (data.InputSize != network.Spec.InputSize)
            throw new ArgumentException($"{paramName} has {data.InputSize} input features, the network expects {network.Spec.InputSize}.", paramName);
        if (data.ExtraSize != network.Spec.ExtraInputSize)
            throw new ArgumentException($"{paramName} has {data.ExtraSize} extra inputs, the network's forget-gate modifier expects {network.Spec.ExtraInputSize}.", paramName);
    }

    /// <summary>
    /// The recurrent network's part of the training loop: the gradient of a mini-batch, split into fixed chunks of
    /// <see cref="TrainingOptions.ChunkSize"/> sequences that run in parallel, each with its own workspace and gradient buffer,
    /// summed in chunk order; the loss is the plugged-in <see cref="ISequenceLoss"/>.
    /// </summary>
    private sealed class Session : TrainingLoop
    {
        private readonly NetworkTopology _t;
        private readonly int _chunkSize, _maxChunks, _threads, _ld;
        // Workspaces are borrowed per chunk from a pool that holds at most one per concurrently running chunk (min(threads, chunks)),
        // not one per chunk: a workspace is large ((T+1)·B·11H floats) and is fully rewritten by every Forward/Backward, so reuse keeps
        // memory and first-touch page faults down and its buffers warm in cache. Results do not depend on which workspace a chunk gets.
        private readonly Stack<RecurrentWorkspace> _wsPool = new();
        private readonly float[][] _grad, _h, _c;
        private readonly double[] _loss;
        private RecurrentWorkspace? _evaluationWorkspace;
        // W_hh packed once per mini-batch (and per change of the weights) and shared read-only by every chunk's workspace.
        private readonly RecurrentWeightPacks _packs;

        public Session(NetworkTopology topology, TrainingOptions options, ISequenceLoss loss, TrainingRules? rules = null)
            : base(options, loss, rules ?? TrainingRules.Standard)
        {
            _t = topology;
            _chunkSize = options.ChunkSize;
            _maxChunks = (options.BatchSize + _chunkSize - 1) / _chunkSize;
            _threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
            _ld = _t.Layers * _t.Directions;
            _grad = new float[_maxChunks][]; _h = new float[_maxChunks][]; _c = new float[_maxChunks][];
            _loss = new double[_maxChunks];
            _packs = new RecurrentWeightPacks(topology);
            for (int c = 0; c < _maxChunks; c++)
            {
                // Not zeroed here (on one thread, before any chunk runs): every chunk clears its buffer before its backward pass.
                _grad[c] = GC.AllocateUninitializedArray<float>(topology.Layout.TotalLength);
                _h[c] = new float[_ld * _chunkSize * _t.HiddenSize];
                _c[c] = new float[_ld * _chunkSize * _t.HiddenSize];
            }
        }

        /// <summary>
        /// Runs forward (and backward when training) over samples order[start..start+count), steps [s0, s0+len). Returns the
        /// loss sum and N. <paramref name="oneChunk"/> (evaluation only) runs every sample as one chunk in one workspace.
        /// When training, <paramref name="gradient"/> receives the sum of the chunk gradients, ((grad_0 + grad_1) + grad_2) + ... in
        /// chunk order for every element, folded while later chunks still run (<see cref="TrainingProgress.RunChunks"/>).
        /// </summary>
        private (double Sum, long Elements) RunBatch(float[] p, ISequenceBatchSource data, int[] order, int start, int count, int s0, int len, bool train, bool carry,
            bool oneChunk = false, float[]? gradient = null)
        {
            int chunkSize = oneChunk ? count : _chunkSize;
            int chunks = (count + chunkSize - 1) / chunkSize;
            long elements = SequenceLoss.Count(data, order.AsSpan(start, count), s0, len);
            // Input-gate penalty λ · mean(i) over the N gate activations of the whole mini-batch: c = λ/N per activation; its
            // value enters the loss sum as elements · λ · Σi / N, so Sum / Elements = L_task + λ · mean(i).
            float lambda = Options.InputGatePenalty;
            long gates = (long)count * len * _t.HiddenSize * _ld;
            float gateCoefficient = lambda > 0 ? (float)(lambda / (double)gates) : 0f;
            // The weights do not change during the batch: pack W_hh once here for all chunks of the full chunk size.
            RecurrentWeightPacks? shared = !oneChunk && chunks > 1 && _packs.Pack(p, chunkSize, train, _threads) ? _packs : null;
            void Body(int c)
            {
                int r0 = start + c * chunkSize, nr = Math.Min(chunkSize, start + count - r0);
                if (oneChunk)
                {
                    Chunk(c, r0, nr, _evaluationWorkspace ??= new RecurrentWorkspace(_t));
                    return;
                }
                RecurrentWorkspace ws;
                lock (_wsPool) ws = _wsPool.Count > 0 ? _wsPool.Pop() : new RecurrentWorkspace(_t);
                try
                {
                    Chunk(c, r0, nr, ws);
                }
                finally
                {
                    lock (_wsPool) _wsPool.Push(ws);
                }
            }
            void Chunk(int c, int r0, int nr, RecurrentWorkspace ws)
            {
                ws.Ensure(nr, len);
                for (int b = 0; b < nr; b++)
                {
                    int n = order[r0 + b];
                    ws.SetInputRow(b, data.GetInputs(n, s0, len));
                    if (data.ExtraSize > 0) ws.SetExtraRow(b, data.GetExtraInputs(n, s0, len));
                }
                int stateLen = _ld * nr * _t.HiddenSize;
                bool useState = carry && s0 > 0;
                ws.Forward(p, useState ? _h[c].AsSpan(0, stateLen) : default, useState && _t.Cell.HasCellState ? _c[c].AsSpan(0, stateLen) : default, shared);
                if (carry) ws.GetFinalState(_h[c].AsSpan(0, stateLen), _c[c].AsSpan(0, stateLen));
                _loss[c] = SequenceLoss.Sum(data, order.AsSpan(r0, nr), s0, len, ws.Output, train ? ws.DY : default, elements);
                if (lambda > 0) _loss[c] += elements * (lambda * ws.InputGateSum() / gates);
                if (train)
                {
                    Array.Clear(_grad[c]);
                    ws.Backward(p, _grad[c], inputGradient: false, gateCoefficient, shared);
                }
            }
            void Fold(int c)
            {
                if (c == 0) _grad[0].AsSpan().CopyTo(gradient);
                else VectorOps.Add(gradient, _grad[c], gradient);
            }
            return (TrainingProgress.RunChunks(chunks, _threads, Body, _loss, train && gradient is not null ? Fold : null), elements);
        }

        protected override (double Sum, long Count) Gradient(float[] p, ISequenceBatchSource data, int[] order, int start, int count, int s0, int len, bool carry, float[] g) =>
            RunBatch(p, data, order, start, count, s0, len, train: true, carry, gradient: g);

        public (double Sum, long Count) BatchGradient(float[] p, ISequenceBatchSource data, int[] samples, float[] g) =>
            Gradient(p, data, samples, 0, samples.Length, 0, data.Steps, carry: false, g);

        public override double Evaluate(float[] p, ISequenceBatchSource data)
        {
            var order = Enumerable.Range(0, data.Count).ToArray();
            int batch = Rules.EvaluateAsOneChunk ? data.Count : Options.BatchSize;
            double sum = 0, weight = 0;
            for (int start = 0; start < data.Count; start += batch)
            {
                var (s, e) = RunBatch(p, data, order, start, Math.Min(batch, data.Count - start), 0, data.Steps, train: false, carry: false, oneChunk: Rules.EvaluateAsOneChunk);
                var (value, w) = SequenceLoss.Report(s, e);
                sum += value; weight += w;
            }
            return sum / weight;
        }

        /// <summary>Trains from <paramref name="initial"/> (or the checkpoint it resumes) and returns the network and report.</summary>
        public TrainingResult Train(float[] initial, ISequenceBatchSource train, ISequenceBatchSource? validation, TrainingCheckpointOptions? checkpoint = null)
        {
            int P = initial.Length;
            State state = Start(initial, train);
            var run = new TrainingProgress(Options, initial, Rules);
            int firstEpoch = 0;
            uint dataFingerprint = 0;
            Action<int, TrainingProgress>? afterEpoch = null;
            if (checkpoint is not null)
            {
                // Checkpoints exist for SequenceDataset runs only (the public overload that takes a checkpoint takes datasets).
                var trainSet = (SequenceDataset)train;
                var validationSet = (SequenceDataset?)validation;
                dataFingerprint = TrainingCheckpoint.DataFingerprint(trainSet, validationSet);
                if (checkpoint.Resume && File.Exists(checkpoint.Path))
                {
                    var c = TrainingCheckpoint.Load(checkpoint.Path);
                    if (c.Network.ParameterCount != P || c.Network.Spec with { ForgetGateModifier = null } != _t.Spec with { ForgetGateModifier = null }
                        || c.Network.Spec.ForgetGateModifier?.Name != _t.Spec.ForgetGateModifier?.Name)
                        throw new InvalidOperationException($"The checkpoint '{checkpoint.Path}' belongs to another network architecture.");
                    Random rng = c.PrepareResume(Options, trainSet, validationSet, out int[] order);
                    var p = new float[P]; var m = new float[P]; var v = new float[P];
                    c.Network.Parameters.CopyTo(p);
                    c.AdamFirstMoment.Span.CopyTo(m);
                    c.AdamSecondMoment.Span.CopyTo(v);
                    c.BestParameters.Span.CopyTo(run.BestParameters);
                    run.Steps = c.OptimizerSteps; run.Best = c.BestLoss; run.BestEpoch = c.BestEpoch; run.EpochsSinceBest = c.EpochsSinceBest;
                    run.TrainingLoss.AddRange(c.TrainingLoss.ToArray()); run.ValidationLoss.AddRange(c.ValidationLoss.ToArray()); run.LearningRates.AddRange(c.LearningRates.ToArray());
                    firstEpoch = c.CompletedEpochs;
                    state = new State(p, m, v, order, rng, firstEpoch);
                }
                State s = state;
                afterEpoch = (epoch, r) =>
                {
                    new TrainingCheckpoint
                    {
                        Network = RecurrentNetwork.FromTrusted(_t, (float[])s.P.Clone()),
                        AdamFirstMoment = s.M, AdamSecondMoment = s.V, OptimizerSteps = r.Steps, CompletedEpochs = epoch + 1, Seed = Options.Seed,
                        ShuffleOrder = s.Order, BestParameters = r.BestParameters, BestLoss = r.Best, BestEpoch = r.BestEpoch, EpochsSinceBest = r.EpochsSinceBest,
                        TrainingLoss = r.TrainingLoss.ToArray(), ValidationLoss = r.ValidationLoss.ToArray(), LearningRates = r.LearningRates.ToArray(),
                        OptionsFingerprintText = TrainingCheckpoint.OptionsFingerprint(Options), DataFingerprintValue = dataFingerprint,
                    }.Save(checkpoint.Path);
                    if (checkpoint.MaxEpochsThisRun is int slice && epoch + 1 - firstEpoch >= slice && epoch + 1 < Options.Epochs)
                    {
                        r.Reason = StopReason.Paused;
                        r.Message = $"Paused after epoch {epoch} ({epoch + 1} of {Options.Epochs} done); the checkpoint '{checkpoint.Path}' resumes it.";
                    }
                };
            }
            var (progress, final) = Run(state, run, train, validation, afterEpoch);
            var report = progress.Report();
            return new TrainingResult(RecurrentNetwork.FromTrusted(_t, final), report);
        }
    }
}
