using MlNetLstm.Kernels;
using MlNetLstm.Models;

namespace MlNetLstm.Training;

/// <summary>
/// Mini-batch training of a <see cref="RecurrentNetwork"/> with (truncated) BPTT and Adam/AdamW.
/// Each mini-batch is split into fixed-size chunks of <see cref="TrainingOptions.ChunkSize"/> sequences; chunks run in
/// parallel, each with its own workspace and gradient buffer, and chunk gradients are summed in chunk order, so the
/// result is bitwise identical for any thread count. Same seed → same result.
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
        return new Session(network.Topology, options).Run(network.ParameterArray, train, validation, checkpoint);
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
        var s = new Session(network.Topology, new TrainingOptions { LossFunction = loss, Threads = threads });
        return s.Evaluate(network.ParameterArray, data);
    }

    /// <summary>Former overload of <see cref="Evaluate(RecurrentNetwork, SequenceDataset, Loss, int)"/> with the replaced loss enum.</summary>
    /// <param name="network">Network.</param>
    /// <param name="data">Data.</param>
    /// <param name="loss">Loss.</param>
    /// <param name="threads">Maximum threads (0 = all cores).</param>
    [Obsolete("Pass an MlNetLstm.Loss.")]
    public static double Evaluate(RecurrentNetwork network, SequenceDataset data, LossKind loss, int threads = 0) => Evaluate(network, data, loss.ToLoss(), threads);

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

    private sealed class Session
    {
        private readonly NetworkTopology _t;
        private readonly TrainingOptions _o;
        private readonly int _chunkSize, _maxChunks, _threads, _ld;
        private readonly RecurrentWorkspace[] _ws;
        private readonly float[][] _grad, _targets, _h, _c;
        private readonly double[] _loss;

        public Session(NetworkTopology topology, TrainingOptions options)
        {
            _t = topology; _o = options;
            _chunkSize = options.ChunkSize;
            _maxChunks = (options.BatchSize + _chunkSize - 1) / _chunkSize;
            _threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
            _ld = _t.Layers * _t.Directions;
            _ws = new RecurrentWorkspace[_maxChunks];
            _grad = new float[_maxChunks][]; _targets = new float[_maxChunks][]; _h = new float[_maxChunks][]; _c = new float[_maxChunks][];
            _loss = new double[_maxChunks];
            for (int c = 0; c < _maxChunks; c++)
            {
                _ws[c] = new RecurrentWorkspace(topology);
                _grad[c] = new float[topology.Layout.TotalLength];
                _targets[c] = [];
                _h[c] = new float[_ld * _chunkSize * _t.HiddenSize];
                _c[c] = new float[_ld * _chunkSize * _t.HiddenSize];
            }
        }

        /// <summary>Runs forward (and backward when training) over samples order[start..start+count), steps [s0, s0+len). Returns the loss sum and element count.</summary>
        private (double Sum, long Elements) RunBatch(float[] p, SequenceDataset data, int[] order, int start, int count, int s0, int len, bool train, bool carry)
        {
            int chunks = (count + _chunkSize - 1) / _chunkSize;
            int K = data.TargetSize;
            bool perStep = data.TargetsPerStep;
            long elements = (long)count * (perStep ? len : 1) * (_o.LossFunction == Loss.SoftmaxCrossEntropy ? 1 : K);
            float scale = (float)(1.0 / elements);
            // Input-gate penalty λ · mean(i) over the N gate activations of the whole mini-batch: c = λ/N per activation; its
            // value enters the loss sum as elements · λ · Σi / N, so Sum / Elements = L_task + λ · mean(i).
            float lambda = _o.InputGatePenalty;
            long gates = (long)count * len * _t.HiddenSize * _ld;
            float gateCoefficient = lambda > 0 ? (float)(lambda / (double)gates) : 0f;
            void Body(int c)
            {
                int r0 = start + c * _chunkSize, nr = Math.Min(_chunkSize, start + count - r0);
                var ws = _ws[c];
                ws.Ensure(nr, len);
                int T = data.Steps, I = data.InputSize, E = data.ExtraSize;
                int rows = perStep ? len * nr : nr;
                if (_targets[c].Length < rows * K) _targets[c] = new float[Math.Max(rows * K, _chunkSize * (perStep ? T : 1) * K)];
                float[] tg = _targets[c];
                for (int b = 0; b < nr; b++)
                {
                    int n = order[r0 + b];
                    ws.SetInputRow(b, data.InputArray.AsSpan((n * T + s0) * I, len * I));
                    if (E > 0) ws.SetExtraRow(b, data.ExtraArray.AsSpan((n * T + s0) * E, len * E));
                    if (perStep)
                        for (int s = 0; s < len; s++) data.TargetArray.AsSpan((n * T + s0 + s) * K, K).CopyTo(tg.AsSpan((s * nr + b) * K, K));
                    else data.TargetArray.AsSpan(n * K, K).CopyTo(tg.AsSpan(b * K, K));
                }
                int stateLen = _ld * nr * _t.HiddenSize;
                bool useState = carry && s0 > 0;
                ws.Forward(p, useState ? _h[c].AsSpan(0, stateLen) : default, useState && _t.Cell.HasCellState ? _c[c].AsSpan(0, stateLen) : default);
                if (carry) ws.GetFinalState(_h[c].AsSpan(0, stateLen), _c[c].AsSpan(0, stateLen));
                _loss[c] = Losses.Sum(_o.LossFunction, ws.Output, tg, rows, K, scale, train ? ws.DY : default, _o.AuxiliaryOutputs, _o.AuxiliaryWeight);
                if (lambda > 0) _loss[c] += elements * (lambda * ws.InputGateSum() / gates);
                if (train)
                {
                    Array.Clear(_grad[c]);
                    ws.Backward(p, _grad[c], inputGradient: false, gateCoefficient);
                }
            }
            return (TrainingProgress.RunChunks(chunks, _threads, Body, _loss), elements);
        }

        public double Evaluate(float[] p, SequenceDataset data)
        {
            var order = Enumerable.Range(0, data.Count).ToArray();
            double sum = 0; long n = 0;
            for (int start = 0; start < data.Count; start += _o.BatchSize)
            {
                var (s, e) = RunBatch(p, data, order, start, Math.Min(_o.BatchSize, data.Count - start), 0, data.Steps, train: false, carry: false);
                sum += s; n += e;
            }
            return sum / n;
        }

        public TrainingResult Run(float[] initial, SequenceDataset train, SequenceDataset? validation, TrainingCheckpointOptions? checkpoint = null)
        {
            int P = initial.Length;
            var p = (float[])initial.Clone();
            var m = new float[P]; var v = new float[P]; var g = new float[P];
            var run = new TrainingProgress(_o, initial);
            var rng = new Random(_o.Seed);
            var order = Enumerable.Range(0, train.Count).ToArray();
            int k = _o.TruncatedBpttSteps > 0 ? _o.TruncatedBpttSteps : train.Steps;
            bool carry = _o.TruncatedBpttSteps > 0;
            int firstEpoch = 0;
            uint dataFingerprint = 0;
            if (checkpoint is not null)
            {
                dataFingerprint = Persistence.TrainingCheckpoint.DataFingerprint(train, validation);
                if (checkpoint.Resume && File.Exists(checkpoint.Path))
                {
                    var c = Persistence.TrainingCheckpoint.Load(checkpoint.Path);
                    if (c.Network.ParameterCount != P || c.Network.Spec with { ForgetGateModifier = null } != _t.Spec with { ForgetGateModifier = null }
                        || c.Network.Spec.ForgetGateModifier?.Name != _t.Spec.ForgetGateModifier?.Name)
                        throw new InvalidOperationException($"The checkpoint '{checkpoint.Path}' belongs to another network architecture.");
                    rng = c.PrepareResume(_o, train, validation, out order);
                    c.Network.Parameters.CopyTo(p);
                    c.AdamFirstMoment.Span.CopyTo(m);
                    c.AdamSecondMoment.Span.CopyTo(v);
                    c.BestParameters.Span.CopyTo(run.BestParameters);
                    run.Steps = c.OptimizerSteps; run.Best = c.BestLoss; run.BestEpoch = c.BestEpoch; run.EpochsSinceBest = c.EpochsSinceBest;
                    run.TrainingLoss.AddRange(c.TrainingLoss.ToArray()); run.ValidationLoss.AddRange(c.ValidationLoss.ToArray()); run.LearningRates.AddRange(c.LearningRates.ToArray());
                    firstEpoch = c.CompletedEpochs;
                }
            }
            for (int epoch = firstEpoch; epoch < _o.Epochs && run.Running; epoch++)
            {
                float lr = LearningRateSchedules.At(_o, epoch);
                if (_o.Shuffle)
                    for (int i = order.Length - 1; i > 0; i--) { int j = rng.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
                double epochSum = 0; long epochN = 0;
                int batchIndex = 0;
                for (int start = 0; start < train.Count && run.Running; start += _o.BatchSize, batchIndex++)
                {
                    int count = Math.Min(_o.BatchSize, train.Count - start);
                    int chunks = (count + _chunkSize - 1) / _chunkSize;
                    for (int s0 = 0; s0 < train.Steps; s0 += k)
                    {
                        int len = Math.Min(k, train.Steps - s0);
                        var (sum, n) = RunBatch(p, train, order, start, count, s0, len, train: true, carry);
                        _grad[0].AsSpan().CopyTo(g);
                        for (int c = 1; c < chunks; c++) VectorOps.Add(g, _grad[c], g);
                        if (!double.IsFinite(sum) || !VectorOps.AllFinite(g))
                        {
                            run.StopNonFinite($"The loss or its gradient became {(double.IsFinite(sum) ? "non-finite" : sum.ToString())} in epoch {epoch}, mini-batch {batchIndex}, steps [{s0}, {s0 + len})");
                            break;
                        }
                        epochSum += sum; epochN += n;
                        if (!run.OptimizerStep(p, g, m, v, lr, epoch, batchIndex)) break;
                    }
                }
                if (!run.Running) break;
                run.EndEpoch(epoch, lr, epochSum / epochN, validation != null ? Evaluate(p, validation) : null, p);
                if (checkpoint is not null && run.Running)
                {
                    new Persistence.TrainingCheckpoint
                    {
                        Network = RecurrentNetwork.FromTrusted(_t, (float[])p.Clone()),
                        AdamFirstMoment = m, AdamSecondMoment = v, OptimizerSteps = run.Steps, CompletedEpochs = epoch + 1, Seed = _o.Seed,
                        ShuffleOrder = order, BestParameters = run.BestParameters, BestLoss = run.Best, BestEpoch = run.BestEpoch, EpochsSinceBest = run.EpochsSinceBest,
                        TrainingLoss = run.TrainingLoss.ToArray(), ValidationLoss = run.ValidationLoss.ToArray(), LearningRates = run.LearningRates.ToArray(),
                        OptionsFingerprintText = Persistence.TrainingCheckpoint.OptionsFingerprint(_o), DataFingerprintValue = dataFingerprint,
                    }.Save(checkpoint.Path);
                    if (checkpoint.MaxEpochsThisRun is int slice && epoch + 1 - firstEpoch >= slice && epoch + 1 < _o.Epochs)
                    {
                        run.Reason = StopReason.Paused;
                        run.Message = $"Paused after epoch {epoch} ({epoch + 1} of {_o.Epochs} done); the checkpoint '{checkpoint.Path}' resumes it.";
                    }
                }
            }
            var report = run.Report();
            return new TrainingResult(RecurrentNetwork.FromTrusted(_t, run.FinalParameters(p, validation != null)), report);
        }
    }
}
