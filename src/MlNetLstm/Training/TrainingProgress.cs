using MlNetLstm.Kernels;

namespace MlNetLstm.Training;

/// <summary>
/// The bookkeeping every trainer's epoch loop shares (<see cref="TrainingLoop"/>: <see cref="RecurrentTrainer"/>, the local-window attention trainer, the LSTM volatility model):
/// the optimiser step (gradient-norm clipping, L2 or decoupled weight decay, bias-corrected Adam), the loss curves, the
/// best weights and early stopping, and the stop reason with its message. One place, so every trainer stops, restores and
/// reports the same way. <see cref="TrainingRules"/> says how it monitors and stops.
/// </summary>
internal sealed class TrainingProgress
{
    private readonly TrainingOptions _o;
    private readonly TrainingRules _rules;

    public TrainingProgress(TrainingOptions options, float[] initial, TrainingRules? rules = null)
    {
        _o = options;
        _rules = rules ?? TrainingRules.Standard;
        BestParameters = (float[])initial.Clone();
    }

    public List<double> TrainingLoss { get; } = [];
    public List<double> ValidationLoss { get; } = [];
    public List<float> LearningRates { get; } = [];
    /// <summary>Weights of the best epoch so far (the initial weights before any).</summary>
    public float[] BestParameters { get; }
    public double Best { get; set; } = double.PositiveInfinity;
    public int BestEpoch { get; set; } = -1;
    public int EpochsSinceBest { get; set; }
    public long Steps { get; set; }
    public StopReason Reason { get; set; } = StopReason.Completed;
    public string Message { get; set; } = "";
    public bool Running => Reason == StopReason.Completed;

    private string RestoreText => BestEpoch >= 0 ? $"restored the weights of epoch {BestEpoch}." : "restored the initial weights.";

    /// <summary>Stops with <see cref="StopReason.NonFiniteLoss"/>; <paramref name="what"/> says what became non-finite and where.</summary>
    public void StopNonFinite(string what) { Reason = StopReason.NonFiniteLoss; Message = $"{what}; {RestoreText}"; }

    /// <summary>
    /// One optimiser update of <paramref name="p"/> from the summed gradient <paramref name="g"/> (modified: clipped, plus
    /// L2 decay for Adam): g ← clip(g); Adam: g += wd · p; AdamW: decoupled decay inside the step. Returns false (and stops)
    /// when the weights became non-finite. The gradient norm is summed sequentially over the whole of g (its summation order
    /// is part of the result); the element-wise rest (scaling, decay, Adam, the finiteness check) runs over element ranges on
    /// up to <see cref="TrainingOptions.Threads"/> threads (<see cref="ForRanges"/>): every element sees the same operations as in
    /// one sequential pass, so the weights are bitwise the same for any thread count.
    /// </summary>
    public bool OptimizerStep(float[] p, float[] g, float[] m, float[] v, float lr, int epoch, int batchIndex)
    {
        float maxNorm = _o.GradientClipNorm;
        // The norm matters only when clipping is on (same value and order as RecurrentTrainer.ClipGlobalNorm).
        double norm = maxNorm > 0 ? Math.Sqrt(VectorOps.SumOfSquares(g)) : 0;
        bool clip = maxNorm > 0 && norm > maxNorm;
        float clipScale = clip ? (float)(maxNorm / norm) : 1f;
        float l2 = _o.Optimizer == OptimizerKind.Adam && _o.WeightDecay > 0 ? _o.WeightDecay : 0f;
        float decoupled = _o.Optimizer == OptimizerKind.AdamW ? _o.WeightDecay : 0f;
        Steps++;
        float bc1, bc2;
        if (_rules.SinglePrecisionBiasCorrection) { bc1 = 1f - MathF.Pow(_o.Beta1, Steps); bc2 = 1f - MathF.Pow(_o.Beta2, Steps); }
        else { bc1 = (float)(1 - Math.Pow(_o.Beta1, Steps)); bc2 = (float)(1 - Math.Pow(_o.Beta2, Steps)); }
        bool nonFinite = false;
        void Update(int from, int length)
        {
            Span<float> ps = p.AsSpan(from, length), gs = g.AsSpan(from, length);
            if (clip) VectorOps.Scale(clipScale, gs);
            if (l2 > 0) VectorOps.Axpy(l2, ps, gs);
            Adam.Step(ps, gs, m.AsSpan(from, length), v.AsSpan(from, length), lr, _o.Beta1, _o.Beta2, _o.Epsilon, bc1, bc2, decoupled);
            if (!VectorOps.AllFinite(ps)) nonFinite = true;
        }
        // Adam.Step refuses non-positive bias corrections: let it do so on one thread, with its own exception.
        ForRanges(p.Length, bc1 > 0f && bc2 > 0f ? Threads : 1, Update);
        if (!nonFinite) return true;
        StopNonFinite($"The weights became non-finite in epoch {epoch}, mini-batch {batchIndex}");
        return false;
    }

    /// <summary>The threads the element-wise work may use (<see cref="TrainingOptions.Threads"/>, 0 = all cores).</summary>
    private int Threads => _o.Threads == 0 ? Environment.ProcessorCount : _o.Threads;

    /// <summary>Vectors shorter than this run <see cref="ForRanges"/> sequentially (the thread hand-off would cost more than it saves).</summary>
    internal const int ParallelRangeThreshold = 1 << 15;

    /// <summary>
    /// Runs <paramref name="body"/>(from, length) over [0, <paramref name="length"/>) cut into contiguous ranges (starts at multiples of
    /// 64 elements, two per thread) on up to <paramref name="threads"/> threads; one call over everything when
    /// <paramref name="threads"/> &lt;= 1 or the vector is shorter than <see cref="ParallelRangeThreshold"/>. For element-wise work
    /// only: the result may not depend on where the ranges are cut.
    /// </summary>
    internal static void ForRanges(int length, int threads, Action<int, int> body)
    {
        if (threads <= 1 || length < ParallelRangeThreshold)
        {
            body(0, length);
            return;
        }
        int parts = 2 * threads;
        int size = ((length + parts - 1) / parts + 63) & ~63;
        int ranges = (length + size - 1) / size;
        Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = threads }, r =>
        {
            int from = r * size;
            body(from, Math.Min(size, length - from));
        });
    }

    /// <summary>True when every element of <paramref name="x"/> is finite (checked over ranges on up to <paramref name="threads"/> threads).</summary>
    internal static bool AllFinite(float[] x, int threads)
    {
        bool nonFinite = false;
        ForRanges(x.Length, threads, (from, length) =>
        {
            if (!VectorOps.AllFinite(x.AsSpan(from, length))) nonFinite = true;
        });
        return !nonFinite;
    }

    /// <summary>
    /// Records a completed epoch: its learning rate and mean training loss, the validation loss (null without validation
    /// data), keeps the best weights (monitoring the validation loss if present, else the training loss) and decides early
    /// stopping (after <see cref="TrainingOptions.Patience"/> epochs without improvement) or a non-finite validation loss.
    /// Without validation data only <see cref="TrainingRules.MonitorWithoutValidation"/> stops early.
    /// </summary>
    public void EndEpoch(int epoch, float lr, double trainingLoss, double? validationLoss, ReadOnlySpan<float> p)
    {
        LearningRates.Add(lr);
        TrainingLoss.Add(trainingLoss);
        double monitored = trainingLoss;
        if (validationLoss is double vl)
        {
            ValidationLoss.Add(vl);
            monitored = vl;
        }
        if (double.IsFinite(monitored) && monitored < Best - _rules.MinImprovement)
        {
            Best = monitored; BestEpoch = epoch; EpochsSinceBest = 0;
            p.CopyTo(BestParameters);
        }
        else EpochsSinceBest++;
        if (validationLoss is null && !_rules.MonitorWithoutValidation) return;
        if (!double.IsFinite(monitored) && validationLoss is not null && _rules.StopOnNonFiniteValidation)
            StopNonFinite($"The validation loss became {monitored} after epoch {epoch}");
        else if (_o.Patience > 0 && EpochsSinceBest >= _o.Patience)
        {
            Reason = StopReason.EarlyStopping;
            Message = $"Validation loss did not improve for {_o.Patience} epochs after epoch {BestEpoch}; stopped after epoch {epoch}.";
        }
    }

    /// <summary>
    /// The weights to return: the best ones after a non-finite stop, or when restoring best weights with validation data
    /// (always, the initial weights if no epoch improved, under <see cref="TrainingRules.MonitorWithoutValidation"/>); else <paramref name="p"/>.
    /// </summary>
    public float[] FinalParameters(float[] p, bool hasValidation) =>
        Reason == StopReason.NonFiniteLoss
        || (Reason != StopReason.Paused && _o.RestoreBestWeights && (_rules.MonitorWithoutValidation || (hasValidation && BestEpoch >= 0))) ? BestParameters : p;

    /// <summary>
    /// Runs <paramref name="body"/> for chunks 0..<paramref name="chunks"/>-1 (in parallel on up to <paramref name="threads"/>
    /// threads) and returns the sum of the per-chunk losses it wrote into <paramref name="losses"/>, added in chunk order so
    /// the result does not depend on the thread count.
    /// <paramref name="fold"/>, when given, is called once per chunk in chunk order 0, 1, 2, ..., each call after that chunk's
    /// body has finished and after the previous fold has returned (so a running sum folded this way is added in chunk order,
    /// whatever the thread count). The threads take chunks in ascending order and fold finished chunks while others still
    /// compute, so only the last folds are left when the last chunk ends.
    /// </summary>
    public static double RunChunks(int chunks, int threads, Action<int> body, double[] losses, Action<int>? fold = null)
    {
        if (threads <= 1 || chunks <= 1)
        {
            for (int c = 0; c < chunks; c++)
            {
                body(c);
                fold?.Invoke(c);
            }
        }
        else if (fold is null)
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
        else
            new OrderedFold(chunks, body, fold).Run(Math.Min(threads, chunks));
        double sum = 0;
        for (int c = 0; c < chunks; c++) sum += losses[c];
        return sum;
    }

    /// <summary>
    /// Chunks handed out in ascending order from a shared counter; a finished chunk is marked done and whichever thread holds
    /// the fold lock folds every done chunk from the fold cursor on, in order. The thread that fails to take the lock leaves the
    /// folding to the holder, which re-checks after releasing it, so no done chunk is left behind; the caller's thread folds any
    /// remainder after every body has finished.
    /// </summary>
    private sealed class OrderedFold(int chunks, Action<int> body, Action<int> fold)
    {
        private readonly bool[] _done = new bool[chunks];
        private readonly object _lock = new();
        private int _next = -1, _folded;

        public void Run(int workers)
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
            {
                int c;
                while ((c = Interlocked.Increment(ref _next)) < chunks)
                {
                    body(c);
                    Volatile.Write(ref _done[c], true);
                    TryFold();
                }
            });
            while (_folded < chunks) fold(_folded++);  // every body has finished; nothing else folds now
        }

        private void TryFold()
        {
            while (Monitor.TryEnter(_lock))
            {
                try
                {
                    while (_folded < chunks && Volatile.Read(ref _done[_folded])) fold(_folded++);
                }
                finally
                {
                    Monitor.Exit(_lock);
                }
                // A chunk may have finished (its thread failing to take the lock) after the last check: look again (after a full
                // fence, so this read is not ordered before the release of the lock). A fold missed here is still done after the loop.
                Interlocked.MemoryBarrier();
                if (_folded >= chunks || !Volatile.Read(ref _done[_folded])) return;
            }
        }
    }

    /// <summary>The immutable report of the run.</summary>
    public TrainingReport Report()
    {
        if (Reason == StopReason.Completed) Message = $"Completed {TrainingLoss.Count} epochs.";
        return new TrainingReport(TrainingLoss.ToArray(), ValidationLoss.ToArray(), LearningRates.ToArray(), BestEpoch,
            BestEpoch >= 0 ? Best : double.NaN, Reason, Message, Steps);
    }
}
