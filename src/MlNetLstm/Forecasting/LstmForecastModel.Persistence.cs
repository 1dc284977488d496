using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Training;

namespace MlNetLstm.Forecasting;

public sealed partial class LstmForecastModel
{
    /// <summary>Archive kind written by <see cref="ToArchive"/>.</summary>
    public const string ArchiveKind = "MlNetLstm.LstmForecastModel";

    /// <summary>Layout version of the archive entries.</summary>
    public const int ArchiveVersion = 1;

    /// <summary>Writes options, standardisation, training report and network to a <see cref="ModelArchive"/> (save it with <see cref="ModelFile.Save"/>).</summary>
    public ModelArchive ToArchive()
    {
        var o = Options;
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.Add("options/int", new[]
        {
            o.HiddenSize, o.Layers, o.WindowSize, o.Horizon, o.Epochs, o.BatchSize, o.Seed, o.Threads, o.Patience, (int)o.CellType,
            o.Bidirectional ? 1 : 0, o.Peepholes ? 1 : 0, o.CoupledGates ? 1 : 0, (int)o.Loss, (int)o.Optimizer, (int)o.Schedule, o.WarmupEpochs,
        });
        b.Add("options/real", new[] { o.LearningRate, o.ValidationFraction, o.GradientClipNorm, o.WeightDecay, o.ForgetGateBias });
        b.AddScalar("features", FeatureCount);
        b.AddScalar("target", TargetColumn);
        b.Add("mean", _mean);
        b.Add("std", _std);
        b.Add("report/train_loss", Report.TrainingLoss.ToArray());
        b.Add("report/validation_loss", Report.ValidationLoss.ToArray());
        b.Add("report/learning_rates", Report.LearningRates.ToArray());
        b.Add("report/int", new[] { Report.BestEpoch, (int)Report.StopReason });
        b.AddScalar("report/best_loss", Report.BestLoss);
        b.AddScalar("report/steps", (double)Report.OptimizerSteps);
        b.AddText("report/message", Report.Message);
        Network.WriteTo(b, "network/");
        return b.Build();
    }

    /// <summary>Reads a model written by <see cref="ToArchive"/>.</summary>
    /// <param name="archive">The archive.</param>
    /// <exception cref="InvalidDataException">Wrong kind, missing entries or inconsistent values.</exception>
    public static LstmForecastModel FromArchive(ModelArchive archive) => Persistence.ModelSerializer.ReadForecastModel(archive);

}
