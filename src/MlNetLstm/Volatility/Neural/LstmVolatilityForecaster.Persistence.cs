using MlNetLstm.Models;
using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Volatility.Neural;

// Model-file reader and writer of LstmVolatilityForecaster (kind "MlNetLstm.LstmVolatilityForecaster"; layout in
// src/MlNetLstm/Persistence/FORMAT.md).
public sealed partial class LstmVolatilityForecaster
{
    /// <summary>Model-file kind.</summary>
    internal const string ArchiveKind = "MlNetLstm.LstmVolatilityForecaster";

    /// <summary>
    /// Layout version written: 4 (enums by name). 2 added the GARCH input and exogenous standardisation, 3 the number of direct
    /// heads and the training loss; files of versions 1 to 3 still load with what they meant.
    /// </summary>
    internal const int ArchiveVersion = ArchiveReader.CurrentLayoutVersion;

    /// <summary>The fitted forecaster as an archive (kind "MlNetLstm.LstmVolatilityForecaster", layout version 4).</summary>
#pragma warning disable CS0618 // files name the loss with the replaced VolatilityLoss (by name from layout 4, by ordinal before)
    private static Loss ReadLoss(ArchiveReader s, int version) => s.Enum<VolatilityLoss>("loss", version).ToLoss();
#pragma warning restore CS0618

    internal ModelArchive ToArchive()
    {
        LstmVolatilityForecaster model = this;
        LstmVolatilityOptions o = model.Options;
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.AddText("name", model.Name);
        b.AddScalar("options/garch_feature", o.GarchFeature ? 1 : 0);
        b.AddText("options/anchor", o.Anchor.ToString());
        b.AddScalar("options/horizons", o.Horizons);
        b.AddText("options/loss", o.LossFunction.ToString()); // "Qlike" or "GaussianNll": the VolatilityLoss names, which Loss keeps
        // Added after layout 4 shipped, as optional keys: files without them mean AbsoluteShock and no asymmetric input.
        b.AddText("options/regime_form", o.RegimeForm.ToString());
        b.AddScalar("options/asymmetric_input", o.AsymmetricInput ? 1 : 0);
        // Optional keys (issue 19): the shrinkage option and the fitted weight w, the anchor a Selected model chose, the selection scores.
        b.AddText("options/shrinkage", o.Shrinkage.ToString());
        b.AddScalar("inputs/correction_weight", model.CorrectionWeight);
        LstmVolatilityInputs inputs = model.Inputs;
        if (o.Anchor == VolatilityAnchor.Selected) b.AddText("inputs/anchor", inputs.Anchor.ToString());
        if (model.Training.AnchorValidationQlike.Count > 0) b.Add("training/anchor_validation_qlike", model.Training.AnchorValidationQlike.ToArray());
        if (model.Training.ShrinkageValidationQlike.Count > 0) b.Add("training/shrinkage_validation_qlike", model.Training.ShrinkageValidationQlike.ToArray());
        b.AddScalar("inputs/exogenous_count", inputs.ExogenousNames.Count);
        if (inputs.ExogenousNames.Count > 0)
        {
            b.AddText("inputs/exogenous_names", string.Join("\n", inputs.ExogenousNames));
            b.Add("inputs/exogenous_means", inputs.ExogenousMeans.ToArray());
            b.Add("inputs/exogenous_scales", inputs.ExogenousScales.ToArray());
        }
        if (inputs.Garch is { } g)
            b.Add("inputs/garch", inputs.Anchor == VolatilityAnchor.Gjr ? new[] { g.Mu, g.Omega, g.Alpha, g.Beta, g.Backcast, g.Gamma } : new[] { g.Mu, g.Omega, g.Alpha, g.Beta, g.Backcast });
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
        b.AddScalar("options/gradient_clip", o.GradientClipNorm);
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

    /// <summary>Reads a forecaster of layout version 1 to 4 (see <see cref="Persistence.ModelSerializer.ReadVolatilityForecaster"/>).</summary>
    internal static LstmVolatilityForecaster FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, 2, 3, ArchiveVersion);
        bool v2 = version >= 2, v3 = version >= 3;
        var r = new ArchiveReader(archive);
        string name = r.Text("name", ModelFile.MaxNameBytes);
        if (string.IsNullOrWhiteSpace(name)) throw r.Error("name", "is empty.");
        ArchiveReader s = r.Sub("options/");
        var o = new LstmVolatilityOptions
        {
            RegimeAdaptive = s.Bool("regime_adaptive"), HiddenSize = s.Int("hidden_size"), SequenceLength = s.Int("sequence_length"),
            BurnIn = s.Int("burn_in"), ContextLength = s.Int("context_length"), Epochs = s.Int("epochs"), BatchSize = s.Int("batch_size"),
            Patience = s.Int("patience"), Seed = s.Int("seed"), Threads = s.Int("threads"),
            LearningRate = (float)s.Real("learning_rate"), WeightDecay = (float)s.Real("weight_decay"), GradientClipNorm = (float)s.Real("gradient_clip"),
            ValidationFraction = s.Real("validation_fraction"), EwmaLambda = s.Real("ewma_lambda"), InitialBeta = (float)s.Real("initial_beta"),
            CorrectionBound = (float)s.Real("correction_bound"), GarchFeature = v2 && s.Bool("garch_feature"),
            Anchor = v2 ? s.Enum<VolatilityAnchor>("anchor", version) : VolatilityAnchor.Ewma,
            // Versions 1 and 2 had one head trained with QLIKE (literal values: what those files meant, whatever the defaults become).
            Horizons = v3 ? s.Int("horizons") : 1,
            LossFunction = v3 ? ReadLoss(s, version) : Loss.Qlike,
            // Optional keys (absent from files written before they existed: the original |u_t| term, no asymmetric input).
            RegimeForm = s.Contains("regime_form") ? s.EnumName<RegimeTermForm>("regime_form") : RegimeTermForm.AbsoluteShock,
            AsymmetricInput = s.Contains("asymmetric_input") && s.Bool("asymmetric_input"),
            Shrinkage = s.Contains("shrinkage") ? s.EnumName<CorrectionShrinkage>("shrinkage") : CorrectionShrinkage.None,
        };
        if (version < ArchiveVersion && o.Anchor > VolatilityAnchor.Blend)
            throw r.Error("options/anchor", $"= {o.Anchor} did not exist in layout {version} (Ewma, Garch or Blend).");
        // The anchor the transform uses: the stored one, or the one a Selected model chose on its window (inputs/anchor).
        VolatilityAnchor anchor = o.Anchor;
        if (o.Anchor == VolatilityAnchor.Selected)
        {
            anchor = r.EnumName<VolatilityAnchor>("inputs/anchor");
            if (anchor is not (VolatilityAnchor.Ewma or VolatilityAnchor.Garch or VolatilityAnchor.Gjr))
                throw r.Error("inputs/anchor", $"= {anchor} is not a candidate of the Selected anchor (Ewma, Garch, Gjr).");
        }
        else if (r.Contains("inputs/anchor")) throw r.Error("inputs/anchor", $"is present but options/anchor is {o.Anchor}, not Selected.");
        double correctionWeight = r.Contains("inputs/correction_weight") ? r.Real("inputs/correction_weight") : 1;
        if (!(correctionWeight >= 0 && correctionWeight <= 1)) throw r.Error("inputs/correction_weight", $"= {correctionWeight} must be in [0, 1].");
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
            if (o.GarchFeature || anchor != VolatilityAnchor.Ewma)
            {
                bool gjr = anchor == VolatilityAnchor.Gjr;
                double[] g = r.Doubles("inputs/garch", gjr ? 6 : 5);
                CheckGarchInput(r, g);
                garch = new GarchFeatureParameters(g[0], g[1], g[2], g[3], g[4], gjr ? g[5] : 0);
            }
            else if (r.Contains("inputs/garch")) throw r.Error("inputs/garch", "is present but neither options/garch_feature nor the GARCH anchor asks for it.");
        }
        LstmVolatilityInputs inputs;
        try { inputs = new LstmVolatilityInputs(scale, o.EwmaLambda, anchor, garch, exogNames, exogMeans, exogScales, o.RegimeForm, o.AsymmetricInput); }
        catch (ArgumentException e) { throw r.Error("the stored input transform is invalid: " + e.Message); }
        RecurrentNetwork net = RecurrentNetwork.ReadFrom(r.Sub("network/"), version, null);
        RecurrentNetworkSpec want = LstmVolatilityModel.CreateSpec(o, inputs.InputSize), got = net.Spec;
        bool modifierOk = want.ForgetGateModifier is null
            ? got.ForgetGateModifier is null
            : got.ForgetGateModifier?.GetType() == want.ForgetGateModifier.GetType() && got.ExtraInputSize == want.ExtraInputSize;
        if (got with { ForgetGateModifier = null } != want with { ForgetGateModifier = null } || !modifierOk)
            throw r.Error($"the stored network ({RecurrentNetwork.Describe(got)}) does not match the stored options ({RecurrentNetwork.Describe(want)}).");
        int bestEpoch = r.Int("training/best_epoch", 0);
        double seconds = r.Real("training/seconds");
        var summary = new LstmTrainingSummary(r.Doubles("training/train_loss", finite: false), r.Doubles("training/validation_loss", finite: false),
            bestEpoch, r.Text("training/stop_reason"), seconds)
        {
            AnchorValidationQlike = r.Contains("training/anchor_validation_qlike") ? r.Doubles("training/anchor_validation_qlike", LstmVolatilityInputs.SelectionCandidates.Count, finite: false) : [],
            ShrinkageValidationQlike = r.Contains("training/shrinkage_validation_qlike") ? r.Doubles("training/shrinkage_validation_qlike", LstmVolatilityOptions.ShrinkageGrid.Count, finite: false) : [],
        };
        return new LstmVolatilityForecaster(name, o, net, inputs, summary, correctionWeight);
    }

    /// <summary>Largest accepted omega, backcast and |mu| of the GARCH input in scaled units (smallest backcast: its inverse).</summary>
    private const double MaxScaledGarchVariance = 1e6;

    /// <summary>
    /// The GARCH(1,1) input [mu, omega, alpha, beta, backcast] (GJR: [..., gamma]) is fitted on returns scaled to mean square 1: it
    /// must be stationary (alpha + gamma / 2 + beta &lt; 1, as the estimator enforces; alpha + gamma &gt;= 0), and omega (a lower bound of
    /// every conditional variance), the backcast (the mean squared residual) and |mu| must be within a factor 1e6 of that unit scale.
    /// </summary>
    private static void CheckGarchInput(ArchiveReader r, double[] g)
    {
        double gamma = g.Length > 5 ? g[5] : 0;
        string values = $"[mu = {g[0]}, omega = {g[1]}, alpha = {g[2]}, beta = {g[3]}, backcast = {g[4]}" + (g.Length > 5 ? $", gamma = {gamma}]" : "]");
        if (!(g[1] > 0) || !(g[2] >= 0) || !(g[3] >= 0) || !(g[2] + gamma >= 0))
            throw r.Error("inputs/garch", $"{values}: omega must be positive, alpha and beta non-negative, alpha + gamma non-negative.");
        if (!(g[2] + 0.5 * gamma + g[3] < 1))
            throw r.Error("inputs/garch", $"{values} is not stationary (alpha + gamma / 2 + beta = {g[2] + 0.5 * gamma + g[3]} must be below 1).");
        if (!(g[1] <= MaxScaledGarchVariance) || !(g[4] <= MaxScaledGarchVariance && g[4] >= 1 / MaxScaledGarchVariance) || !(Math.Abs(g[0]) <= MaxScaledGarchVariance))
            throw r.Error("inputs/garch", $"{values} is not a fit of returns scaled to mean square 1: omega and |mu| must be at most {MaxScaledGarchVariance}, the backcast within a factor {MaxScaledGarchVariance} of 1.");
    }
}
