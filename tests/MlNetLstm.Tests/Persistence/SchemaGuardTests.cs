using System.Reflection;
using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// "Nothing lost": every settable property of the types the model files store must be known to the serializer. When a
/// property is added to one of these types, this test fails until the property is stored (and FORMAT.md / the kind version
/// are updated, with a new fixture folder if old files cannot express it).
/// </summary>
public class SchemaGuardTests
{
    private static readonly Dictionary<Type, string[]> Stored = new()
    {
        [typeof(RecurrentNetworkSpec)] = ["Cell", "InputSize", "HiddenSize", "Layers", "Bidirectional", "Peepholes", "CoupledGates", "ForgetGateModifier", "OutputSize", "HeadMode"],
        [typeof(LstmForecasterOptions)] = ["HiddenSize", "Layers", "WindowSize", "Horizon", "Epochs", "BatchSize", "LearningRate", "Seed", "Threads", "ValidationFraction",
            "Patience", "CellType", "Bidirectional", "Peepholes", "CoupledGates", "LossFunction", "Loss" /* [Obsolete] forwarder of LossFunction */, "GradientClipNorm", "Optimizer", "WeightDecay", "Schedule", "WarmupEpochs", "ForgetGateBias"],
        [typeof(LstmVolatilityOptions)] = ["RegimeAdaptive", "HiddenSize", "SequenceLength", "BurnIn", "ContextLength", "Epochs", "BatchSize", "LearningRate", "WeightDecay",
            "GradientClipNorm", "GradientClip" /* [Obsolete] forwarder of GradientClipNorm */, "ValidationFraction", "Patience", "EwmaLambda", "InitialBeta", "CorrectionBound", "Seed", "Threads", "GarchFeature", "Anchor", "Horizons", "LossFunction", "Loss" /* [Obsolete] forwarder of LossFunction */, "RegimeForm", "AsymmetricInput", "Shrinkage"],
        [typeof(SsaOptions)] = ["WindowSize", "SeriesLength", "TrainSize", "Horizon", "ConfidenceLevel", "Rank", "MaxRank", "EnergyThreshold", "DiscountFactor", "IsAdaptive"],
        [typeof(HarOptions)] = ["WeeklyWindow", "MonthlyWindow", "Log", "LogFloorFraction", "ForecastMethod", "MaxHorizon", "NeweyWestLags"],
        [typeof(LstmTrainingSummary)] = ["TrainLoss", "ValidationLoss", "BestEpoch", "StopReason", "Seconds", "AnchorValidationQlike", "ShrinkageValidationQlike"],
    };

    [Fact]
    public void Every_settable_property_of_a_stored_type_is_known_to_the_serializer()
    {
        foreach (var (type, known) in Stored)
        {
            string[] settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name).ToArray();
            settable.Except(known).Should().BeEmpty($"{type.Name} has properties the model file does not store yet (add them to ModelSerializer, FORMAT.md and this list)");
        }
    }
}
