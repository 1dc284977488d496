using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Forecasting;

/// <summary>
/// Immutable options of <see cref="LstmForecaster"/>. Training defaults are the <see cref="TrainingOptions"/> constants.
/// </summary>
public sealed record LstmForecasterOptions
{
    /// <summary>Default hidden units.</summary>
    public const int DefaultHiddenSize = 32;
    /// <summary>Default input window length W.</summary>
    public const int DefaultWindowSize = 24;
    /// <summary>Default forecast horizon (head outputs).</summary>
    public const int DefaultHorizon = 1;

    /// <summary>Hidden units H per layer and direction.</summary>
    public int HiddenSize { get; init; } = DefaultHiddenSize;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = RecurrentNetworkSpec.DefaultLayers;
    /// <summary>Input window length W (steps fed to the network per forecast).</summary>
    public int WindowSize { get; init; } = DefaultWindowSize;
    /// <summary>Steps forecast directly by the head (multi-output), Horizon &gt;= 1.</summary>
    public int Horizon { get; init; } = DefaultHorizon;
    /// <summary>Training epochs.</summary>
    public int Epochs { get; init; } = TrainingOptions.DefaultEpochs;
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = TrainingOptions.DefaultBatchSize;
    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = TrainingOptions.DefaultLearningRate;
    /// <summary>Seed for the weights and the shuffling.</summary>
    public int Seed { get; init; } = TrainingOptions.DefaultSeed;
    /// <summary>Maximum threads (0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>Fraction of the windows (the latest ones) held out for validation and early stopping.</summary>
    public double ValidationFraction { get; init; }
    /// <summary>Early-stopping patience in epochs (0 disables).</summary>
    public int Patience { get; init; }
    /// <summary>Recurrent cell.</summary>
    public CellType CellType { get; init; } = CellType.Lstm;
    /// <summary>Bidirectional layers (the streaming engine then re-runs the window; see <see cref="ForecastStreamingEngine"/>).</summary>
    public bool Bidirectional { get; init; }
    /// <summary>LSTM peephole connections.</summary>
    public bool Peepholes { get; init; }
    /// <summary>LSTM coupled input-forget gate.</summary>
    public bool CoupledGates { get; init; }
    /// <summary>Training loss (<see cref="MlNetLstm.Loss.MeanSquaredError"/> by default); with <see cref="MlNetLstm.Loss.GaussianNll"/> the model also predicts variances.</summary>
    public Loss LossFunction { get; init; } = MlNetLstm.Loss.MeanSquaredError;
    /// <summary>Former type of the training loss; reads and writes <see cref="LossFunction"/> (by name; -1 for a loss it cannot express).</summary>
    [Obsolete("Use LossFunction (of type MlNetLstm.Loss).")]
    public LossKind Loss { get => LossFunction.ToLossKind(); init => LossFunction = value.ToLoss(); }
    /// <summary>Global gradient-norm clip (0 disables).</summary>
    public float GradientClipNorm { get; init; } = TrainingOptions.DefaultGradientClipNorm;
    /// <summary>Optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Weight decay.</summary>
    public float WeightDecay { get; init; }
    /// <summary>Learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>Warm-up epochs.</summary>
    public int WarmupEpochs { get; init; }
    /// <summary>Initial LSTM forget-gate bias.</summary>
    public float ForgetGateBias { get; init; } = RecurrentNetwork.DefaultForgetGateBias;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (HiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "HiddenSize must be positive.");
        if (Layers <= 0) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "Layers must be positive.");
        if (WindowSize <= 0) throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize, "WindowSize must be positive.");
        if (Horizon <= 0) throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "Horizon must be positive.");
        if (!float.IsFinite(ForgetGateBias)) throw new ArgumentOutOfRangeException(nameof(ForgetGateBias), ForgetGateBias, "ForgetGateBias must be finite.");
        Spec(1).Validate();
        ToTrainingOptions().Validate();
    }

    internal RecurrentNetworkSpec Spec(int features) => new()
    {
        Cell = CellType, InputSize = features, HiddenSize = HiddenSize, Layers = Layers, Bidirectional = Bidirectional,
        Peepholes = Peepholes, CoupledGates = CoupledGates, OutputSize = Losses.OutputSizeFor(LossFunction, Horizon), HeadMode = HeadMode.LastStep,
    };

    /// <summary>The equivalent trainer options (validation split is done by the forecaster).</summary>
    public TrainingOptions ToTrainingOptions() => new()
    {
        Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed, Threads = Threads, Patience = Patience,
        LossFunction = LossFunction, GradientClipNorm = GradientClipNorm, Optimizer = Optimizer, WeightDecay = WeightDecay, Schedule = Schedule,
        WarmupEpochs = WarmupEpochs, ValidationFraction = ValidationFraction,
    };
}
