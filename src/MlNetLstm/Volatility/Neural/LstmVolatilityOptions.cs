namespace MlNetLstm.Volatility.Neural;

/// <summary>The baseline variance forecast that the LSTM's bounded log-correction multiplies.</summary>
public enum VolatilityAnchor
{
    /// <summary>The EWMA variance b_{t+1} = λ b_t + (1 - λ) u_t² (RiskMetrics; no estimation).</summary>
    Ewma = 0,
    /// <summary>
    /// A GARCH(1,1) with constant mean and normal innovations fitted on the scaled training window (the hybrid LSTM-GARCH):
    /// the network learns a correction of the GARCH forecast. Implies the GARCH input (<see cref="LstmVolatilityOptions.GarchFeature"/>).
    /// </summary>
    Garch = 1,
    /// <summary>
    /// The equal-weight combination of the two in logs, <c>a = sqrt(b · h^G)</c> (geometric mean of the EWMA and GARCH(1,1)
    /// forecasts): no weight is estimated. Implies the GARCH input.
    /// </summary>
    Blend = 2,
}

/// <summary>
/// Options of <see cref="LstmVolatilityModel"/>. Every default is a public constant, defined once here, and holds for every
/// series (there is no per-series tuning). Most were fixed before any evaluation; two were revised after comparing variants
/// on the two bundled series (README, "How the defaults were chosen"): the anchor (<see cref="VolatilityAnchor.Blend"/>,
/// the equal-weight EWMA/GARCH combination, chosen for its worst case: the EWMA anchor lost 0.06 QLIKE to GARCH on DEM/GBP)
/// and the batch size (8 chunks, so that short training windows still get enough optimiser steps).
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
    /// <summary>Default global gradient-norm clip.</summary>
    public const float DefaultGradientClip = 1f;
    /// <summary>Default fraction of (the most recent) training chunks held out for early stopping.</summary>
    public const double DefaultValidationFraction = 0.2;
    /// <summary>Default early-stopping patience (epochs without validation improvement).</summary>
    public const int DefaultPatience = 8;
    /// <summary>Default EWMA decay of the baseline variance (RiskMetrics).</summary>
    public const double DefaultEwmaLambda = 0.94;
    /// <summary>Default initial regime coefficient beta (per unit).</summary>
    public const float DefaultInitialBeta = 0.5f;
    /// <summary>Default bound B on the log-correction: log h = log b + B tanh(y / B).</summary>
    public const float DefaultCorrectionBound = 3f;
    /// <summary>Default seed.</summary>
    public const int DefaultSeed = 42;
    /// <summary>Default for <see cref="GarchFeature"/>: off (the EWMA baseline is the only baseline input).</summary>
    public const bool DefaultGarchFeature = false;
    /// <summary>Default <see cref="Anchor"/>.</summary>
    public const VolatilityAnchor DefaultAnchor = VolatilityAnchor.Blend;

    /// <summary>
    /// When true (the "lstm-regime" model) every forget gate gets the extra pre-activation term
    /// <c>z_f = W_f [h, x] + b_f - beta ⊙ |r_t| / s</c> with a learned <c>beta &gt;= 0</c> per unit; when false, the plain
    /// LSTM ablation ("lstm") with the same inputs, head and training.
    /// </summary>
    public bool RegimeAdaptive { get; init; } = true;

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

    /// <summary>Global gradient-norm clip (0 disables).</summary>
    public float GradientClip { get; init; } = DefaultGradientClip;

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
        Check(GradientClip >= 0 && float.IsFinite(GradientClip), nameof(GradientClip), GradientClip, "must be non-negative and finite");
        Check(ValidationFraction >= 0 && ValidationFraction <= 0.5, nameof(ValidationFraction), ValidationFraction, "must be in [0, 0.5]");
        Check(Patience > 0, nameof(Patience), Patience, "must be positive");
        Check(EwmaLambda > 0 && EwmaLambda < 1, nameof(EwmaLambda), EwmaLambda, "must be in (0, 1)");
        Check(InitialBeta > 0 && float.IsFinite(InitialBeta), nameof(InitialBeta), InitialBeta, "must be positive and finite");
        Check(CorrectionBound > 0 && float.IsFinite(CorrectionBound), nameof(CorrectionBound), CorrectionBound, "must be positive and finite");
        Check(Threads > 0, nameof(Threads), Threads, "must be positive");
        Check(Enum.IsDefined(Anchor), nameof(Anchor), Anchor, "must be Ewma, Garch or Blend");
    }
}
