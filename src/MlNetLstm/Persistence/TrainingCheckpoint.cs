using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Persistence;

/// <summary>
/// Everything <see cref="RecurrentTrainer"/> needs to continue a run bit-identically after an interruption, taken at an epoch
/// boundary: the current parameters (as a network), Adam's first and second moments, the optimizer step count, the number of
/// completed epochs (which is also the learning-rate schedule position), the shuffling seed and the sample order after the
/// last shuffle, the best weights and loss so far with the early-stopping counter, the loss and learning-rate history, and
/// fingerprints of the options and data it belongs to.
/// <para>
/// Files are <see cref="ModelFile"/>s of kind <see cref="ModelKinds.TrainingCheckpoint"/> written atomically (temporary file,
/// flush to disk, rename), so a crash or kill at any moment leaves either the previous checkpoint or the new one, never a torn
/// file. Immutable: arrays are copied in and exposed read-only.
/// </para>
/// </summary>
public sealed class TrainingCheckpoint
{
    private float[] _m = [], _v = [], _best = [];
    private int[] _order = [];
    private double[] _trainLoss = [], _validationLoss = [];
    private float[] _rates = [];

    /// <summary>The network with the current (last-step) parameters.</summary>
    public required RecurrentNetwork Network { get; init; }

    /// <summary>Adam first moment m, one value per parameter.</summary>
    public required ReadOnlyMemory<float> AdamFirstMoment { get => _m; init => _m = value.ToArray(); }

    /// <summary>Adam second moment v, one value per parameter.</summary>
    public required ReadOnlyMemory<float> AdamSecondMoment { get => _v; init => _v = value.ToArray(); }

    /// <summary>Optimizer updates performed so far (Adam's bias-correction step t).</summary>
    public required long OptimizerSteps { get; init; }

    /// <summary>Epochs completed; the next epoch to run has this 0-based index, and its learning rate is <c>LearningRateSchedules.At(options, CompletedEpochs)</c>.</summary>
    public required int CompletedEpochs { get; init; }

    /// <summary>The shuffling seed (<see cref="TrainingOptions.Seed"/>).</summary>
    public required int Seed { get; init; }

    /// <summary>The training-sample order after the last completed epoch's shuffle (identity before the first).</summary>
    public required ReadOnlyMemory<int> ShuffleOrder { get => _order; init => _order = value.ToArray(); }

    /// <summary>The best parameters so far (the initial ones when <see cref="BestEpoch"/> is -1).</summary>
    public required ReadOnlyMemory<float> BestParameters { get => _best; init => _best = value.ToArray(); }

    /// <summary>The best monitored loss so far (+infinity when none).</summary>
    public required double BestLoss { get; init; }

    /// <summary>0-based epoch of <see cref="BestParameters"/>, or -1.</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Epochs since the best one (the early-stopping counter).</summary>
    public required int EpochsSinceBest { get; init; }

    /// <summary>Mean training loss of each completed epoch.</summary>
    public required ReadOnlyMemory<double> TrainingLoss { get => _trainLoss; init => _trainLoss = value.ToArray(); }

    /// <summary>Validation loss of each completed epoch (empty without validation data).</summary>
    public required ReadOnlyMemory<double> ValidationLoss { get => _validationLoss; init => _validationLoss = value.ToArray(); }

    /// <summary>Learning rate of each completed epoch.</summary>
    public required ReadOnlyMemory<float> LearningRates { get => _rates; init => _rates = value.ToArray(); }

    /// <summary><see cref="OptionsFingerprint(TrainingOptions)"/> of the run's options.</summary>
    public required string OptionsFingerprintText { get; init; }

    /// <summary><see cref="DataFingerprint"/> of the run's training and validation data.</summary>
    public required uint DataFingerprintValue { get; init; }

    /// <summary>
    /// Fingerprint of the options a checkpoint belongs to: every option except <see cref="TrainingOptions.Threads"/> (results do
    /// not depend on it). Resuming with options of a different fingerprint would not reproduce the uninterrupted run.
    /// </summary>
    /// <param name="options">Training options.</param>
    public static string OptionsFingerprint(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string text = (options with { Threads = 0 }).ToString();
        // LossFunction replaced Loss (same names); the fingerprint keeps Loss's entry only, as written before LossFunction existed.
        text = text.Replace($", {nameof(TrainingOptions.LossFunction)} = {options.LossFunction}", "", StringComparison.Ordinal);
        // Options added later are left out (from the end) while at their defaults, so checkpoints written before they existed
        // still resume.
        foreach (var (name, atDefault) in new[]
        {
            (nameof(TrainingOptions.AuxiliaryWeight), options.AuxiliaryWeight == TrainingOptions.DefaultAuxiliaryWeight),
            (nameof(TrainingOptions.AuxiliaryOutputs), options.AuxiliaryOutputs == TrainingOptions.DefaultAuxiliaryOutputs),
            (nameof(TrainingOptions.InputGatePenalty), options.InputGatePenalty == 0),
        })
        {
            int cut = text.LastIndexOf($", {name} = ", StringComparison.Ordinal);
            if (!atDefault || cut < 0 || text.IndexOf(", ", cut + 2, StringComparison.Ordinal) >= 0) break;
            text = text[..cut] + " }";
        }
        return text;
    }

    /// <summary>CRC-32 over the shapes and values of the training and (optional) validation data.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Validation data, or null.</param>
    public static uint DataFingerprint(SequenceDataset train, SequenceDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        foreach (SequenceDataset? d in new[] { train, validation })
        {
            if (d is null) { w.Write(-1); continue; }
            w.Write(d.Count); w.Write(d.Steps); w.Write(d.InputSize); w.Write(d.TargetSize); w.Write(d.TargetsPerStep); w.Write(d.ExtraSize);
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Inputs));
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Targets));
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.ExtraInputs));
        }
        w.Flush();
        return Crc32.Compute(ms.GetBuffer().AsSpan(0, (int)ms.Length));
    }

    /// <summary>
    /// Recreates the trainer's shuffling state after <paramref name="completedEpochs"/> epochs: a <see cref="Random"/> seeded with
    /// <paramref name="seed"/> that has made exactly the draws of that many Fisher-Yates shuffles (i from N-1 down to 1,
    /// j = Next(i + 1), swap), and the resulting order. <see cref="Random"/>'s state cannot be serialised, so it is replayed.
    /// </summary>
    /// <param name="seed">Shuffling seed.</param>
    /// <param name="count">Training samples N.</param>
    /// <param name="completedEpochs">Epochs (shuffles) to replay.</param>
    /// <param name="shuffle">Whether the run shuffles (<see cref="TrainingOptions.Shuffle"/>); if false the order stays the identity.</param>
    /// <param name="order">The order after the replayed shuffles.</param>
    /// <returns>The random source positioned for the next epoch's shuffle.</returns>
    public static Random ReplayShuffle(int seed, int count, int completedEpochs, bool shuffle, out int[] order)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Must be non-negative.");
        if (completedEpochs < 0) throw new ArgumentOutOfRangeException(nameof(completedEpochs), completedEpochs, "Must be non-negative.");
        var rng = new Random(seed);
        order = Enumerable.Range(0, count).ToArray();
        if (!shuffle) return rng;
        for (int e = 0; e < completedEpochs; e++)
            Training.TrainingLoop.ShuffleFromEnd(order, rng);
        return rng;
    }

    /// <summary>
    /// Checks that this checkpoint belongs to a run with <paramref name="options"/> on the given data and network architecture,
    /// and returns the replayed shuffling state (see <see cref="ReplayShuffle"/>), verified against <see cref="ShuffleOrder"/>.
    /// </summary>
    /// <param name="options">The options of the run being resumed.</param>
    /// <param name="train">Its training data.</param>
    /// <param name="validation">Its validation data, or null.</param>
    /// <param name="order">The sample order to continue from.</param>
    /// <returns>The random source positioned for epoch <see cref="CompletedEpochs"/>.</returns>
    /// <exception cref="InvalidOperationException">The checkpoint belongs to another run (the message says what differs).</exception>
    public Random PrepareResume(TrainingOptions options, SequenceDataset train, SequenceDataset? validation, out int[] order)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        string fp = OptionsFingerprint(options);
        if (fp != OptionsFingerprintText)
            throw new InvalidOperationException($"The checkpoint was written with other training options: checkpoint {OptionsFingerprintText}, now {fp}.");
        if (DataFingerprint(train, validation) != DataFingerprintValue)
            throw new InvalidOperationException("The checkpoint was written for other training or validation data (fingerprints differ).");
        if (options.Seed != Seed) throw new InvalidOperationException($"The checkpoint's seed {Seed} differs from the options' seed {options.Seed}.");
        if (CompletedEpochs > options.Epochs)
            throw new InvalidOperationException($"The checkpoint has {CompletedEpochs} completed epochs, more than the {options.Epochs} the options run.");
        Random rng = ReplayShuffle(Seed, train.Count, CompletedEpochs, options.Shuffle, out order);
        if (!order.AsSpan().SequenceEqual(_order))
            throw new InvalidOperationException("Replaying the shuffles does not reproduce the checkpoint's sample order.");
        return rng;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the parts are inconsistent (lengths, ranges, finiteness).</summary>
    public void Validate()
    {
        int p = Network.ParameterCount;
        if (_m.Length != p || _v.Length != p || _best.Length != p)
            throw new ArgumentException($"AdamFirstMoment, AdamSecondMoment and BestParameters must each have {p} values (the network's parameter count); they have {_m.Length}, {_v.Length} and {_best.Length}.");
        if (OptimizerSteps < 0) throw new ArgumentException($"OptimizerSteps must be non-negative, got {OptimizerSteps}.");
        if (CompletedEpochs < 0) throw new ArgumentException($"CompletedEpochs must be non-negative, got {CompletedEpochs}.");
        if (BestEpoch < -1 || BestEpoch >= CompletedEpochs)
            throw new ArgumentException($"BestEpoch {BestEpoch} must be -1 or an epoch before {CompletedEpochs}.");
        if (EpochsSinceBest < 0) throw new ArgumentException($"EpochsSinceBest must be non-negative, got {EpochsSinceBest}.");
        if (_trainLoss.Length != CompletedEpochs || _rates.Length != CompletedEpochs || (_validationLoss.Length != 0 && _validationLoss.Length != CompletedEpochs))
            throw new ArgumentException($"TrainingLoss and LearningRates (and ValidationLoss when present) must have one value per completed epoch ({CompletedEpochs}).");
        var seen = new bool[_order.Length];
        foreach (int i in _order)
        {
            if ((uint)i >= (uint)_order.Length || seen[i]) throw new ArgumentException("ShuffleOrder is not a permutation of 0..N-1.");
            seen[i] = true;
        }
        if (!AllFinite(_m) || !AllFinite(_v) || !AllFinite(_best)) throw new ArgumentException("Optimizer moments and best parameters must be finite.");
        foreach (float x in _v)
            if (x < 0) throw new ArgumentException("AdamSecondMoment must be non-negative.");
        if (double.IsNaN(BestLoss)) throw new ArgumentException("BestLoss must not be NaN (use +infinity for none).");
    }

    private static bool AllFinite(float[] a)
    {
        foreach (float x in a)
            if (!float.IsFinite(x)) return false;
        return true;
    }

    /// <summary>Largest step count stored exactly (2^53, as float64).</summary>
    private const long MaxExactSteps = 1L << 53;

    /// <summary>The checkpoint as an archive of kind <see cref="ModelKinds.TrainingCheckpoint"/>.</summary>
    public ModelArchive ToArchive()
    {
        Validate();
        int p = Network.ParameterCount;
        var b = new ModelArchiveBuilder(ModelKinds.TrainingCheckpoint, ModelKinds.CurrentVersion);
        Network.WriteTo(b, "network/");
        b.Add("adam/m", _m, p);
        b.Add("adam/v", _v, p);
        if (OptimizerSteps > MaxExactSteps) throw new InvalidOperationException($"OptimizerSteps = {OptimizerSteps} exceeds 2^53, the largest step count a checkpoint stores exactly.");
        b.AddScalar("adam/steps", (double)OptimizerSteps);
        b.AddScalar("epochs_completed", CompletedEpochs);
        b.AddScalar("seed", Seed);
        b.Add("shuffle_order", _order, _order.Length);
        b.Add("best/parameters", _best, p);
        b.AddScalar("best/loss", BestLoss);
        b.AddScalar("best/epoch", BestEpoch);
        b.AddScalar("best/epochs_since", EpochsSinceBest);
        b.Add("history/train_loss", _trainLoss, _trainLoss.Length);
        b.Add("history/validation_loss", _validationLoss, _validationLoss.Length);
        b.Add("history/learning_rates", _rates, _rates.Length);
        b.AddText("fingerprint/options", OptionsFingerprintText);
        b.AddScalar("fingerprint/data", unchecked((int)DataFingerprintValue));
        return b.Build();
    }

    /// <summary>Reads a checkpoint from an archive of kind <see cref="ModelKinds.TrainingCheckpoint"/>.</summary>
    /// <param name="archive">The archive.</param>
    /// <exception cref="InvalidDataException">Wrong kind or inconsistent contents.</exception>
    public static TrainingCheckpoint FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ModelKinds.TrainingCheckpoint, 1, ModelKinds.CurrentVersion);
        var r = new ArchiveReader(archive);
        RecurrentNetwork net = RecurrentNetwork.ReadFrom(r.Sub("network/"), version, null);
        int p = net.ParameterCount;
        long stepCount;
        if (version == 1)
        {
            // Layout 1: the step count as two int32 halves [low, high].
            int[] steps = r.Ints("adam/steps", 2);
            stepCount = (uint)steps[0] | ((long)steps[1] << 32);
        }
        else
        {
            double steps = r.Real("adam/steps");
            if (steps < 0 || steps != Math.Floor(steps) || steps > MaxExactSteps) throw r.Error("adam/steps", $"= {steps} is not a step count.");
            stepCount = (long)steps;
        }
        int epochs = r.Int("epochs_completed", 0);
        try
        {
            var c = new TrainingCheckpoint
            {
                Network = net,
                AdamFirstMoment = r.SingleVector("adam/m", p),
                AdamSecondMoment = r.SingleVector("adam/v", p),
                OptimizerSteps = stepCount,
                CompletedEpochs = epochs,
                Seed = r.Int("seed"),
                ShuffleOrder = r.Ints("shuffle_order"),
                BestParameters = r.SingleVector("best/parameters", p),
                BestLoss = r.Real("best/loss", finite: false),
                BestEpoch = r.Int("best/epoch", -1),
                EpochsSinceBest = r.Int("best/epochs_since", 0),
                TrainingLoss = r.Doubles("history/train_loss", finite: false),
                ValidationLoss = r.Doubles("history/validation_loss", finite: false),
                LearningRates = r.SingleVector("history/learning_rates", finite: false),
                OptionsFingerprintText = r.Text("fingerprint/options"),
                DataFingerprintValue = unchecked((uint)r.Int("fingerprint/data")),
            };
            c.Validate();
            return c;
        }
        catch (ArgumentException e)
        {
            throw r.Error("the checkpoint is inconsistent: " + e.Message);
        }
    }

    /// <summary>Writes the checkpoint atomically (temporary file in the same folder, flush to disk, rename over <paramref name="path"/>).</summary>
    /// <param name="path">Target file; its folder must exist.</param>
    public void Save(string path) => ModelFile.Save(path, ToArchive());

    /// <summary>Reads and validates a checkpoint file.</summary>
    /// <param name="path">Checkpoint file.</param>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint (the message says why).</exception>
    public static TrainingCheckpoint Load(string path)
    {
        ModelArchive a = ModelFile.Load(path);
        try { return FromArchive(a); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}': {e.Message}", e); }
    }
}
