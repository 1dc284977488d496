using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Ssa;
using MlNetLstm.Training;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Neural;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Persistence;

/// <summary>The model kinds stored in <see cref="ModelFile"/>s and their current layout versions (see FORMAT.md).</summary>
public static class ModelKinds
{
    /// <summary><see cref="RecurrentNetwork"/>.</summary>
    public const string RecurrentNetwork = Models.RecurrentNetwork.ArchiveKind;
    /// <summary><see cref="LstmForecastModel"/>.</summary>
    public const string LstmForecastModel = Forecasting.LstmForecastModel.ArchiveKind;
    /// <summary><see cref="Volatility.Neural.LstmVolatilityForecaster"/>.</summary>
    public const string LstmVolatilityForecaster = "MlNetLstm.LstmVolatilityForecaster";
    /// <summary><see cref="ArchFitResult"/> (GARCH family).</summary>
    public const string ArchFit = "MlNetLstm.ArchFitResult";
    /// <summary><see cref="SsaForecaster"/>.</summary>
    public const string SsaForecaster = Ssa.SsaForecaster.ArchiveKind;
    /// <summary><see cref="HarModel"/>.</summary>
    public const string HarModel = Volatility.Har.HarModel.ArchiveKind;
    /// <summary><see cref="Persistence.TrainingCheckpoint"/>.</summary>
    public const string TrainingCheckpoint = "MlNetLstm.TrainingCheckpoint";
    /// <summary>A <see cref="Volatility.CombinedVarianceForecaster"/> of LSTM volatility forecasters (a seed ensemble).</summary>
    public const string CombinedVarianceForecaster = "MlNetLstm.CombinedVarianceForecaster";

    /// <summary>
    /// Layout version written for (and newest read of) every kind above except <see cref="LstmVolatilityForecaster"/>,
    /// <see cref="HarModel"/> and <see cref="SsaForecaster"/>: version 1.
    /// </summary>
    public const int CurrentVersion = 1;

    /// <summary>Layout version of <see cref="HarModel"/>: 2 stores the fitted regressions (version 1 stored the proxy and refitted on load; it still loads).</summary>
    public const int HarModelVersion = Volatility.Har.HarModel.ArchiveVersion;

    /// <summary>Layout version of <see cref="SsaForecaster"/>: 2 stores the subspace, recurrence and observation buffer (version 1 stored the series and refitted on load; it still loads).</summary>
    public const int SsaForecasterVersion = Ssa.SsaForecaster.ArchiveVersion;

    /// <summary>
    /// Layout version of <see cref="LstmVolatilityForecaster"/>: 2 adds the GARCH input and exogenous standardisation
    /// (version 1 files, which have neither, still load); 3 adds the number of direct heads and the training loss
    /// (<c>options/horizons</c>, <c>options/loss</c>; version 1 and 2 files load with Horizons = 1 and Loss = Qlike).
    /// </summary>
    public const int LstmVolatilityForecasterVersion = 3;
}

/// <summary>
/// An <see cref="ArchFitResult"/> read back from a model file, with the estimation summary as it was when the model was
/// saved. <see cref="Result"/> forecasts and filters exactly like the saved fit (same parameters, returns and backcast); it is
/// restored without re-estimation (one filter pass over the stored returns) and carries the original optimiser report,
/// log-likelihood and standard errors, which are also the properties of this class.
/// </summary>
public sealed class StoredArchFit
{
    internal StoredArchFit(ArchFitResult result, ConvergenceReport convergence, double logLikelihood, bool standardErrorsAvailable,
        IReadOnlyDictionary<string, double> standardErrors, IReadOnlyDictionary<string, double> robustStandardErrors)
    {
        Result = result; Convergence = convergence; LogLikelihood = logLikelihood; StandardErrorsAvailable = standardErrorsAvailable;
        StandardErrors = standardErrors; RobustStandardErrors = robustStandardErrors;
    }

    /// <summary>The fit, ready to forecast and filter.</summary>
    public ArchFitResult Result { get; }

    /// <summary>The optimiser report of the original estimation.</summary>
    public ConvergenceReport Convergence { get; }

    /// <summary>The maximised log-likelihood of the original estimation.</summary>
    public double LogLikelihood { get; }

    /// <summary>Whether the original estimation had standard errors.</summary>
    public bool StandardErrorsAvailable { get; }

    /// <summary>Hessian-based standard errors of the original estimation, by parameter name.</summary>
    public IReadOnlyDictionary<string, double> StandardErrors { get; }

    /// <summary>Robust (sandwich) standard errors of the original estimation, by parameter name.</summary>
    public IReadOnlyDictionary<string, double> RobustStandardErrors { get; }
}

/// <summary>
/// Saves and loads every fitted model of the library in the one versioned, checksummed <see cref="ModelFile"/> format
/// (layout of each kind in src/MlNetLstm/Persistence/FORMAT.md). Saving is atomic. Loading checks the kind, the kind's layout
/// version, every entry's element type and shape (parameter shapes are stored explicitly and compared with the shapes the
/// stored spec implies), value ranges and consistency, and throws an <see cref="InvalidDataException"/> that names the entry
/// and the problem; it never executes code and never allocates much more than the file's size.
/// </summary>
public static class ModelSerializer
{
    // ----------------------------------------------------------------------------------------------------------------
    // Generic
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Loads any model file and returns the model it holds: a <see cref="RecurrentNetwork"/>, <see cref="LstmForecastModel"/>,
    /// <see cref="LstmVolatilityForecaster"/>, <see cref="CombinedVarianceForecaster"/>, <see cref="StoredArchFit"/>,
    /// <see cref="SsaForecaster"/>, <see cref="HarModel"/> or <see cref="TrainingCheckpoint"/>.
    /// </summary>
    /// <param name="path">Model file.</param>
    /// <exception cref="InvalidDataException">Invalid file or unknown kind.</exception>
    public static object Load(string path) => WithPath(path, () => FromArchive(ModelFile.Load(path)));

    /// <summary>Reads the model held by <paramref name="archive"/>, dispatching on its kind (see <see cref="Load"/>).</summary>
    /// <param name="archive">The archive.</param>
    /// <exception cref="InvalidDataException">Invalid contents or unknown kind.</exception>
    public static object FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return archive.Kind switch
        {
            ModelKinds.RecurrentNetwork => ReadRecurrentNetwork(archive),
            ModelKinds.LstmForecastModel => ReadForecastModel(archive),
            ModelKinds.LstmVolatilityForecaster => ReadVolatilityForecaster(archive),
            ModelKinds.ArchFit => ReadArchFit(archive),
            ModelKinds.SsaForecaster => ReadSsaForecaster(archive),
            ModelKinds.HarModel => ReadHarModel(archive),
            ModelKinds.TrainingCheckpoint => TrainingCheckpoint.FromArchive(archive),
            ModelKinds.CombinedVarianceForecaster => ReadCombinedForecaster(archive),
            _ => throw new InvalidDataException($"Unknown model kind '{archive.Kind}'."),
        };
    }

    private static T WithPath<T>(string path, Func<T> load)
    {
        try { return load(); }
        catch (InvalidDataException ex) when (!ex.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}': {ex.Message}", ex);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // RecurrentNetwork
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>The network as an archive (kind <see cref="ModelKinds.RecurrentNetwork"/>).</summary>
    /// <param name="network">The network.</param>
    public static ModelArchive ToArchive(RecurrentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.ToArchive();
    }

    /// <summary>Saves a network atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="network">The network.</param>
    public static void Save(string path, RecurrentNetwork network) => ModelFile.Save(path, ToArchive(network));

    /// <summary>Loads a network saved by <see cref="Save(string, RecurrentNetwork)"/>.</summary>
    /// <param name="path">Model file.</param>
    /// <param name="modifierFactory">Creates custom forget-gate modifiers from (name, extra input size); the built-in "regime" needs none.</param>
    public static RecurrentNetwork LoadRecurrentNetwork(string path, Func<string, int, IForgetGateModifier>? modifierFactory = null) =>
        WithPath(path, () => ReadRecurrentNetwork(ModelFile.Load(path), modifierFactory));

    /// <summary>Reads a network from an archive of kind <see cref="ModelKinds.RecurrentNetwork"/>.</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="modifierFactory">Creates custom forget-gate modifiers from (name, extra input size).</param>
    public static RecurrentNetwork ReadRecurrentNetwork(ModelArchive archive, Func<string, int, IForgetGateModifier>? modifierFactory = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        archive.EnsureKind(ModelKinds.RecurrentNetwork, RecurrentNetwork.ArchiveVersion);
        return ReadNetwork(new ArchiveReader(archive), modifierFactory);
    }

    /// <summary>Reads the entries written by RecurrentNetwork.WriteTo under the reader's prefix.</summary>
    internal static RecurrentNetwork ReadNetwork(ArchiveReader r, Func<string, int, IForgetGateModifier>? modifierFactory)
    {
        ArchiveReader s = r.Sub("spec/");
        CellType cell = s.Enum<CellType>("cell");
        int input = s.Int("input", 1), hidden = s.Int("hidden", 1), layers = s.Int("layers", 1), output = s.Int("output", 0);
        bool bidirectional = s.Bool("bidirectional"), peepholes = s.Bool("peepholes"), coupled = s.Bool("coupled");
        HeadMode head = s.Enum<HeadMode>("head_mode");
        string modName = s.Text("modifier", ModelFile.MaxNameBytes);
        int extra = s.Int("modifier_extra", 0);
        double beta = s.Real("modifier_initial_beta");

        // Bound every size by the number of values the file actually holds before anything is sized from them.
        long budget = r.TotalElements;
        // Computed in double: the stored sizes can be anything up to int.MaxValue, and their products overflow a long.
        double g = cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 }, d = bidirectional ? 2 : 1, h = hidden;
        double need = layers * d * (g * h * h + 2 * g * h) + d * g * h * input + (layers - 1.0) * d * g * h * d * h
            + (double)output * d * h + output + (peepholes ? layers * d * 3 * h : 0) + (modName.Length > 0 ? layers * d * h * extra : 0);
        // (The slack keeps the specific per-entry shape errors for small inconsistencies; the layout itself allocates nothing big.)
        if (need > 2 * budget + 65536)
            throw r.Error($"the stored spec (cell {cell}, input {input}, hidden {hidden}, layers {layers}, output {output}) needs {need:0} parameters but the file holds only {budget} values.");

        IForgetGateModifier? modifier = null;
        if (modName.Length > 0)
        {
            try
            {
                if (modifierFactory != null) modifier = modifierFactory(modName, extra);
                else if (modName == "regime") modifier = new RegimeForgetModifier(extra, (float)beta);
                else throw r.Error($"the network uses forget-gate modifier '{modName}': pass a modifierFactory that creates it.");
            }
            catch (ArgumentException e)
            {
                throw r.Error($"forget-gate modifier '{modName}' with {extra} extra inputs and initial beta {beta} cannot be created: {e.Message}");
            }
            if (modifier is null || modifier.Name != modName || modifier.ExtraInputSize != extra)
                throw r.Error($"the modifier factory did not create modifier '{modName}' with {extra} extra inputs.");
        }
        else if (extra != 0) throw r.Error($"modifier_extra is {extra} but the network has no forget-gate modifier.");

        RecurrentNetworkSpec spec;
        ParameterLayout layout;
        try
        {
            spec = new RecurrentNetworkSpec
            {
                Cell = cell, InputSize = input, HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional,
                Peepholes = peepholes, CoupledGates = coupled, OutputSize = output, HeadMode = head, ForgetGateModifier = modifier,
            };
            spec.Validate();
            layout = RecurrentNetwork.CreateLayout(spec);
        }
        catch (ArgumentException e)
        {
            throw r.Error("the stored network spec is invalid: " + e.Message);
        }

        ArchiveReader p = r.Sub("param/");
        var dict = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (ParameterView v in layout.Views) dict[v.Name] = p.Singles(v.Name, v.Shape);
        string prefix = r.FullName("param/");
        int stored = r.Archive.Entries.Count(e => e.Name.StartsWith(prefix, StringComparison.Ordinal));
        if (stored != layout.Views.Count)
        {
            string unexpected = r.Archive.Entries.Select(e => e.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Select(n => n[prefix.Length..]).First(n => !layout.Contains(n));
            throw r.Error($"holds parameter '{unexpected}', which a network with the stored spec does not have.");
        }
        try
        {
            return RecurrentNetwork.FromStateDict(spec, dict);
        }
        catch (ArgumentException e)
        {
            throw r.Error("the stored parameters are invalid: " + e.Message);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // LstmForecastModel
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>The forecaster as an archive (kind <see cref="ModelKinds.LstmForecastModel"/>).</summary>
    /// <param name="model">The fitted forecaster.</param>
    public static ModelArchive ToArchive(LstmForecastModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToArchive();
    }

    /// <summary>Saves a fitted forecaster (network, standardisation, options, training report) atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The fitted forecaster.</param>
    public static void Save(string path, LstmForecastModel model) => ModelFile.Save(path, ToArchive(model));

    /// <summary>Loads a forecaster saved by <see cref="Save(string, LstmForecastModel)"/>.</summary>
    /// <param name="path">Model file.</param>
    public static LstmForecastModel LoadForecastModel(string path) => WithPath(path, () => ReadForecastModel(ModelFile.Load(path)));

    /// <summary>Reads a forecaster from an archive of kind <see cref="ModelKinds.LstmForecastModel"/>.</summary>
    /// <param name="archive">The archive.</param>
    public static LstmForecastModel ReadForecastModel(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        archive.EnsureKind(ModelKinds.LstmForecastModel, LstmForecastModel.ArchiveVersion);
        var r = new ArchiveReader(archive);
        int[] n = r.Ints("options/int", 17);
        double[] x = r.Doubles("options/real", 5);
        CheckEnum<CellType>(r, "options/int", n[9]);
        CheckEnum<LossKind>(r, "options/int", n[13]);
        CheckEnum<OptimizerKind>(r, "options/int", n[14]);
        CheckEnum<LearningRateSchedule>(r, "options/int", n[15]);
        for (int i = 10; i <= 12; i++)
            if (n[i] is not (0 or 1)) throw r.Error("options/int", $"flag at index {i} is {n[i]}, expected 0 or 1.");
        var o = new LstmForecasterOptions
        {
            HiddenSize = n[0], Layers = n[1], WindowSize = n[2], Horizon = n[3], Epochs = n[4], BatchSize = n[5], Seed = n[6], Threads = n[7],
            Patience = n[8], CellType = (CellType)n[9], Bidirectional = n[10] != 0, Peepholes = n[11] != 0, CoupledGates = n[12] != 0,
            Loss = (LossKind)n[13], Optimizer = (OptimizerKind)n[14], Schedule = (LearningRateSchedule)n[15], WarmupEpochs = n[16],
            LearningRate = (float)x[0], ValidationFraction = x[1], GradientClipNorm = (float)x[2], WeightDecay = (float)x[3], ForgetGateBias = (float)x[4],
        };
        try { o.Validate(); }
        catch (ArgumentException e) { throw r.Error("the stored forecaster options are invalid: " + e.Message); }
        int features = r.Int("features", 1), target = r.Int("target", 0, features - 1);
        double[] mean = r.Doubles("mean", features), std = r.Doubles("std", features);
        // Fitting keeps a standard deviation only above 1e-12 (a constant column gets 1), so smaller ones never come out of a fit:
        // dividing by them would overflow the network's float32 inputs.
        for (int i = 0; i < features; i++)
            if (!(std[i] > 1e-12)) throw r.Error("std", $"holds {std[i]} at index {i}; standard deviations must be positive and above 1e-12, as fitting makes them.");
        RecurrentNetwork net = ReadNetwork(r.Sub("network/"), null);
        if (net.Spec != o.Spec(features))
            throw r.Error($"the stored network ({Describe(net.Spec)}) does not match the stored options ({Describe(o.Spec(features))}).");
        int[] ri = r.Ints("report/int", 2);
        CheckEnum<StopReason>(r, "report/int", ri[1]);
        double steps = r.Real("report/steps");
        if (steps < 0 || steps != Math.Floor(steps) || steps > long.MaxValue) throw r.Error("report/steps", $"= {steps} is not a step count.");
        var report = new TrainingReport(r.Doubles("report/train_loss", finite: false), r.Doubles("report/validation_loss", finite: false),
            r.SingleVector("report/learning_rates", finite: false), ri[0], r.Real("report/best_loss", finite: false), (StopReason)ri[1],
            r.Text("report/message"), (long)steps);
        return new LstmForecastModel(o, net, report, features, target, mean, std);
    }

    private static void CheckEnum<T>(ArchiveReader r, string name, int value) where T : struct, Enum
    {
        if (!Enum.IsDefined((T)(object)value)) throw r.Error(name, $"holds {value}, which is not a known {typeof(T).Name}.");
    }

    private static string Describe(RecurrentNetworkSpec s) =>
        $"{s.Cell} I={s.InputSize} H={s.HiddenSize} L={s.Layers} D={s.Directions} O={s.OutputSize} head={s.HeadMode} peepholes={s.Peepholes} coupled={s.CoupledGates} modifier={s.ForgetGateModifier?.Name ?? "none"}";

    // ----------------------------------------------------------------------------------------------------------------
    // CombinedVarianceForecaster (seed ensembles of LSTM volatility forecasters)
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>Most members a combination file may hold.</summary>
    public const int MaxCombinationMembers = 1024;

    /// <summary>
    /// The fitted combination as an archive (kind <see cref="ModelKinds.CombinedVarianceForecaster"/>): its name and, per
    /// member i, <c>member/i/model</c>, the member's own model file (base64). Members must be <see cref="LstmVolatilityForecaster"/>s,
    /// as in <see cref="LstmVolatilityModel.SeedEnsemble"/>.
    /// </summary>
    /// <param name="model">The fitted combination.</param>
    /// <exception cref="NotSupportedException">A member is not an <see cref="LstmVolatilityForecaster"/> (named in the message).</exception>
    public static ModelArchive ToArchive(CombinedVarianceForecaster model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var b = new ModelArchiveBuilder(ModelKinds.CombinedVarianceForecaster, ModelKinds.CurrentVersion);
        b.AddText("name", model.Name);
        b.AddScalar("member_count", model.Members.Count);
        for (int i = 0; i < model.Members.Count; i++)
        {
            if (model.Members[i] is not LstmVolatilityForecaster lstm)
                throw new NotSupportedException($"Member {i} of '{model.Name}' is a {model.Members[i].GetType().Name}; only combinations of LstmVolatilityForecaster members (seed ensembles) can be saved.");
            b.AddText($"member/{i}/model", Convert.ToBase64String(ModelFile.ToBytes(ToArchive(lstm))));
        }
        return b.Build();
    }

    /// <summary>Saves a fitted seed ensemble (every member network, its options, scale and training summary) atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The fitted combination.</param>
    public static void Save(string path, CombinedVarianceForecaster model) => ModelFile.Save(path, ToArchive(model));

    /// <summary>Loads a combination saved by <see cref="Save(string, CombinedVarianceForecaster)"/>.</summary>
    /// <param name="path">Model file.</param>
    public static CombinedVarianceForecaster LoadCombinedForecaster(string path) => WithPath(path, () => ReadCombinedForecaster(ModelFile.Load(path)));

    /// <summary>Reads a combination from an archive of kind <see cref="ModelKinds.CombinedVarianceForecaster"/>.</summary>
    /// <param name="archive">The archive.</param>
    public static CombinedVarianceForecaster ReadCombinedForecaster(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        archive.EnsureKind(ModelKinds.CombinedVarianceForecaster, ModelKinds.CurrentVersion);
        var r = new ArchiveReader(archive);
        string name = r.Text("name", ModelFile.MaxNameBytes);
        if (string.IsNullOrWhiteSpace(name)) throw r.Error("name", "is empty.");
        int count = r.Int("member_count", 1, MaxCombinationMembers);
        var members = new LstmVolatilityForecaster[count];
        for (int i = 0; i < count; i++)
        {
            string entry = $"member/{i}/model";
            byte[] bytes;
            try { bytes = Convert.FromBase64String(r.Text(entry, 1 << 30)); }
            catch (FormatException) { throw r.Error(entry, "is not base64."); }
            try { members[i] = ReadVolatilityForecaster(ModelFile.FromBytes(bytes)); }
            catch (InvalidDataException ex) { throw r.Error(entry, $"does not hold a valid LSTM volatility forecaster: {ex.Message}"); }
        }
        return new CombinedVarianceForecaster(name, members.Select(m => m.Name).ToArray(), members);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // LstmVolatilityForecaster
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>The fitted LSTM volatility forecaster as an archive (kind <see cref="ModelKinds.LstmVolatilityForecaster"/>).</summary>
    /// <param name="model">The fitted forecaster.</param>
    public static ModelArchive ToArchive(LstmVolatilityForecaster model)
    {
        ArgumentNullException.ThrowIfNull(model);
        LstmVolatilityOptions o = model.Options;
        var b = new ModelArchiveBuilder(ModelKinds.LstmVolatilityForecaster, ModelKinds.LstmVolatilityForecasterVersion);
        b.AddText("name", model.Name);
        b.AddScalar("options/garch_feature", o.GarchFeature ? 1 : 0);
        b.AddScalar("options/anchor", (int)o.Anchor);
        b.AddScalar("options/horizons", o.Horizons);
        b.AddScalar("options/loss", (int)o.Loss);
        LstmVolatilityInputs inputs = model.Inputs;
        b.AddScalar("inputs/exogenous_count", inputs.ExogenousNames.Count);
        if (inputs.ExogenousNames.Count > 0)
        {
            b.AddText("inputs/exogenous_names", string.Join("\n", inputs.ExogenousNames));
            b.Add("inputs/exogenous_means", inputs.ExogenousMeans.ToArray());
            b.Add("inputs/exogenous_scales", inputs.ExogenousScales.ToArray());
        }
        if (inputs.Garch is { } g) b.Add("inputs/garch", new[] { g.Mu, g.Omega, g.Alpha, g.Beta, g.Backcast });
        b.AddScalar("options/regime_adaptive", o.RegimeAdaptive ? 1 : 0);
        b.AddScalar("options/hidden_size", o.HiddenSize);
        b.AddScalar("options/sequence_length", o.SequenceLength);
        b.AddScalar("options/burn_in", o.BurnIn);
        b.AddScalar("options/context_length", o.ContextLength);
        b.AddScalar("options/epochs", o.Epochs);
        b.AddScalar("options/batch_size", o.BatchSize);
        b.AddScalar("options/patience", o.Patience);
        b.AddScalar("options/seed", o.Seed);
        b.AddScalar("options/threads", o.Threads);
        b.AddScalar("options/learning_rate", o.LearningRate);
        b.AddScalar("options/weight_decay", o.WeightDecay);
        b.AddScalar("options/gradient_clip", o.GradientClip);
        b.AddScalar("options/validation_fraction", o.ValidationFraction);
        b.AddScalar("options/ewma_lambda", o.EwmaLambda);
        b.AddScalar("options/initial_beta", o.InitialBeta);
        b.AddScalar("options/correction_bound", o.CorrectionBound);
        b.AddScalar("scale", model.Scale);
        b.Add("training/train_loss", model.Training.TrainLoss.ToArray());
        b.Add("training/validation_loss", model.Training.ValidationLoss.ToArray());
        b.AddScalar("training/best_epoch", model.Training.BestEpoch);
        b.AddText("training/stop_reason", model.Training.StopReason);
        b.AddScalar("training/seconds", model.Training.Seconds);
        model.Network.WriteTo(b, "network/");
        return b.Build();
    }

    /// <summary>Saves a fitted LSTM volatility forecaster (network, scale, options, training summary) atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The fitted forecaster.</param>
    public static void Save(string path, LstmVolatilityForecaster model) => ModelFile.Save(path, ToArchive(model));

    /// <summary>Loads a forecaster saved by <see cref="Save(string, LstmVolatilityForecaster)"/>.</summary>
    /// <param name="path">Model file.</param>
    public static LstmVolatilityForecaster LoadVolatilityForecaster(string path) =>
        WithPath(path, () => ReadVolatilityForecaster(ModelFile.Load(path)));

    /// <summary>Reads a forecaster from an archive of kind <see cref="ModelKinds.LstmVolatilityForecaster"/>.</summary>
    /// <param name="archive">The archive.</param>
    public static LstmVolatilityForecaster ReadVolatilityForecaster(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        archive.EnsureKind(ModelKinds.LstmVolatilityForecaster, ModelKinds.LstmVolatilityForecasterVersion);
        bool v2 = archive.KindVersion >= 2, v3 = archive.KindVersion >= 3;
        var r = new ArchiveReader(archive);
        string name = r.Text("name", ModelFile.MaxNameBytes);
        if (string.IsNullOrWhiteSpace(name)) throw r.Error("name", "is empty.");
        ArchiveReader s = r.Sub("options/");
        var o = new LstmVolatilityOptions
        {
            RegimeAdaptive = s.Bool("regime_adaptive"), HiddenSize = s.Int("hidden_size"), SequenceLength = s.Int("sequence_length"),
            BurnIn = s.Int("burn_in"), ContextLength = s.Int("context_length"), Epochs = s.Int("epochs"), BatchSize = s.Int("batch_size"),
            Patience = s.Int("patience"), Seed = s.Int("seed"), Threads = s.Int("threads"),
            LearningRate = (float)s.Real("learning_rate"), WeightDecay = (float)s.Real("weight_decay"), GradientClip = (float)s.Real("gradient_clip"),
            ValidationFraction = s.Real("validation_fraction"), EwmaLambda = s.Real("ewma_lambda"), InitialBeta = (float)s.Real("initial_beta"),
            CorrectionBound = (float)s.Real("correction_bound"), GarchFeature = v2 && s.Bool("garch_feature"),
            Anchor = v2 ? s.Enum<VolatilityAnchor>("anchor") : VolatilityAnchor.Ewma,
            // Versions 1 and 2 had one head trained with QLIKE (literal values: what those files meant, whatever the defaults become).
            Horizons = v3 ? s.Int("horizons") : 1,
            Loss = v3 ? s.Enum<VolatilityLoss>("loss") : VolatilityLoss.Qlike,
        };
        try { o.Validate(); }
        catch (ArgumentException e) { throw r.Error("the stored volatility options are invalid: " + e.Message); }
        double scale = r.Real("scale");
        // The forecaster divides returns by s and multiplies variances by s²: both s² and 1/s² must be finite normal numbers.
        if (!(scale >= LstmVolatilityInputs.MinScale && scale <= LstmVolatilityInputs.MaxScale))
            throw r.Error("scale", $"= {scale} must be positive and within [{LstmVolatilityInputs.MinScale}, {LstmVolatilityInputs.MaxScale}] (the forecaster uses s² and 1/s², which must be finite).");
        string[] exogNames = [];
        double[] exogMeans = [], exogScales = [];
        GarchFeatureParameters? garch = null;
        if (v2)
        {
            int k = r.Int("inputs/exogenous_count", 0, 1 << 16);
            if (k > 0)
            {
                exogNames = r.Text("inputs/exogenous_names").Split('\n');
                if (exogNames.Length != k) throw r.Error("inputs/exogenous_names", $"holds {exogNames.Length} names; inputs/exogenous_count is {k}.");
                exogMeans = r.Doubles("inputs/exogenous_means", k);
                exogScales = r.Doubles("inputs/exogenous_scales", k);
                // Fitting keeps a standard deviation only above 1e-12 x max(1, |mean|) (else 1): smaller ones never come out of a fit.
                for (int j = 0; j < k; j++)
                    if (!(exogScales[j] > 1e-12 * Math.Max(1, Math.Abs(exogMeans[j]))))
                        throw r.Error("inputs/exogenous_scales", $"holds {exogScales[j]} at index {j}; a fitted scale is above 1e-12 x max(1, |mean|) = {1e-12 * Math.Max(1, Math.Abs(exogMeans[j]))}.");
            }
            if (o.GarchFeature || o.Anchor != VolatilityAnchor.Ewma)
            {
                double[] g = r.Doubles("inputs/garch", 5);
                CheckGarchInput(r, g);
                garch = new GarchFeatureParameters(g[0], g[1], g[2], g[3], g[4]);
            }
            else if (r.Contains("inputs/garch")) throw r.Error("inputs/garch", "is present but neither options/garch_feature nor the GARCH anchor asks for it.");
        }
        LstmVolatilityInputs inputs;
        try { inputs = new LstmVolatilityInputs(scale, o.EwmaLambda, o.Anchor, garch, exogNames, exogMeans, exogScales); }
        catch (ArgumentException e) { throw r.Error("the stored input transform is invalid: " + e.Message); }
        RecurrentNetwork net = ReadNetwork(r.Sub("network/"), null);
        RecurrentNetworkSpec want = LstmVolatilityModel.CreateSpec(o, inputs.InputSize), got = net.Spec;
        bool modifierOk = want.ForgetGateModifier is null
            ? got.ForgetGateModifier is null
            : got.ForgetGateModifier is RegimeForgetModifier m && m.ExtraInputSize == want.ExtraInputSize;
        if (got with { ForgetGateModifier = null } != want with { ForgetGateModifier = null } || !modifierOk)
            throw r.Error($"the stored network ({Describe(got)}) does not match the stored options ({Describe(want)}).");
        int bestEpoch = r.Int("training/best_epoch", 0);
        double seconds = r.Real("training/seconds");
        var summary = new LstmTrainingSummary(r.Doubles("training/train_loss", finite: false), r.Doubles("training/validation_loss", finite: false),
            bestEpoch, r.Text("training/stop_reason"), seconds);
        return new LstmVolatilityForecaster(name, o, net, inputs, summary);
    }

    /// <summary>Largest accepted omega, backcast and |mu| of the GARCH input in scaled units (smallest backcast: its inverse).</summary>
    private const double MaxScaledGarchVariance = 1e6;

    /// <summary>
    /// The GARCH(1,1) input [mu, omega, alpha, beta, backcast] is fitted on returns scaled to mean square 1: it must be stationary
    /// (alpha + beta &lt; 1, as the estimator enforces), and omega (a lower bound of every conditional variance), the backcast
    /// (the mean squared residual) and |mu| must be within a factor 1e6 of that unit scale.
    /// </summary>
    private static void CheckGarchInput(ArchiveReader r, double[] g)
    {
        string values = $"[mu = {g[0]}, omega = {g[1]}, alpha = {g[2]}, beta = {g[3]}, backcast = {g[4]}]";
        if (!(g[1] > 0) || !(g[2] >= 0) || !(g[3] >= 0))
            throw r.Error("inputs/garch", $"{values}: omega must be positive, alpha and beta non-negative.");
        if (!(g[2] + g[3] < 1))
            throw r.Error("inputs/garch", $"{values} is not stationary (alpha + beta = {g[2] + g[3]} must be below 1).");
        if (!(g[1] <= MaxScaledGarchVariance) || !(g[4] <= MaxScaledGarchVariance && g[4] >= 1 / MaxScaledGarchVariance) || !(Math.Abs(g[0]) <= MaxScaledGarchVariance))
            throw r.Error("inputs/garch", $"{values} is not a fit of returns scaled to mean square 1: omega and |mu| must be at most {MaxScaledGarchVariance}, the backcast within a factor {MaxScaledGarchVariance} of 1.");
    }

    // ----------------------------------------------------------------------------------------------------------------
    // ArchFitResult (GARCH family)
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The fit as an archive (kind <see cref="ModelKinds.ArchFit"/>): the mean, process and distribution kinds with their orders,
    /// the parameter names and values, the estimation returns (needed to forecast from the end of the sample and to rebuild the
    /// backcast), the backcast, and the estimation summary.
    /// </summary>
    /// <param name="fit">The fit.</param>
    public static ModelArchive ToArchive(ArchFitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArchModel m = fit.Model;
        var b = new ModelArchiveBuilder(ModelKinds.ArchFit, ModelKinds.CurrentVersion);
        b.AddText("mean/name", m.Mean.Name);
        b.AddScalar("mean/order", m.Mean is ArMean ar ? ar.Order : 0);
        b.AddText("process/name", m.Volatility.Name);
        (int p, int o, int q) = m.Volatility switch
        {
            Garch g => (g.P, 0, g.Q),
            GjrGarch g => (g.P, g.O, g.Q),
            _ => (0, 0, 0),
        };
        b.Add("process/orders", new[] { p, o, q });
        b.AddScalar("process/lambda", m.Volatility is Ewma e ? e.Lambda : 0.0);
        b.AddText("distribution/name", m.Distribution.Name);
        b.AddText("parameters/names", string.Join("\n", fit.ParameterNames));
        b.Add("parameters/values", fit.Values.ToArray());
        b.Add("returns", m.Returns.ToArray());
        b.AddScalar("backcast", fit.Backcast);
        b.AddScalar("fit/log_likelihood", fit.LogLikelihood);
        b.AddScalar("fit/converged", fit.Convergence.Converged ? 1 : 0);
        b.AddScalar("fit/iterations", fit.Convergence.Iterations);
        b.AddScalar("fit/gradient_evaluations", fit.Convergence.GradientEvaluations);
        b.AddScalar("fit/gradient_norm", fit.Convergence.GradientNorm);
        b.AddText("fit/message", fit.Convergence.Message);
        b.AddScalar("fit/standard_errors_available", fit.StandardErrorsAvailable ? 1 : 0);
        b.Add("fit/standard_errors", fit.ParameterNames.Select(n => fit.StandardErrors[n]).ToArray());
        b.Add("fit/robust_standard_errors", fit.ParameterNames.Select(n => fit.RobustStandardErrors[n]).ToArray());
        return b.Build();
    }

    /// <summary>Saves a GARCH-family fit atomically (see <see cref="ToArchive(ArchFitResult)"/>).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="fit">The fit.</param>
    public static void Save(string path, ArchFitResult fit) => ModelFile.Save(path, ToArchive(fit));

    /// <summary>Loads a fit saved by <see cref="Save(string, ArchFitResult)"/>.</summary>
    /// <param name="path">Model file.</param>
    public static StoredArchFit LoadArchFit(string path) => WithPath(path, () => ReadArchFit(ModelFile.Load(path)));

    /// <summary>Reads a fit from an archive of kind <see cref="ModelKinds.ArchFit"/>.</summary>
    /// <param name="archive">The archive.</param>
    public static StoredArchFit ReadArchFit(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        archive.EnsureKind(ModelKinds.ArchFit, ModelKinds.CurrentVersion);
        var r = new ArchiveReader(archive);
        string meanName = r.Text("mean/name", 16), processName = r.Text("process/name", 16), distName = r.Text("distribution/name", 16);
        int order = r.Int("mean/order", 0, 50);
        int[] orders = r.Ints("process/orders", 3);
        double lambda = r.Real("process/lambda");
        MeanModel mean;
        VolatilityProcess process;
        ErrorDistribution dist;
        try
        {
            mean = meanName switch
            {
                "zero" => new ZeroMean(),
                "constant" => new ConstantMean(),
                _ when meanName == $"ar{order}" && order >= 1 => new ArMean(order),
                _ => throw r.Error("mean/name", $"= '{meanName}' (order {order}) is not a known mean model."),
            };
            process = processName switch
            {
                "garch" => new Garch(orders[0], orders[2]),
                "gjr" => new GjrGarch(orders[0], orders[1], orders[2]),
                "egarch" => new Egarch(),
                "ewma" => new Ewma(lambda),
                "constant" => new ConstantVariance(),
                _ => throw r.Error("process/name", $"= '{processName}' is not a known volatility process."),
            };
            dist = Arch.ParseDistribution(distName);
        }
        catch (ArgumentException e)
        {
            throw r.Error($"the stored model specification is invalid: {e.Message}");
        }
        string[] names = r.Text("parameters/names").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] expected = mean.Parameters.Concat(process.Parameters).Concat(dist.Parameters).Select(p => p.Name).ToArray();
        if (!names.SequenceEqual(expected))
            throw r.Error("parameters/names", $"are [{string.Join(", ", names)}] but a {meanName}/{processName}/{distName} model has [{string.Join(", ", expected)}].");
        double[] theta = r.Doubles("parameters/values", expected.Length);
        double[] returns = r.Doubles("returns");
        double backcast = r.Real("backcast");
        string Values() => "[" + string.Join(", ", expected.Select((n, i) => $"{n} = {theta[i]}")) + "]";
        int converged = r.Int("fit/converged", 0, 1);
        var report = new ConvergenceReport(converged == 1, r.Int("fit/iterations", 0), r.Int("fit/gradient_evaluations", 0),
            r.Real("fit/gradient_norm", finite: false), r.Text("fit/message"));
        double[] se = r.Doubles("fit/standard_errors", expected.Length, finite: false);
        double[] robust = r.Doubles("fit/robust_standard_errors", expected.Length, finite: false);
        bool seAvailable = r.Bool("fit/standard_errors_available");
        double storedLogLikelihood = r.Real("fit/log_likelihood");
        ArchModel model;
        double logLikelihood;
        try
        {
            model = ArchModel.Create(returns, mean, process, dist);
            // Stationarity and the other constraints of the process, then the distribution's (through a finite likelihood).
            if (!process.IsFeasible(theta.AsSpan(mean.ParameterCount, process.ParameterCount)))
                throw new ArgumentException($"Parameters are not admissible for this model ({processName} constraints: positive variance parameters, stationarity).");
            logLikelihood = model.LogLikelihood(theta);
            if (!double.IsFinite(logLikelihood)) throw new ArgumentException("Parameters are not admissible for this model (log-likelihood is not finite).");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException or MathNet.Numerics.NonConvergenceException)
        {
            throw r.Error($"the stored parameters and returns do not form a valid model: {e.Message} (parameters/values {Values()})");
        }
        // Restore path: one filter pass, the stored estimation summary, no re-estimation and no Hessian.
        ArchFitResult result = model.Restore(theta, storedLogLikelihood, report, seAvailable, se, robust);
        if (!Close(result.Backcast, backcast, 1e-9))
            throw r.Error("backcast", $"= {backcast} but the stored returns and parameters give {result.Backcast}: the file is inconsistent.");
        if (!Close(logLikelihood, storedLogLikelihood, 1e-8))
            throw r.Error("fit/log_likelihood", $"= {storedLogLikelihood} but the stored returns and parameters/values {Values()} give {logLikelihood}: the file is inconsistent.");
        ArchForecast next;
        try { next = result.Forecast(1); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            throw r.Error($"the restored model cannot forecast: {e.Message}");
        }
        if (!double.IsFinite(next.ResidualVariance[0]) || !(next.ResidualVariance[0] > 0) || !double.IsFinite(next.Mean[0]))
            throw r.Error("parameters/values", $"{Values()} forecast a variance of {next.ResidualVariance[0]} and a mean of {next.Mean[0]}: forecasts must be finite.");
        return new StoredArchFit(result, report, storedLogLikelihood, seAvailable, ToDictionary(expected, se), ToDictionary(expected, robust));
    }

    private static IReadOnlyDictionary<string, double> ToDictionary(string[] names, double[] values)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) d[names[i]] = values[i];
        return d.AsReadOnly();
    }

    private static bool Close(double a, double b, double relative) =>
        a == b || Math.Abs(a - b) <= relative * Math.Max(1e-300, Math.Max(Math.Abs(a), Math.Abs(b)));

    // ----------------------------------------------------------------------------------------------------------------
    // SsaForecaster
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The SSA forecaster as an archive (kind <see cref="ModelKinds.SsaForecaster"/>, layout version 2): the options, the
    /// observation buffer the forecaster forecasts from (the last max(N, 2L-2) observations) with its counters, and the estimated
    /// subspace (eigenvalues, the L x r basis, the recurrence, ν², the residual spread), so loading needs no refit.
    /// </summary>
    /// <param name="model">The forecaster.</param>
    public static ModelArchive ToArchive(SsaForecaster model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToArchive();
    }

    /// <summary>
    /// As <see cref="ToArchive(SsaForecaster)"/>, after checking that <paramref name="series"/> is the series the forecaster was
    /// fitted on (kept from layout version 1, which stored the series; the series is no longer stored).
    /// </summary>
    /// <param name="model">The forecaster.</param>
    /// <param name="series">The series the forecaster was fitted on (checked: refitting must reproduce the forecaster exactly).</param>
    /// <exception cref="ArgumentException"><paramref name="series"/> does not reproduce <paramref name="model"/>.</exception>
    public static ModelArchive ToArchive(SsaForecaster model, ReadOnlySpan<double> series)
    {
        ArgumentNullException.ThrowIfNull(model);
        SsaForecaster refit;
        try { refit = SsaForecaster.Fit(series, model.Options); }
        catch (ArgumentException ex) { throw new ArgumentException("series cannot be the series this forecaster was fitted on: " + ex.Message, nameof(series), ex); }
        SsaForecast f = model.Forecast(), g = refit.Forecast();
        if (refit.ObservationCount != model.ObservationCount || !refit.SingularValues.SequenceEqual(model.SingularValues)
            || !refit.RecurrenceCoefficients.SequenceEqual(model.RecurrenceCoefficients) || !f.Values.SequenceEqual(g.Values)
            || !f.UpperBounds.SequenceEqual(g.UpperBounds))
            throw new ArgumentException("series is not the series this forecaster was fitted on (refitting it gives a different forecaster).", nameof(series));
        return model.ToArchive();
    }

    /// <summary>Saves an SSA forecaster atomically (see <see cref="ToArchive(SsaForecaster)"/>).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The forecaster.</param>
    public static void Save(string path, SsaForecaster model) => ModelFile.Save(path, ToArchive(model));

    /// <summary>Saves an SSA forecaster atomically after checking the series (see <see cref="ToArchive(SsaForecaster, ReadOnlySpan{double})"/>).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The forecaster.</param>
    /// <param name="series">The series it was fitted on.</param>
    public static void Save(string path, SsaForecaster model, ReadOnlySpan<double> series) => ModelFile.Save(path, ToArchive(model, series));

    /// <summary>Loads a forecaster saved by <see cref="Save(string, SsaForecaster)"/> (or by an older version of the library).</summary>
    /// <param name="path">Model file.</param>
    public static SsaForecaster LoadSsaForecaster(string path) => WithPath(path, () => ReadSsaForecaster(ModelFile.Load(path)));

    /// <summary>
    /// Reads a forecaster from an archive of kind <see cref="ModelKinds.SsaForecaster"/>. Layout version 2 holds the subspace:
    /// every entry's size is checked against the window, rank and estimation length before anything is computed, the values
    /// against the model's constraints (non-negative descending eigenvalues, a power-of-two scale, a basis whose recurrence and
    /// ν² &lt; 1 match the stored ones, a non-negative residual spread), and loading costs time and memory linear in the file's
    /// size. Version 1 files (series + options) are refitted and compared with their check values, after checking that the refit
    /// costs at most a fixed multiple of the file's size.
    /// </summary>
    /// <param name="archive">The archive.</param>
    public static SsaForecaster ReadSsaForecaster(ModelArchive archive) => SsaForecaster.FromArchive(archive);

    // ----------------------------------------------------------------------------------------------------------------
    // HarModel
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The HAR fit as an archive (kind <see cref="ModelKinds.HarModel"/>, layout version 2): the options, the sample length, the
    /// log floor and every regression's results (coefficients, standard errors, HAC covariance, R², residuals), so loading needs
    /// neither the proxy nor a refit.
    /// </summary>
    /// <param name="model">The fit.</param>
    public static ModelArchive ToArchive(HarModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToArchive();
    }

    /// <summary>
    /// As <see cref="ToArchive(HarModel)"/>, after checking that <paramref name="proxy"/> is the proxy the model was fitted on
    /// (kept from layout version 1, which stored the proxy; the proxy is no longer stored).
    /// </summary>
    /// <param name="model">The fit.</param>
    /// <param name="proxy">The variance proxy given to <see cref="HarModel.Fit"/> (checked: refitting must reproduce the coefficients exactly).</param>
    /// <exception cref="ArgumentException"><paramref name="proxy"/> does not reproduce <paramref name="model"/>.</exception>
    public static ModelArchive ToArchive(HarModel model, ReadOnlySpan<double> proxy)
    {
        ArgumentNullException.ThrowIfNull(model);
        HarModel refit;
        try { refit = HarModel.Fit(proxy, model.Options); }
        catch (ArgumentException e) { throw new ArgumentException("proxy cannot be the proxy this model was fitted on: " + e.Message, nameof(proxy), e); }
        if (!Coefficients(refit).SequenceEqual(Coefficients(model)) || refit.Floor != model.Floor)
            throw new ArgumentException("proxy is not the proxy this model was fitted on (refitting it gives different coefficients).", nameof(proxy));
        return model.ToArchive();
    }

    private static double[] Coefficients(HarModel m) => m.Regressions.SelectMany(x => x.Coefficients).ToArray();

    /// <summary>Saves a HAR fit atomically (see <see cref="ToArchive(HarModel)"/>).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The fit.</param>
    public static void Save(string path, HarModel model) => ModelFile.Save(path, ToArchive(model));

    /// <summary>Saves a HAR fit atomically after checking the proxy (see <see cref="ToArchive(HarModel, ReadOnlySpan{double})"/>).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="model">The fit.</param>
    /// <param name="proxy">The variance proxy it was fitted on.</param>
    public static void Save(string path, HarModel model, ReadOnlySpan<double> proxy) => ModelFile.Save(path, ToArchive(model, proxy));

    /// <summary>Loads a HAR fit saved by <see cref="Save(string, HarModel)"/> (or by an older version of the library).</summary>
    /// <param name="path">Model file.</param>
    public static HarModel LoadHarModel(string path) => WithPath(path, () => ReadHarModel(ModelFile.Load(path)));

    /// <summary>
    /// Reads a HAR fit from an archive of kind <see cref="ModelKinds.HarModel"/>. Layout version 2 holds the fitted regressions:
    /// their shapes are checked against the options before anything is computed, their values against the model's constraints
    /// (finite coefficients and residuals, non-negative standard errors and variances, a finite log-HAR smearing factor), and
    /// loading costs time and memory linear in the file's size. Version 1 files (proxy + options) are refitted and compared with
    /// their stored coefficients, after checking that the refit costs at most a fixed multiple of the file's size.
    /// </summary>
    /// <param name="archive">The archive.</param>
    public static HarModel ReadHarModel(ModelArchive archive) => HarModel.FromArchive(archive);
}
