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
    public static LstmForecastModel FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        archive.EnsureKind(ArchiveKind, ArchiveVersion);
        int[] n = archive["options/int"].AsInt32s();
        double[] r = archive["options/real"].AsDoubles();
        if (n.Length != 17 || r.Length != 5) throw new InvalidDataException("The archived forecaster options have the wrong length.");
        var o = new LstmForecasterOptions
        {
            HiddenSize = n[0], Layers = n[1], WindowSize = n[2], Horizon = n[3], Epochs = n[4], BatchSize = n[5], Seed = n[6], Threads = n[7],
            Patience = n[8], CellType = (CellType)n[9], Bidirectional = n[10] != 0, Peepholes = n[11] != 0, CoupledGates = n[12] != 0,
            Loss = (LossKind)n[13], Optimizer = (OptimizerKind)n[14], Schedule = (LearningRateSchedule)n[15], WarmupEpochs = n[16],
            LearningRate = (float)r[0], ValidationFraction = r[1], GradientClipNorm = (float)r[2], WeightDecay = (float)r[3], ForgetGateBias = (float)r[4],
        };
        try { o.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException("The archived forecaster options are invalid: " + e.Message, e); }
        int features = archive["features"].AsInt32s()[0], target = archive["target"].AsInt32s()[0];
        double[] mean = archive["mean"].AsDoubles(), std = archive["std"].AsDoubles();
        if (features <= 0 || (uint)target >= (uint)features || mean.Length != features || std.Length != features
            || mean.Any(v => !double.IsFinite(v)) || std.Any(v => !(v > 0) || !double.IsFinite(v)))
            throw new InvalidDataException("The archived standardisation is inconsistent.");
        var net = RecurrentNetwork.ReadFrom(archive, "network/", null);
        if (net.Spec != o.Spec(features)) throw new InvalidDataException("The archived network does not match the archived options.");
        int[] ri = archive["report/int"].AsInt32s();
        var report = new TrainingReport(archive["report/train_loss"].AsDoubles(), archive["report/validation_loss"].AsDoubles(),
            archive["report/learning_rates"].AsSingles(), ri[0], archive["report/best_loss"].AsDoubles()[0], (StopReason)ri[1],
            archive["report/message"].AsText(), (long)archive["report/steps"].AsDoubles()[0]);
        return new LstmForecastModel(o, net, report, features, target, mean, std);
    }
}
