namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// Options of <see cref="LstmVolatilityModel"/>. Every default is a public constant, defined once here, and holds for every
/// series (there is no per-series tuning). Most were fixed before any evaluation; two were revised after comparing variants
/// on the two bundled series (README, "How the defaults were chosen"): the anchor (then <see cref="VolatilityAnchor.Blend"/>,
/// the equal-weight EWMA/GARCH combination, chosen for its worst case: the EWMA anchor lost 0.06 QLIKE to GARCH on DEM/GBP)
/// and the batch size (8 chunks, so that short training windows still get enough optimiser steps). Three were changed by a rule
/// stated before the second evaluation round on nine series (README, "Second round"): the anchor (<see cref="VolatilityAnchor.Selected"/>),
/// the shrinkage (<see cref="CorrectionShrinkage.Validation"/>) and the regime form (<see cref="RegimeTermForm.RelativeShock"/>).
/// </summary>
public sealed record LstmVolatilityOptions
{
    /// <summary>Default hidden units.</summary>
    public const int DefaultHiddenSize = 16;
    /// <summary>Default training chunk length (steps).</summary>
    public const int DefaultSequenceLength = 128;
    /// <summary>Default burn-in steps at the start of each chunk that are not scored.</summary>
    public const int DefaultBurnIn = 32;
    /// <summary>Default number of past returns the network reads before a forecast.</summary>
    public const int DefaultContextLength = 192;
    /// <summary>Default maximum epochs.</summary>
    public const int DefaultEpochs = 60;
    /// <summary>Default chunks per mini-batch.</summary>
    public const int DefaultBatchSize = 8;
    /// <summary>Default Adam learning rate.</summary>
    public const float DefaultLearningRate = 1e-2f;
    /// <summary>Default decoupled (AdamW) weight decay.</summary>
    public const float DefaultWeightDecay = 1e-3f;
    /// <summary>Default global gradient-norm clip <see cref="GradientClipNorm"/> (the same as <see cref="Training.TrainingOptions.DefaultGradientClipNorm"/>).</summary>
    public const float DefaultGradientClipNorm = Training.TrainingOptions.DefaultGradientClipNorm;
    /// <summary>Former name of <see cref="DefaultGradientClipNorm"/>; use that.</summary>
    [Obsolete("Use DefaultGradientClipNorm (the name TrainingOptions uses).")]
    public const float DefaultGradientClip = DefaultGradientClipNorm;
    /// <summary>Default fraction of (the most recent) training chunks held out for early stopping.</summary>
    public const double DefaultValidationFraction = 0.2;
    /// <summary>Default early-stopping patience (epochs without validation improvement).</summary>
    public const int DefaultPatience = 8;
    /// <summary>Default EWMA decay of the baseline variance (RiskMetrics).</summary>
    public const double DefaultEwmaLambda = RiskMetrics.Lambda;
    /// <summary>Default initial regime coefficient beta (per unit).</summary>
    public const float DefaultInitialBeta = 0.5f;
    /// <summary>Default bound B on the log-correction: log h = log b + B tanh(y / B).</summary>
    public const float DefaultCorrectionBound = 3f;
    /// <summary>Default seed.</summary>
    public const int DefaultSeed = 42;
    /// <summary>Default for <see cref="GarchFeature"/>: off (the EWMA baseline is the only baseline input).</summary>
    public const bool DefaultGarchFeature = false;
    /// <summary>
    /// Default <see cref="Anchor"/>: <see cref="VolatilityAnchor.Selected"/> (EWMA, GARCH or GJR chosen per training window by validation
    /// QLIKE), by the rule stated in README before the second evaluation round (issue 19); Blend before it.
    /// </summary>
    public const VolatilityAnchor DefaultAnchor = VolatilityAnchor.Selected;
    /// <summary>Default <see cref="Horizons"/>: one head, the one-step forecast (multi-step forecasts fade its correction).</summary>
    public const int DefaultHorizons = 1;
    /// <summary>Default <see cref="LossFunction"/>: QLIKE.</summary>
    public const Loss DefaultLossFunction = MlNetLstm.Loss.Qlike;
    /// <summary>Former type of <see cref="DefaultLossFunction"/>.</summary>
    [Obsolete("Use DefaultLossFunction (of type MlNetLstm.Loss).")]
    public const VolatilityLoss DefaultLoss = VolatilityLoss.Qlike;
    /// <summary>
    /// Default <see cref="RegimeForm"/>: <see cref="RegimeTermForm.RelativeShock"/> (beta ⊙ |u_t| / sqrt(a_t)), by the rule stated in
    /// README before the second evaluation round; the original <see cref="RegimeTermForm.AbsoluteShock"/> before it.
    /// </summary>
    public const RegimeTermForm DefaultRegimeForm = RegimeTermForm.RelativeShock;
    /// <summary>Default <see cref="AsymmetricInput"/>: off.</summary>
    public const bool DefaultAsymmetricInput = false;
    /// <summary>
    /// Default <see cref="Shrinkage"/>: <see cref="CorrectionShrinkage.Validation"/> (w chosen on the validation chunks, 0 = the anchor
    /// alone), by the rule stated in README before the second evaluation round; none (w = 1) before it.
    /// </summary>
    public const CorrectionShrinkage DefaultShrinkage = CorrectionShrinkage.Validation;

    /// <summary>The grid of correction weights w that <see cref="CorrectionShrinkage.Validation"/> chooses from, in increasing order.</summary>
    public static IReadOnlyList<double> ShrinkageGrid { get; } = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>
    /// When true (the "lstm-regime" model) every forget gate gets the extra pre-activation term
    /// <c>z_f = W_f [h, x] + b_f - beta ⊙ |r_t| / s</c> with a learned <c>beta &gt;= 0</c> per unit; when false, the plain
    /// LSTM ablation ("lstm") with the same inputs, head and training.
    /// </summary>
    public bool RegimeAdaptive { get; init; } = true;

    /// <summary>
    /// Form of the regime term when <see cref="RegimeAdaptive"/> is true (ignored otherwise): <see cref="RegimeTermForm.AbsoluteShock"/>
    /// (<c>beta ⊙ |u_t|</c>), <see cref="RegimeTermForm.RelativeShock"/> (default, <c>beta ⊙ |u_t| / sqrt(a_t)</c>) or
    /// <see cref="RegimeTermForm.Leverage"/> (<c>beta ⊙ |u_t| - gamma ⊙ u_t</c> subtracted from z_f).
    /// </summary>
    public RegimeTermForm RegimeForm { get; init; } = DefaultRegimeForm;

    /// <summary>
    /// When true, the network also reads the negative part of the scaled return, <c>u_t^- = max(-u_t, 0)</c> (clipped to 10), as a
    /// direct asymmetric input (input name "u-", after the baseline inputs and before the exogenous ones), so that it can represent
    /// the leverage effect (falls raising the variance more than rises) without going through |u_t| alone. Default false.
    /// </summary>
    public bool AsymmetricInput { get; init; } = DefaultAsymmetricInput;

    /// <summary>
    /// When true, the hybrid LSTM-GARCH input of Kim and Won (2018): a GARCH(1,1) with constant mean and normal innovations is
    /// fitted on the scaled training returns u = r / s, and its one-step forecast enters every step as the extra input
    /// <c>log h^G_{t+1}</c> with <c>h^G_{t+1} = ω + α (u_t - μ)² + β h^G_t</c> (started from the fit's backcast). The
    /// GARCH parameters are part of the fitted model and are saved with it.
    /// </summary>
    public bool GarchFeature { get; init; } = DefaultGarchFeature;

    /// <summary>
    /// The baseline forecast a_{t+1} the network corrects: <c>log h_{t+1} = log(s² a_{t+1}) + B tanh(y_t / B)</c>. With the
    /// zero-initialised head the untrained model equals the anchor. <see cref="VolatilityAnchor.Garch"/> and <see cref="VolatilityAnchor.Blend"/> also add the GARCH input.
    /// </summary>
    public VolatilityAnchor Anchor { get; init; } = DefaultAnchor;

    /// <summary>
    /// Number K ≥ 1 of direct forecast heads. The dense head has K outputs per step, y_t = [y_{t,1}, …, y_{t,K}], and output k is the
    /// bounded log-correction of the anchor's own k-step forecast a_{t+k|t} (flat for the EWMA, mean-reverting for the GARCH, their
    /// geometric mean for the blend): <c>log h_{t+k|t} = log(s² a_{t+k|t}) + B tanh(y_{t,k} / B)</c>, trained on the proxy
    /// u²_{t+k}. The loss (<see cref="Loss"/>) is the mean over every scored step t and horizon k whose target u²_{t+k} lies in the
    /// training window (so the last k - 1 steps of the final chunk are not scored for head k). <c>ForecastVariance(history, horizon)</c>
    /// uses head k for k ≤ K and, beyond K, fades head K's correction at the anchor's persistence p:
    /// <c>h_{T+k} = s² a_{T+k|T} exp(p^{k-K} B tanh(y_{T,K} / B))</c>. <c>Explain</c> reports the one-step head. At most
    /// <c>SequenceLength - BurnIn</c> (the scored steps of a chunk). K = 1 is the single-head model (bit for bit). Head 1 of a
    /// K-head model can be a worse one-step forecaster than a K = 1 model (early stopping watches the mean over the heads; README,
    /// "Multi-step heads and the training loss"): fit K = 1 for one-step forecasts.
    /// </summary>
    public int Horizons { get; init; } = DefaultHorizons;

    /// <summary>
    /// Training loss: <see cref="MlNetLstm.Loss.Qlike"/> (default) or <see cref="MlNetLstm.Loss.GaussianNll"/> (formulas on <see cref="MlNetLstm.Loss"/>). With a zero-mean
    /// return and the squared return as target they have the same minimiser (NLL = 0.5 · QLIKE + 0.5 · (log 2π + 2 log s)): the
    /// choice changes the reported <see cref="LstmTrainingSummary"/> losses (NLL in nats per observation, original units) and the
    /// gradient scale (half), which interacts with <see cref="GradientClipNorm"/>, AdamW's ε and the early-stopping threshold, not
    /// what is being fitted.
    /// </summary>
    public Loss LossFunction { get; init; } = DefaultLossFunction;
    /// <summary>Former type of the training loss; reads and writes <see cref="LossFunction"/> (by name; -1 for a loss it cannot express).</summary>
    [Obsolete("Use LossFunction (of type MlNetLstm.Loss).")]
    public VolatilityLoss Loss { get => LossFunction.ToVolatilityLoss(); init => LossFunction = value.ToLoss(); }

    /// <summary>
    /// Shrinkage of the network's log-correction toward the anchor: <see cref="CorrectionShrinkage.None"/> or
    /// <see cref="CorrectionShrinkage.Validation"/> (default; w in {0, 0.25, 0.5, 0.75, 1} chosen on the validation chunks after training; 0 falls
    /// back to the anchor alone). Training is the same either way; only the fitted forecaster's weight w differs.
    /// </summary>
    public CorrectionShrinkage Shrinkage { get; init; } = DefaultShrinkage;

    /// <summary>Hidden units H of the single LSTM layer.</summary>
    public int HiddenSize { get; init; } = DefaultHiddenSize;

    /// <summary>Training chunk length T (truncated BPTT window).</summary>
    public int SequenceLength { get; init; } = DefaultSequenceLength;

    /// <summary>Steps at the start of each chunk used only to warm the state up (not scored); less than <see cref="SequenceLength"/>.</summary>
    public int BurnIn { get; init; } = DefaultBurnIn;

    /// <summary>Past returns run through the network (from a zero state) before each forecast.</summary>
    public int ContextLength { get; init; } = DefaultContextLength;

    /// <summary>Maximum training epochs.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Chunks per mini-batch.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>AdamW learning rate.</summary>
    public float LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>AdamW decoupled weight decay.</summary>
    public float WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>
    /// Global gradient-norm clip c: if ||g||_2 &gt; c then g *= c / ||g||_2 (0 disables); the training loop's
    /// <see cref="Training.TrainingOptions.GradientClipNorm"/>. Saved in model files as <c>options/gradient_clip</c>.
    /// </summary>
    public float GradientClipNorm { get; init; } = DefaultGradientClipNorm;

    /// <summary>Former name of <see cref="GradientClipNorm"/>: reads and sets it. Use <see cref="GradientClipNorm"/> (the name <see cref="Training.TrainingOptions"/> uses).</summary>
    [Obsolete("Use GradientClipNorm (the name TrainingOptions uses); GradientClip reads and sets it.")]
    [System.Text.Json.Serialization.JsonIgnore]
    public float GradientClip { get => GradientClipNorm; init => GradientClipNorm = value; }

    /// <summary>Fraction of the most recent chunks held out for early stopping, in [0, 0.5].</summary>
    public double ValidationFraction { get; init; } = DefaultValidationFraction;

    /// <summary>Epochs without validation improvement before stopping.</summary>
    public int Patience { get; init; } = DefaultPatience;

    /// <summary>EWMA decay lambda of the baseline variance b (in (0, 1)).</summary>
    public double EwmaLambda { get; init; } = DefaultEwmaLambda;

    /// <summary>Initial beta of the regime term (ignored when <see cref="RegimeAdaptive"/> is false).</summary>
    public float InitialBeta { get; init; } = DefaultInitialBeta;

    /// <summary>Bound B of the log-correction, log h = log b + B tanh(y / B).</summary>
    public float CorrectionBound { get; init; } = DefaultCorrectionBound;

    /// <summary>Random seed: same seed and data, same model, whatever <see cref="Threads"/> is.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Worker threads for gradient computation (results do not depend on it).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
        }
        Check(HiddenSize > 0, nameof(HiddenSize), HiddenSize, "must be positive");
        Check(SequenceLength >= 2, nameof(SequenceLength), SequenceLength, "must be at least 2");
        Check(BurnIn >= 0 && BurnIn < SequenceLength, nameof(BurnIn), BurnIn, "must be in [0, SequenceLength)");
        Check(ContextLength > 0, nameof(ContextLength), ContextLength, "must be positive");
        Check(Epochs > 0, nameof(Epochs), Epochs, "must be positive");
        Check(BatchSize > 0, nameof(BatchSize), BatchSize, "must be positive");
        Check(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive and finite");
        Check(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be non-negative and finite");
        Check(GradientClipNorm >= 0 && float.IsFinite(GradientClipNorm), nameof(GradientClipNorm), GradientClipNorm, "must be non-negative and finite");
        Check(ValidationFraction >= 0 && ValidationFraction <= 0.5, nameof(ValidationFraction), ValidationFraction, "must be in [0, 0.5]");
        Check(Patience > 0, nameof(Patience), Patience, "must be positive");
        Check(EwmaLambda > 0 && EwmaLambda < 1, nameof(EwmaLambda), EwmaLambda, "must be in (0, 1)");
        Check(InitialBeta > 0 && float.IsFinite(InitialBeta), nameof(InitialBeta), InitialBeta, "must be positive and finite");
        Check(CorrectionBound > 0 && float.IsFinite(CorrectionBound), nameof(CorrectionBound), CorrectionBound, "must be positive and finite");
        Check(Threads > 0, nameof(Threads), Threads, "must be positive");
        Check(Enum.IsDefined(Anchor), nameof(Anchor), Anchor, "must be Ewma, Garch, Blend, Gjr or Selected");
        Check(Anchor != VolatilityAnchor.Selected || ValidationFraction > 0, nameof(ValidationFraction), ValidationFraction,
            "must be positive with Anchor = Selected (the anchor is chosen on the window's validation tail)");
        Check(Enum.IsDefined(Shrinkage), nameof(Shrinkage), Shrinkage, "must be None or Validation");
        Check(Horizons >= 1 && Horizons <= SequenceLength - BurnIn, nameof(Horizons), Horizons, "must be in [1, SequenceLength - BurnIn]");
        Check(LossFunction is MlNetLstm.Loss.Qlike or MlNetLstm.Loss.GaussianNll, nameof(LossFunction), LossFunction, "must be Qlike or GaussianNll");
        Check(Enum.IsDefined(RegimeForm), nameof(RegimeForm), RegimeForm, "must be AbsoluteShock, RelativeShock or Leverage");
    }
}
