using System.Diagnostics;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Models;
using MlNetLstm.Training;

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
/// The network is trained by the library's one training loop (<see cref="RecurrentTrainer"/>, the same code as every other
/// network) with the chunks as its batch source and this loss plugged in. Gradients are computed over fixed sub-batches
/// and summed in a fixed order, so the result does not depend on the thread count.
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

        // The shared training loop (RecurrentTrainer) with the chunks as batch source and the QLIKE loss on the variance head.
        bool withExtra = spec.ForgetGateModifier != null;
        var trainChunks = new VolatilityChunks(features, train, L, withExtra);
        VolatilityChunks? validChunks = valid.Length > 0 ? new VolatilityChunks(features, valid, L, withExtra) : null;
        TrainingResult result = RecurrentTrainer.Train(net, trainChunks, new VolatilityQlikeLoss(o, features), TrainingOptionsFor(o), validChunks, TrainingRules.VolatilityModel);
        TrainingReport report = result.Report;
        int bestEpoch = report.BestEpoch + 1; // 1-based, 0 = the initial weights
        string stopReason = report.StopReason switch
        {
            StopReason.EarlyStopping => $"early stopping at epoch {report.EpochsRun}: no validation improvement for {o.Patience} epochs; best epoch {bestEpoch}",
            StopReason.NonFiniteLoss => $"stopped at epoch {report.EpochsRun + 1}: the training loss, a gradient or the weights became NaN or infinite; the best weights (epoch {bestEpoch}) were kept",
            _ => $"completed {o.Epochs} epochs",
        };
        if (bestEpoch == 0) stopReason += " (no finite epoch: the initial weights, equal to the EWMA baseline, were kept)";
        double[] validLosses = validChunks != null ? report.ValidationLoss.ToArray() : Enumerable.Repeat(double.NaN, report.EpochsRun).ToArray();
        RecurrentNetwork fitted = RecurrentNetwork.FromParameters(spec, result.Network.Parameters);
        (double weight, double[] shrinkScores) = ChooseCorrectionWeight(fitted, features, valid, o);
        fitted.ReleaseWorkspaces(); // the validation pass's workspace: ~0.3 MB per network that a long-lived fitted model never needs
        var summary = new LstmTrainingSummary(report.TrainingLoss.ToArray(), validLosses, bestEpoch, stopReason, sw.Elapsed.TotalSeconds)
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

    /// <summary>
    /// The training-loop settings of <paramref name="o"/>: AdamW (β1 = 0.9, β2 = 0.999, ε = 1e-8) at a constant learning rate with
    /// decoupled weight decay and global gradient-norm clipping, mini-batches of <see cref="LstmVolatilityOptions.BatchSize"/>
    /// chunks computed in fixed sub-batches of 8 (<see cref="TrainingOptions.ChunkSize"/>), shuffled every epoch, early stopping
    /// after <see cref="LstmVolatilityOptions.Patience"/> epochs and best-weights restore. The validation chunks are chosen by
    /// the model (the most recent ones), so the loop's own split is off.
    /// </summary>
    internal static TrainingOptions TrainingOptionsFor(LstmVolatilityOptions o) => new()
    {
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        LearningRate = o.LearningRate,
        Optimizer = OptimizerKind.AdamW,
        WeightDecay = o.WeightDecay,
        GradientClipNorm = o.GradientClipNorm,
        Schedule = LearningRateSchedule.Constant,
        ValidationFraction = 0,
        Patience = o.Patience,
        RestoreBestWeights = true,
        Seed = o.Seed,
        Threads = o.Threads,
        ChunkSize = SubBatch,
        Shuffle = true,
    };

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
    /// The reported loss from the mean QLIKE term q̄ = mean(log h̃ + u² / h̃) over the scored pairs: q̄ itself for
    /// <see cref="Loss.Qlike"/>, <c>0.5 · (q̄ + log 2π + 2 log s)</c> (the Gaussian NLL in original units, nats per
    /// observation) for <see cref="Loss.GaussianNll"/>.
    /// </summary>
    internal static double ReportedLoss(double meanQlike, VolatilityFeatures f, LstmVolatilityOptions o) =>
        o.LossFunction == Loss.GaussianNll ? 0.5 * (meanQlike + Math.Log(2 * Math.PI) + 2 * Math.Log(f.Scale)) : meanQlike;

    /// <summary>
    /// Loss (<see cref="ReportedLoss"/>) of a mini-batch of <paramref name="chunks"/> (chunk start rows) and its gradient dL/dθ
    /// (flat, in the network's layout), as one optimiser step of the training loop sees them (<see cref="VolatilityQlikeLoss"/>).
    /// </summary>
    internal static (double Loss, float[] Grad) Gradient(RecurrentNetwork net, VolatilityFeatures f, int[] chunks, LstmVolatilityOptions o)
    {
        var loss = new VolatilityQlikeLoss(o, f);
        var source = new VolatilityChunks(f, chunks, o.SequenceLength, net.Spec.ForgetGateModifier != null);
        var (sum, count, grad) = RecurrentTrainer.BatchGradient(net, source, loss, Enumerable.Range(0, chunks.Length).ToArray(), TrainingOptionsFor(o));
        return (loss.Report(sum, count).Value, grad);
    }

    /// <summary>The loss (<see cref="ReportedLoss"/>) of <paramref name="chunks"/> under the network, forward pass only (the validation loss of a fit).</summary>
    internal static double Evaluate(RecurrentNetwork net, VolatilityFeatures f, int[] chunks, LstmVolatilityOptions o) =>
        RecurrentTrainer.EvaluateLoss(net, new VolatilityChunks(f, chunks, o.SequenceLength, net.Spec.ForgetGateModifier != null), new VolatilityQlikeLoss(o, f),
            TrainingOptionsFor(o), TrainingRules.VolatilityModel);
}
