using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Training;

namespace MlNetLstm.Forecasting;

// Model-file reader and writer of LstmForecastModel (kind "MlNetLstm.LstmForecastModel"; layout in src/MlNetLstm/Persistence/FORMAT.md).
public sealed partial class LstmForecastModel
{
    /// <summary>Archive kind written by <see cref="ToArchive"/>.</summary>
    public const string ArchiveKind = "MlNetLstm.LstmForecastModel";

    /// <summary>Layout version of the archive entries (4: named options, enums by name; version 1 files still load).</summary>
    public const int ArchiveVersion = ModelKinds.CurrentVersion;

    /// <summary>Writes options, standardisation, training report and network to a <see cref="ModelArchive"/> (save it with <see cref="ModelFile.Save"/>).</summary>
    public ModelArchive ToArchive()
    {
        var o = Options;
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.AddScalar("options/hidden_size", o.HiddenSize);
        b.AddScalar("options/layers", o.Layers);
        b.AddScalar("options/window_size", o.WindowSize);
        b.AddScalar("options/horizon", o.Horizon);
        b.AddScalar("options/epochs", o.Epochs);
        b.AddScalar("options/batch_size", o.BatchSize);
        b.AddScalar("options/seed", o.Seed);
        b.AddScalar("options/threads", o.Threads);
        b.AddScalar("options/patience", o.Patience);
        b.AddText("options/cell_type", o.CellType.ToString());
        b.AddScalar("options/bidirectional", o.Bidirectional ? 1 : 0);
        b.AddScalar("options/peepholes", o.Peepholes ? 1 : 0);
        b.AddScalar("options/coupled_gates", o.CoupledGates ? 1 : 0);
        b.AddText("options/loss", o.LossFunction.ToString()); // the LossKind names, which Loss keeps
        b.AddText("options/optimizer", o.Optimizer.ToString());
        b.AddText("options/schedule", o.Schedule.ToString());
        b.AddScalar("options/warmup_epochs", o.WarmupEpochs);
        b.AddScalar("options/learning_rate", (double)o.LearningRate);
        b.AddScalar("options/validation_fraction", o.ValidationFraction);
        b.AddScalar("options/gradient_clip_norm", (double)o.GradientClipNorm);
        b.AddScalar("options/weight_decay", (double)o.WeightDecay);
        b.AddScalar("options/forget_gate_bias", (double)o.ForgetGateBias);
        b.AddScalar("features", FeatureCount);
        b.AddScalar("target", TargetColumn);
        b.Add("mean", _mean);
        b.Add("std", _std);
        b.Add("report/train_loss", Report.TrainingLoss.ToArray());
        b.Add("report/validation_loss", Report.ValidationLoss.ToArray());
        b.Add("report/learning_rates", Report.LearningRates.ToArray());
        b.AddScalar("report/best_epoch", Report.BestEpoch);
        b.AddText("report/stop_reason", Report.StopReason.ToString());
        b.AddScalar("report/best_loss", Report.BestLoss);
        b.AddScalar("report/steps", (double)Report.OptimizerSteps);
        b.AddText("report/message", Report.Message);
        Network.WriteTo(b, "network/");
        return b.Build();
    }

    /// <summary>Reads a model written by <see cref="ToArchive"/> (layout version 4) or by version 1 of the library.</summary>
    /// <param name="archive">The archive.</param>
    /// <exception cref="InvalidDataException">Wrong kind, missing entries or inconsistent values.</exception>
    public static LstmForecastModel FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, ArchiveVersion);
        var r = new ArchiveReader(archive);
        LstmForecasterOptions o = version == 1 ? ReadLegacyOptions(r) : ReadOptions(r.Sub("options/"));
        try { o.Validate(); }
        catch (ArgumentException e) { throw r.Error("the stored forecaster options are invalid: " + e.Message); }
        int features = r.Int("features", 1), target = r.Int("target", 0, features - 1);
        double[] mean = r.Doubles("mean", features), std = r.Doubles("std", features);
        // Fitting keeps a standard deviation only above 1e-12 (a constant column gets 1), so smaller ones never come out of a fit:
        // dividing by them would overflow the network's float32 inputs.
        for (int i = 0; i < features; i++)
            if (!(std[i] > 1e-12)) throw r.Error("std", $"holds {std[i]} at index {i}; standard deviations must be positive and above 1e-12, as fitting makes them.");
        RecurrentNetwork net = RecurrentNetwork.ReadFrom(r.Sub("network/"), version, null);
        if (net.Spec != o.Spec(features))
            throw r.Error($"the stored network ({ModelSerializer.Describe(net.Spec)}) does not match the stored options ({ModelSerializer.Describe(o.Spec(features))}).");
        int bestEpoch;
        StopReason stop;
        if (version == 1)
        {
            int[] ri = r.Ints("report/int", 2);
            CheckEnum<StopReason>(r, "report/int", ri[1]);
            (bestEpoch, stop) = (ri[0], (StopReason)ri[1]);
        }
        else (bestEpoch, stop) = (r.Int("report/best_epoch"), r.EnumName<StopReason>("report/stop_reason"));
        double steps = r.Real("report/steps");
        if (steps < 0 || steps != Math.Floor(steps) || steps > long.MaxValue) throw r.Error("report/steps", $"= {steps} is not a step count.");
        var report = new TrainingReport(r.Doubles("report/train_loss", finite: false), r.Doubles("report/validation_loss", finite: false),
            r.SingleVector("report/learning_rates", finite: false), bestEpoch, r.Real("report/best_loss", finite: false), stop,
            r.Text("report/message"), (long)steps);
        return new LstmForecastModel(o, net, report, features, target, mean, std);
    }

    private static LstmForecasterOptions ReadOptions(ArchiveReader s) => new()
    {
        HiddenSize = s.Int("hidden_size"), Layers = s.Int("layers"), WindowSize = s.Int("window_size"), Horizon = s.Int("horizon"),
        Epochs = s.Int("epochs"), BatchSize = s.Int("batch_size"), Seed = s.Int("seed"), Threads = s.Int("threads"), Patience = s.Int("patience"),
        CellType = s.EnumName<CellType>("cell_type"), Bidirectional = s.Bool("bidirectional"), Peepholes = s.Bool("peepholes"),
        CoupledGates = s.Bool("coupled_gates"), LossFunction = ReadLoss(s), Optimizer = s.EnumName<OptimizerKind>("optimizer"),
        Schedule = s.EnumName<LearningRateSchedule>("schedule"), WarmupEpochs = s.Int("warmup_epochs"),
        LearningRate = (float)s.Real("learning_rate"), ValidationFraction = s.Real("validation_fraction"),
        GradientClipNorm = (float)s.Real("gradient_clip_norm"), WeightDecay = (float)s.Real("weight_decay"), ForgetGateBias = (float)s.Real("forget_gate_bias"),
    };

#pragma warning disable CS0618 // files name the loss with the replaced LossKind (same names, same ordinals as Loss)
    private static Loss ReadLoss(ArchiveReader s) => s.EnumName<LossKind>("loss").ToLoss();

    /// <summary>Layout 1: <c>options/int</c> [17] and <c>options/real</c> [5], positional, enums as int32.</summary>
    private static LstmForecasterOptions ReadLegacyOptions(ArchiveReader r)
    {
        int[] n = r.Ints("options/int", 17);
        double[] x = r.Doubles("options/real", 5);
        CheckEnum<CellType>(r, "options/int", n[9]);
        CheckEnum<LossKind>(r, "options/int", n[13]);
        CheckEnum<OptimizerKind>(r, "options/int", n[14]);
        CheckEnum<LearningRateSchedule>(r, "options/int", n[15]);
        for (int i = 10; i <= 12; i++)
            if (n[i] is not (0 or 1)) throw r.Error("options/int", $"flag at index {i} is {n[i]}, expected 0 or 1.");
        return new LstmForecasterOptions
        {
            HiddenSize = n[0], Layers = n[1], WindowSize = n[2], Horizon = n[3], Epochs = n[4], BatchSize = n[5], Seed = n[6], Threads = n[7],
            Patience = n[8], CellType = (CellType)n[9], Bidirectional = n[10] != 0, Peepholes = n[11] != 0, CoupledGates = n[12] != 0,
            LossFunction = ((LossKind)n[13]).ToLoss(), Optimizer = (OptimizerKind)n[14], Schedule = (LearningRateSchedule)n[15], WarmupEpochs = n[16],
            LearningRate = (float)x[0], ValidationFraction = x[1], GradientClipNorm = (float)x[2], WeightDecay = (float)x[3], ForgetGateBias = (float)x[4],
        };
    }
#pragma warning restore CS0618

    private static void CheckEnum<T>(ArchiveReader r, string name, int value) where T : struct, Enum
    {
        if (!Enum.IsDefined((T)(object)value)) throw r.Error(name, $"holds {value}, which is not a known {typeof(T).Name}.");
    }
}
