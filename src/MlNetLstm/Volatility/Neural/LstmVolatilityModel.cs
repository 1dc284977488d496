using System.Diagnostics;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Kernels;
using MlNetLstm.Models;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// Regime-adaptive LSTM variance forecaster (and its plain-LSTM ablation), usable in walk-forward backtests.
/// <para>
/// Scaling: returns are divided by s = sqrt(mean(r²)) of the training window (kept in the fitted model), u_t = r_t / s.
/// Baselines: an EWMA variance b_{t+1} = λ b_t + (1 - λ) u_t² (b_0 = 1, floored at 1e-6) and, for the GARCH and blend
/// anchors or <see cref="LstmVolatilityOptions.GarchFeature"/>, a GARCH(1,1) h^G_{t+1} fitted on the scaled training window.
/// Inputs per step x_t = [u_t, |u_t|, log b_{t+1}], then log h^G_{t+1} when present, then the standardised exogenous series
/// (each clipped to ±10; see <see cref="LstmVolatilityInputs"/>). One LSTM layer (PyTorch layout) with a dense head on every
/// step gives y_t (K = <see cref="LstmVolatilityOptions.Horizons"/> outputs, one per direct horizon), and the forecast is a
/// bounded multiplicative correction of the anchor (<see cref="LstmVolatilityOptions.Anchor"/>: b, h^G, their geometric mean
/// sqrt(b h^G), a GJR-GARCH, or by default the one of EWMA, GARCH and GJR that forecast the window's validation tail best):
/// <c>log h_{t+k|t} = log(s² a_{t+k|t}) + w B tanh(y_{t,k} / B)</c>, k = 1..K, with w = 1 or, by default, chosen on validation
/// (<see cref="LstmVolatilityOptions.Shrinkage"/>; 0 is the anchor alone), and a_{t+k|t} the
/// anchor's own k-step forecast (K = 1, the default: the one-step forecast <c>log h_{t+1} = log(s² a_{t+1}) + B tanh(y_t / B)</c>).
/// With a zero head (the initialisation) the model equals the anchor; training learns when and how much to depart from it.
/// </para>
/// <para>
/// Regime term (<see cref="LstmVolatilityOptions.RegimeAdaptive"/>): every forget gate gets
/// <c>z_f = W_f [h_{t-1}, x_t] + b_f - beta ⊙ e_t</c>, beta = softplus(rho) &gt;= 0 learned per unit, with e_t = |u_t| / sqrt(a_t) by
/// default (<see cref="LstmVolatilityOptions.RegimeForm"/>; |u_t| or a signed term otherwise) (<see cref="RegimeForgetModifier"/>):
/// after a shock the gate closes and the cell re-learns the level.
/// </para>
/// <para>
/// Training: QLIKE loss <c>log h̃_{t+k|t} + u_{t+k}² / h̃_{t+k|t}</c> in scaled units (h̃ = h / s²) or, with
/// <see cref="LstmVolatilityOptions.LossFunction"/> = <see cref="Loss.GaussianNll"/>, the Gaussian negative log-likelihood
/// <c>0.5 (log 2π + log h_{t+k|t} + r_{t+k}² / h_{t+k|t})</c> in original units (same minimiser, half the gradient), averaged over
/// the scored steps and horizons whose target is in the training window,
/// on overlapping chunks of <see cref="LstmVolatilityOptions.SequenceLength"/> steps whose first
/// <see cref="LstmVolatilityOptions.BurnIn"/> steps only warm the state up; AdamW with gradient-norm clipping; the most
/// recent <see cref="LstmVolatilityOptions.ValidationFraction"/> of chunks for early stopping with best-weights restore.
/// Gradients are computed over fixed sub-batches and summed in a fixed order, so the result does not depend on the
/// thread count.
/// </para>
/// </summary>
public sealed class LstmVolatilityModel : IVarianceModel
{
    /// <summary>Name of the regime-adaptive model in reports.</summary>
    public const string RegimeName = "lstm-regime";

    /// <summary>Name of the plain LSTM ablation in reports.</summary>
    public const string PlainName = "lstm";

    private const int SubBatch = 8;

    /// <summary>Creates the model specification.</summary>
    /// <param name="options">Options (null for the defaults).</param>
    public LstmVolatilityModel(LstmVolatilityOptions? options = null)
    {
        Options = options ?? new LstmVolatilityOptions();
        Options.Validate();
    }

    /// <summary>The options.</summary>
    public LstmVolatilityOptions Options { get; }

    /// <inheritdoc />
    public string Name => Options.RegimeAdaptive ? RegimeName : PlainName;

    /// <summary>
    /// A seed ensemble: <paramref name="count"/> models with <paramref name="options"/> and seeds Seed, Seed + 1, ...,
    /// Seed + count - 1, combined by the geometric mean of their variance forecasts (<see cref="CombinedVarianceModel"/>),
    /// under the single model's name ("lstm-regime" or "lstm"). Deterministic like each member; count times the fit time.
    /// </summary>
    /// <param name="options">Options of every member (null: the defaults); only the seed differs.</param>
    /// <param name="count">Number of networks, at least 1.</param>
    /// <returns>The combination (unfitted).</returns>
    public static CombinedVarianceModel SeedEnsemble(LstmVolatilityOptions? options, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        options ??= new LstmVolatilityOptions();
        var members = Enumerable.Range(0, count).Select(k => new LstmVolatilityModel(options with { Seed = options.Seed + k })).ToArray();
        return new CombinedVarianceModel(members[0].Name, members);
    }

    /// <summary>True: exogenous series passed to <see cref="Fit(ReadOnlySpan{double}, ExogenousSeries?)"/> become network inputs.</summary>
    public bool UsesExogenous => true;

    IFittedVarianceModel IVarianceModel.Fit(ReadOnlySpan<double> returns) => Fit(returns);

    IFittedVarianceModel IVarianceModel.Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous) => Fit(returns, exogenous);

    /// <summary>Fits the network on <paramref name="returns"/> (oldest first), without exogenous inputs.</summary>
    /// <param name="returns">Training returns; finite, not all zero, at least SequenceLength + 1 of them.</param>
    /// <returns>The immutable fitted forecaster.</returns>
    public LstmVolatilityForecaster Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    /// <summary>
    /// Fits the network on <paramref name="returns"/> and the aligned <paramref name="exogenous"/> series (row t observed
    /// with r_t and used, standardised, as an input at step t to forecast the variance of r_{t+1}).
    /// </summary>
    /// <param name="returns">Training returns; finite, not all zero, at least SequenceLength + 1 of them.</param>
    /// <param name="exogenous">Exogenous series with one row per return, or null.</param>
    /// <returns>The immutable fitted forecaster; forecasting with it needs the same exogenous columns.</returns>
    public LstmVolatilityForecaster Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous)
    {
        LstmVolatilityOptions o = Options;
        VolatilityFeatures.Validate(returns, nameof(returns));
        MlNetLstm.EvalGuard.ReturnScale(returns, nameof(returns));
        exogenous?.EnsureAligned(returns.Length, nameof(exogenous));
        int n = returns.Length;
        if (n < o.SequenceLength + 1)
            throw new ArgumentException($"returns has {n} observations; the model needs at least SequenceLength + 1 = {o.SequenceLength + 1}.", nameof(returns));
        double meanSquare = 0;
        foreach (double r in returns) meanSquare += r * r;
        meanSquare /= n;
        if (!(meanSquare > 0)) throw new ArgumentException("returns are all zero: there is no variance to model.", nameof(returns));
        double scale = Math.Sqrt(meanSquare);
        if (!(scale >= LstmVolatilityInputs.MinScale && scale <= LstmVolatilityInputs.MaxScale))
            throw new ArgumentException($"returns have root mean square {scale}; it must be within [{LstmVolatilityInputs.MinScale}, {LstmVolatilityInputs.MaxScale}] (rescale the returns).", nameof(returns));

        var sw = Stopwatch.StartNew();
        LstmVolatilityInputs inputs = LstmVolatilityInputs.Fit(returns, exogenous, o, scale, out double[] anchorScores);
        var features = VolatilityFeatures.Build(returns, exogenous, inputs, o.Horizons);
        int L = o.SequenceLength, stride = L - o.BurnIn;
        var starts = new List<int>();
        for (int s = 0; s + L <= n - 1; s += stride) starts.Add(s);
        if (starts[^1] + L < n - 1) starts.Add(n - 1 - L);
        int nVal = (int)Math.Floor(starts.Count * o.ValidationFraction);
        if (starts.Count - nVal < 1) nVal = 0;
        int[] train = starts.Take(starts.Count - nVal).ToArray();
        int[] valid = starts.Skip(starts.Count - nVal).ToArray();

        RecurrentNetworkSpec spec = CreateSpec(o, inputs.InputSize);
        RecurrentNetwork net = RecurrentNetwork.Create(spec, o.Seed);
        float[] p = net.Parameters.ToArray();
        ParameterView headW = net.Layout["head.weight"], headB = net.Layout["head.bias"];
        p.AsSpan(headW.Offset, headW.Length).Clear();
        p.AsSpan(headB.Offset, headB.Length).Clear();
        net = RecurrentNetwork.FromParameters(spec, p);

        var m = new float[p.Length];
        var v = new float[p.Length];
        var rng = new Random(o.Seed);
        var trainLosses = new List<double>();
        var validLosses = new List<double>();
        float[] best = p.ToArray();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0, step = 0;
        string stopReason = $"completed {o.Epochs} epochs";
        const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;

        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            int[] order = (int[])train.Clone();
            rng.Shuffle(order);
            double epochLoss = 0;
            int batches = 0;
            bool diverged = false;
            for (int b0 = 0; b0 < order.Length; b0 += o.BatchSize)
            {
                int[] batch = order.AsSpan(b0, Math.Min(o.BatchSize, order.Length - b0)).ToArray();
                (double loss, float[] grad) = Gradient(net, features, batch, o);
                if (!double.IsFinite(loss) || !VectorOps.AllFinite(grad)) { diverged = true; break; }
                if (o.GradientClip > 0)
                {
                    double norm = Math.Sqrt(VectorOps.SumOfSquares(grad));
                    if (norm > o.GradientClip) VectorOps.Scale((float)(o.GradientClip / norm), grad);
                }
                step++;
                Adam.Step(p, grad, m, v, o.LearningRate, beta1, beta2, eps,
                    1f - MathF.Pow(beta1, step), 1f - MathF.Pow(beta2, step), o.WeightDecay);
                if (!VectorOps.AllFinite(p)) { diverged = true; break; } // an exploding step: stop, keep the best weights
                net = RecurrentNetwork.FromParameters(spec, p);
                epochLoss += loss;
                batches++;
            }
            if (diverged)
            {
                stopReason = $"stopped at epoch {epoch}: the training loss, a gradient or the weights became NaN or infinite; the best weights (epoch {bestEpoch}) were kept";
                break;
            }
            trainLosses.Add(epochLoss / Math.Max(1, batches));
            double monitored = valid.Length > 0 ? Evaluate(net, features, valid, o) : trainLosses[^1];
            validLosses.Add(valid.Length > 0 ? monitored : double.NaN);
            if (monitored < bestLoss - 1e-6)
            {
                bestLoss = monitored; bestEpoch = epoch; sinceBest = 0;
                p.CopyTo(best, 0);
            }
            else if (++sinceBest >= o.Patience)
            {
                stopReason = $"early stopping at epoch {epoch}: no validation improvement for {o.Patience} epochs; best epoch {bestEpoch}";
                break;
            }
        }
        if (bestEpoch == 0) stopReason += " (no finite epoch: the initial weights, equal to the EWMA baseline, were kept)";
        RecurrentNetwork fitted = RecurrentNetwork.FromParameters(spec, best);
        (double weight, double[] shrinkScores) = ChooseCorrectionWeight(fitted, features, valid, o);
        var summary = new LstmTrainingSummary(trainLosses.ToArray(), validLosses.ToArray(), bestEpoch, stopReason, sw.Elapsed.TotalSeconds)
        {
            AnchorValidationQlike = anchorScores, ShrinkageValidationQlike = shrinkScores,
        };
        return new LstmVolatilityForecaster(Name, o, fitted, inputs, summary, weight);
    }

    /// <summary>
    /// The correction weight w of <see cref="LstmVolatilityOptions.Shrinkage"/>: 1 for <see cref="CorrectionShrinkage.None"/>; for
    /// <see cref="CorrectionShrinkage.Validation"/> the w of <see cref="LstmVolatilityOptions.ShrinkageGrid"/> with the lowest mean
    /// QLIKE <c>log a + w B tanh(y / B) + u² / h̃</c> over the scored steps and horizons of the validation chunks (the smallest w on a
    /// tie), and 0 when there is no validation chunk. Also returns the QLIKE per grid point (empty for None).
    /// </summary>
    internal static (double Weight, double[] Scores) ChooseCorrectionWeight(RecurrentNetwork net, VolatilityFeatures f, int[] valid, LstmVolatilityOptions o)
    {
        if (o.Shrinkage == CorrectionShrinkage.None) return (1, []);
        IReadOnlyList<double> grid = LstmVolatilityOptions.ShrinkageGrid;
        if (valid.Length == 0) return (0, []);
        int T = o.SequenceLength, K = f.Horizons;
        (float[] x, float[] e) = f.Gather(valid, T, net.Spec.ForgetGateModifier != null);
        RecurrentOutput y = net.Forward(x, valid.Length, T, e);
        var sums = new double[grid.Count];
        long count = 0;
        for (int b = 0; b < valid.Length; b++)
        {
            for (int t = o.BurnIn; t < T; t++)
            {
                int idx = valid[b] + t;
                for (int k = 0; k < K; k++)
                {
                    double target = f.Target[idx * K + k];
                    if (double.IsNaN(target)) continue;
                    double correction = o.CorrectionBound * Math.Tanh(y.Values[(b * T + t) * K + k] / o.CorrectionBound);
                    double logA = f.LogBaseline[idx * K + k];
                    for (int g = 0; g < grid.Count; g++)
                    {
                        double logH = logA + grid[g] * correction;
                        sums[g] += logH + target * Math.Exp(-logH);
                    }
                    count++;
                }
            }
        }
        int best = 0;
        for (int g = 0; g < grid.Count; g++)
        {
            sums[g] /= Math.Max(1, count);
            if (sums[g] < sums[best]) best = g;
        }
        return double.IsFinite(sums[best]) ? (grid[best], sums) : (0, sums);
    }

    internal static RecurrentNetworkSpec CreateSpec(LstmVolatilityOptions o, int inputSize) => new()
    {
        Cell = CellType.Lstm,
        InputSize = inputSize,
        HiddenSize = o.HiddenSize,
        OutputSize = o.Horizons,
        HeadMode = HeadMode.EveryStep,
        ForgetGateModifier = !o.RegimeAdaptive ? null
            : o.RegimeForm == RegimeTermForm.Leverage ? new LeverageForgetModifier(1, o.InitialBeta)
            : new RegimeForgetModifier(1, o.InitialBeta),
    };

    /// <summary>
    /// Number N of scored (step, horizon) pairs of <paramref name="chunks"/>: steps BurnIn..T-1 of each chunk and horizons
    /// k = 1..K whose target u²_{t+k} lies in the series. With K = 1 every step has its target, N = chunks · (T - BurnIn).
    /// </summary>
    internal static double ScoredCount(VolatilityFeatures f, int[] chunks, LstmVolatilityOptions o)
    {
        int T = o.SequenceLength, K = f.Horizons;
        long count = 0;
        foreach (int start in chunks)
            for (int t = o.BurnIn; t < T; t++)
                for (int k = 0; k < K; k++)
                    if (!double.IsNaN(f.Target[(start + t) * K + k])) count++;
        return count;
    }

    /// <summary>
    /// The reported loss from the mean QLIKE term q̄ = mean(log h̃ + u² / h̃) over the scored pairs: q̄ itself for
    /// <see cref="Loss.Qlike"/>, <c>0.5 · (q̄ + log 2π + 2 log s)</c> (the Gaussian NLL in original units, nats per
    /// observation) for <see cref="Loss.GaussianNll"/>.
    /// </summary>
    internal static double ReportedLoss(double meanQlike, VolatilityFeatures f, LstmVolatilityOptions o) =>
        o.LossFunction == Loss.GaussianNll ? 0.5 * (meanQlike + Math.Log(2 * Math.PI) + 2 * Math.Log(f.Scale)) : meanQlike;

    /// <summary>
    /// Loss (<see cref="ReportedLoss"/>) of a mini-batch of chunks and its gradient dL/dθ (flat, in the network's layout).
    /// Outputs y [B, T, K]; for each scored pair (t, k): <c>log h̃ = log a_{t+k|t} + B tanh(y_{t,k} / B)</c>,
    /// <c>dL/dy_{t,k} = c (1 - u²_{t+k} / h̃) (1 - tanh²(y_{t,k} / B)) / N</c> with c = 1 (QLIKE) or 0.5 (NLL).
    /// </summary>
    internal static (double Loss, float[] Grad) Gradient(RecurrentNetwork net, VolatilityFeatures f, int[] chunks, LstmVolatilityOptions o)
    {
        int T = o.SequenceLength, K = f.Horizons;
        int subBatches = (chunks.Length + SubBatch - 1) / SubBatch;
        double scored = ScoredCount(f, chunks, o);
        double c = o.LossFunction == Loss.GaussianNll ? 0.5 : 1.0;
        var losses = new double[subBatches];
        var grads = new float[subBatches][];
        Parallel.For(0, subBatches, new ParallelOptions { MaxDegreeOfParallelism = o.Threads }, sb =>
        {
            int[] part = chunks.AsSpan(sb * SubBatch, Math.Min(SubBatch, chunks.Length - sb * SubBatch)).ToArray();
            int B = part.Length;
            (float[] x, float[] e) = f.Gather(part, T, net.Spec.ForgetGateModifier != null);
            double loss = 0;
            // One forward + backward pass: the callback turns the outputs y [B, T, K] into the QLIKE sum and dL/dy.
            RecurrentGradients g = net.ComputeGradients(x, B, T, (y, dy) =>
            {
                for (int b = 0; b < B; b++)
                {
                    for (int t = o.BurnIn; t < T; t++)
                    {
                        int idx = part[b] + t;
                        for (int k = 0; k < K; k++)
                        {
                            double target = f.Target[idx * K + k];
                            if (double.IsNaN(target)) continue; // u²_{t+k} is beyond the series: not scored
                            int at = (b * T + t) * K + k;
                            double th = Math.Tanh(y[at] / o.CorrectionBound);
                            double logH = f.LogBaseline[idx * K + k] + o.CorrectionBound * th;
                            double ratio = target * Math.Exp(-logH);
                            loss += logH + ratio;
                            dy[at] = (float)(c * (1 - ratio) * (1 - th * th) / scored);
                        }
                    }
                }
                // A non-finite loss is reported to the caller (which stops training) instead of thrown by the engine.
                return double.IsFinite(loss) ? loss : 0;
            }, e);
            losses[sb] = loss;
            grads[sb] = g.Parameters.ToArray();
        });
        var total = new float[net.ParameterCount];
        double lossSum = 0;
        for (int sb = 0; sb < subBatches; sb++)
        {
            VectorOps.Add(total, grads[sb], total);
            lossSum += losses[sb];
        }
        return (ReportedLoss(lossSum / scored, f, o), total);
    }

    /// <summary>The loss (<see cref="ReportedLoss"/>) of <paramref name="chunks"/> under the network, forward pass only.</summary>
    internal static double Evaluate(RecurrentNetwork net, VolatilityFeatures f, int[] chunks, LstmVolatilityOptions o)
    {
        int T = o.SequenceLength, K = f.Horizons;
        (float[] x, float[] e) = f.Gather(chunks, T, net.Spec.ForgetGateModifier != null);
        RecurrentOutput y = net.Forward(x, chunks.Length, T, e);
        double loss = 0;
        for (int b = 0; b < chunks.Length; b++)
        {
            for (int t = o.BurnIn; t < T; t++)
            {
                int idx = chunks[b] + t;
                for (int k = 0; k < K; k++)
                {
                    double target = f.Target[idx * K + k];
                    if (double.IsNaN(target)) continue;
                    double logH = f.LogBaseline[idx * K + k] + o.CorrectionBound * Math.Tanh(y.Values[(b * T + t) * K + k] / o.CorrectionBound);
                    loss += logH + target * Math.Exp(-logH);
                }
            }
        }
        return ReportedLoss(loss / ScoredCount(f, chunks, o), f, o);
    }
}

/// <summary>Immutable summary of an <see cref="LstmVolatilityModel"/> fit.</summary>
/// <param name="TrainLoss">Mean training loss per epoch (<see cref="LstmVolatilityOptions.Loss"/>: QLIKE in scaled units, or the
/// Gaussian NLL in nats per observation in original units), averaged over the scored steps and horizons.</param>
/// <param name="ValidationLoss">Validation loss per epoch, same units (NaN without a validation split).</param>
/// <param name="BestEpoch">Epoch whose weights were kept (0: the initial, EWMA-equivalent weights).</param>
/// <param name="StopReason">Why training stopped.</param>
/// <param name="Seconds">Wall-clock training time.</param>
public sealed record LstmTrainingSummary(IReadOnlyList<double> TrainLoss, IReadOnlyList<double> ValidationLoss, int BestEpoch, string StopReason, double Seconds)
{
    /// <summary>
    /// With <see cref="VolatilityAnchor.Selected"/>: the mean validation QLIKE (scaled units) of each candidate anchor, in
    /// <see cref="LstmVolatilityInputs.SelectionCandidates"/> order (EWMA, GARCH, GJR; +∞ for a failed fit); empty otherwise.
    /// </summary>
    public IReadOnlyList<double> AnchorValidationQlike { get; init; } = [];

    /// <summary>
    /// With <see cref="CorrectionShrinkage.Validation"/>: the mean validation QLIKE (scaled units) of each correction weight of
    /// <see cref="LstmVolatilityOptions.ShrinkageGrid"/>; empty otherwise (or without validation chunks).
    /// </summary>
    public IReadOnlyList<double> ShrinkageValidationQlike { get; init; } = [];
}
