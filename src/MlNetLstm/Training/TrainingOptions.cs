namespace MlNetLstm.Training;

/// <summary>
/// Immutable training options. Every default is a public constant defined once here and reused by the facades.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Default epochs.</summary>
    public const int DefaultEpochs = 20;
    /// <summary>Default mini-batch size.</summary>
    public const int DefaultBatchSize = 32;
    /// <summary>Default learning rate.</summary>
    public const float DefaultLearningRate = 3e-3f;
    /// <summary>Default Adam β1.</summary>
    public const float DefaultBeta1 = 0.9f;
    /// <summary>Default Adam β2.</summary>
    public const float DefaultBeta2 = 0.999f;
    /// <summary>Default Adam ε.</summary>
    public const float DefaultEpsilon = 1e-8f;
    /// <summary>Default global gradient-norm clip (0 disables).</summary>
    public const float DefaultGradientClipNorm = 1f;
    /// <summary>Default decay factor γ for step/exponential schedules.</summary>
    public const float DefaultDecayRate = 0.5f;
    /// <summary>Default step-schedule period in epochs.</summary>
    public const int DefaultStepEpochs = 10;
    /// <summary>Default seed.</summary>
    public const int DefaultSeed = 42;
    /// <summary>Default sequences per parallel work item (fixed, so results do not depend on the thread count).</summary>
    public const int DefaultChunkSize = 8;
    /// <summary>Default input-gate activation penalty λ (0: no penalty).</summary>
    public const float DefaultInputGatePenalty = 0f;

    /// <summary>Default number of auxiliary regression outputs (0: no auxiliary loss).</summary>
    public const int DefaultAuxiliaryOutputs = 0;

    /// <summary>Default weight of the auxiliary loss.</summary>
    public const float DefaultAuxiliaryWeight = 1f;

    /// <summary>Passes over the training data, &gt; 0.</summary>
    public int Epochs { get; init; } = DefaultEpochs;
    /// <summary>Sequences per optimizer step, &gt; 0.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;
    /// <summary>Base learning rate lr0 &gt; 0.</summary>
    public float LearningRate { get; init; } = DefaultLearningRate;
    /// <summary>Optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Adam β1 in [0, 1).</summary>
    public float Beta1 { get; init; } = DefaultBeta1;
    /// <summary>Adam β2 in [0, 1).</summary>
    public float Beta2 { get; init; } = DefaultBeta2;
    /// <summary>Adam ε &gt; 0.</summary>
    public float Epsilon { get; init; } = DefaultEpsilon;
    /// <summary>Weight decay λ &gt;= 0 (L2 for Adam, decoupled for AdamW).</summary>
    public float WeightDecay { get; init; }
    /// <summary>Global gradient-norm clip: if ||g||_2 &gt; c then g *= c / ||g||_2. 0 disables.</summary>
    public float GradientClipNorm { get; init; } = DefaultGradientClipNorm;
    /// <summary>Learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>γ for step and exponential schedules, in (0, 1].</summary>
    public float DecayRate { get; init; } = DefaultDecayRate;
    /// <summary>Period of the step schedule in epochs, &gt; 0.</summary>
    public int StepEpochs { get; init; } = DefaultStepEpochs;
    /// <summary>Floor of the cosine schedule, &gt;= 0.</summary>
    public float MinLearningRate { get; init; }
    /// <summary>Linear warm-up epochs W &gt;= 0: for e &lt; W the scheduled rate is multiplied by (e + 1) / (W + 1).</summary>
    public int WarmupEpochs { get; init; }
    /// <summary>Truncated BPTT segment length k (0 = full BPTT). With k &gt; 0 each sequence is processed in segments of k steps,
    /// the state is carried between segments (not differentiated through), and the optimizer steps after every segment.
    /// Needs per-step targets and a unidirectional network.</summary>
    public int TruncatedBpttSteps { get; init; }
    /// <summary>Fraction in [0, 1) of the samples, taken from the END of the dataset (in order), held out for validation.</summary>
    public double ValidationFraction { get; init; }
    /// <summary>Early-stopping patience in epochs without validation improvement (0 disables; needs validation data).</summary>
    public int Patience { get; init; }
    /// <summary>When true and validation data exist, the weights of the epoch with the lowest validation loss are returned
    /// (after a NaN/infinite loss the best weights are always restored).</summary>
    public bool RestoreBestWeights { get; init; } = true;
    /// <summary>Seed of the shuffling.</summary>
    public int Seed { get; init; } = DefaultSeed;
    /// <summary>Maximum threads (0 = all cores). Results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>Sequences per parallel work item; fixes the summation order of gradients.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;
    /// <summary>Training loss: <see cref="MlNetLstm.Loss.MeanSquaredError"/> (default), <see cref="MlNetLstm.Loss.GaussianNll"/> or
    /// <see cref="MlNetLstm.Loss.SoftmaxCrossEntropy"/> (formulas on <see cref="MlNetLstm.Loss"/>).</summary>
    public Loss LossFunction { get; init; } = MlNetLstm.Loss.MeanSquaredError;
    /// <summary>Former type of the training loss; reads and writes <see cref="LossFunction"/> (by name; -1 for a loss it cannot express).</summary>
    [Obsolete("Use LossFunction (of type MlNetLstm.Loss).")]
    public LossKind Loss { get => LossFunction.ToLossKind(); init => LossFunction = value.ToLoss(); }
    /// <summary>Shuffle training samples every epoch (seeded).</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>
    /// Input-gate activation penalty λ &gt;= 0 (0 disables; LSTM networks only, GRU and RNN networks reject λ &gt; 0). The trained objective is
    /// L_total = L_task + λ · (1/N) Σ i_t over the N = batch · steps · units · layers · directions input-gate activations of each
    /// mini-batch (of each segment with truncated BPTT). As i_t ∈ (0, 1) this is an L1 penalty on the writes into the cell: it keeps
    /// the input gate closed except where writing pays, so the network learns sparse, pulse-like writes. Its gradient adds
    /// (λ/N) · i(1 - i) to dL/dz_i. With coupled gates the penalised value is the effective input gate i = 1 - f (the gradient
    /// -(λ/N) · f(1 - f) goes to z_f, pushing the forget gate towards 1). <see cref="TrainingReport.TrainingLoss"/>,
    /// <see cref="TrainingReport.ValidationLoss"/> and the early-stopping criterion include the penalty; <see cref="RecurrentTrainer.Evaluate(Models.RecurrentNetwork, SequenceDataset, Loss, int)"/> does not.
    /// </summary>
    public float InputGatePenalty { get; init; } = DefaultInputGatePenalty;

    /// <summary>
    /// Auxiliary regression outputs A &gt;= 0 of a multi-task loss (0 disables; needs <see cref="MlNetLstm.Loss.SoftmaxCrossEntropy"/>).
    /// The last A of the K targets (and head outputs) of every row are real-valued auxiliary targets, the first K - A are the
    /// class targets, and each row's loss is L_row = -Σ_{k &lt; K-A} t_k log softmax(y_{0..K-A-1})_k + w · (1/A) Σ_{a ≥ K-A} (y_a - t_a)²
    /// with w = <see cref="AuxiliaryWeight"/>, averaged over rows like the plain cross-entropy. At least 2 class values must remain.
    /// Use it to make a sequence model also predict properties of its input (a multi-task loss): the shared recurrent state has
    /// to carry them. <see cref="TrainingReport.TrainingLoss"/> and <see cref="TrainingReport.ValidationLoss"/> include the auxiliary term;
    /// <see cref="RecurrentTrainer.Evaluate(Models.RecurrentNetwork, SequenceDataset, Loss, int)"/> takes only a <see cref="LossFunction"/> and knows no auxiliary outputs. The local-window
    /// attention trainer does not support it.
    /// </summary>
    public int AuxiliaryOutputs { get; init; } = DefaultAuxiliaryOutputs;

    /// <summary>Weight w &gt;= 0 of the auxiliary squared error (see <see cref="AuxiliaryOutputs"/>).</summary>
    public float AuxiliaryWeight { get; init; } = DefaultAuxiliaryWeight;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
        }
        Check(Epochs > 0, nameof(Epochs), Epochs, "must be positive");
        Check(BatchSize > 0, nameof(BatchSize), BatchSize, "must be positive");
        Check(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive and finite");
        Check(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "must be in [0, 1)");
        Check(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "must be in [0, 1)");
        Check(Epsilon > 0, nameof(Epsilon), Epsilon, "must be positive");
        Check(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be non-negative");
        Check(GradientClipNorm >= 0 && float.IsFinite(GradientClipNorm), nameof(GradientClipNorm), GradientClipNorm, "must be non-negative (0 disables)");
        Check(DecayRate > 0 && DecayRate <= 1, nameof(DecayRate), DecayRate, "must be in (0, 1]");
        Check(StepEpochs > 0, nameof(StepEpochs), StepEpochs, "must be positive");
        Check(MinLearningRate >= 0, nameof(MinLearningRate), MinLearningRate, "must be non-negative");
        Check(WarmupEpochs >= 0, nameof(WarmupEpochs), WarmupEpochs, "must be non-negative");
        Check(TruncatedBpttSteps >= 0, nameof(TruncatedBpttSteps), TruncatedBpttSteps, "must be non-negative (0 = full BPTT)");
        Check(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        Check(Patience >= 0, nameof(Patience), Patience, "must be non-negative");
        Check(Threads >= 0, nameof(Threads), Threads, "must be non-negative (0 = all cores)");
        Check(ChunkSize > 0, nameof(ChunkSize), ChunkSize, "must be positive");
        Check(LossFunction is MlNetLstm.Loss.MeanSquaredError or MlNetLstm.Loss.GaussianNll or MlNetLstm.Loss.SoftmaxCrossEntropy, nameof(LossFunction), LossFunction,
            "must be a network-training loss (MeanSquaredError, GaussianNll or SoftmaxCrossEntropy)");
        Check(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "is unknown");
        Check(Enum.IsDefined(Schedule), nameof(Schedule), Schedule, "is unknown");
        Check(InputGatePenalty >= 0 && float.IsFinite(InputGatePenalty), nameof(InputGatePenalty), InputGatePenalty, "must be non-negative and finite (0 disables)");
        Check(AuxiliaryOutputs >= 0, nameof(AuxiliaryOutputs), AuxiliaryOutputs, "must be non-negative (0 disables)");
        Check(AuxiliaryOutputs == 0 || LossFunction == MlNetLstm.Loss.SoftmaxCrossEntropy, nameof(AuxiliaryOutputs), AuxiliaryOutputs, "needs LossFunction = SoftmaxCrossEntropy");
        Check(AuxiliaryWeight >= 0 && float.IsFinite(AuxiliaryWeight), nameof(AuxiliaryWeight), AuxiliaryWeight, "must be non-negative and finite");
    }
}
