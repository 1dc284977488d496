using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Ssa;
using MlNetLstm.Training;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Persistence;

/// <summary>
/// Saves and loads every fitted model of the library in the one versioned, checksummed <see cref="ModelFile"/> format
/// (layout of each kind in src/MlNetLstm/Persistence/FORMAT.md). This class is the single entry point; each kind's reader and
/// writer live beside the type they serve (<c>*.Persistence.cs</c>), and the container (magic, version, checksum, atomic save)
/// is <see cref="ModelFile"/>. Saving is atomic and writes layout version 4 (<see cref="ModelKinds.CurrentVersion"/>). Loading
/// checks the kind, the kind's layout version, every entry's element type and shape (every size is checked against the
/// entries' sizes before anything is copied or computed), value ranges, the model's own constraints and cross-entry
/// consistency, and throws an <see cref="InvalidDataException"/> that names the entry and the problem; it never executes code,
/// never refits (legacy refit-based layouts are bounded) and costs time and memory linear in the file's size.
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
        return RecurrentNetwork.FromArchive(archive, modifierFactory);
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
    public static LstmForecastModel ReadForecastModel(ModelArchive archive) => LstmForecastModel.FromArchive(archive);

    internal static string Describe(RecurrentNetworkSpec s) => RecurrentNetwork.Describe(s);

    // ----------------------------------------------------------------------------------------------------------------
    // CombinedVarianceForecaster (seed ensembles of LSTM volatility forecasters)
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>Most members a combination file may hold.</summary>
    public const int MaxCombinationMembers = SeedEnsembleArchive.MaxStoredMembers;

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
        return SeedEnsembleArchive.ToArchive(model);
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
    public static CombinedVarianceForecaster ReadCombinedForecaster(ModelArchive archive) => SeedEnsembleArchive.FromArchive(archive);

    // ----------------------------------------------------------------------------------------------------------------
    // LstmVolatilityForecaster
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>The fitted LSTM volatility forecaster as an archive (kind <see cref="ModelKinds.LstmVolatilityForecaster"/>).</summary>
    /// <param name="model">The fitted forecaster.</param>
    public static ModelArchive ToArchive(LstmVolatilityForecaster model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToArchive();
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
    public static LstmVolatilityForecaster ReadVolatilityForecaster(ModelArchive archive) => LstmVolatilityForecaster.FromArchive(archive);

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
        return fit.ToArchive();
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
        var s = ArchFitResult.FromArchive(archive);
        return new StoredArchFit(s.Result, s.Convergence, s.LogLikelihood, s.StandardErrorsAvailable, s.StandardErrors, s.RobustStandardErrors);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // SsaForecaster
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The SSA forecaster as an archive (kind <see cref="ModelKinds.SsaForecaster"/>, layout version 4): the options, the
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
    /// Reads a forecaster from an archive of kind <see cref="ModelKinds.SsaForecaster"/>. Layout version 4 holds the subspace:
    /// every entry's size is checked against the window, rank and estimation length before anything is computed, the values
    /// against the model's constraints (non-negative descending eigenvalues, a power-of-two scale, a basis whose recurrence and
    /// ν² &lt; 1 match the stored ones, a non-negative residual spread), and loading costs time and memory linear in the file's
    /// size. Version 1 files (series + options) are refitted and compared with their check values, after checking that the refit
    /// costs at most a fixed multiple of the file's size (see the overload with <c>allowUnboundedLegacyRefit</c>).
    /// </summary>
    /// <param name="archive">The archive.</param>
    public static SsaForecaster ReadSsaForecaster(ModelArchive archive) => SsaForecaster.FromArchive(archive);

    /// <summary>
    /// As <see cref="ReadSsaForecaster(ModelArchive)"/>; with <paramref name="allowUnboundedLegacyRefit"/> a layout-1 file is refitted
    /// whatever the refit costs (for a file you trust that exceeds the work bound; save it again to store its fitted state).
    /// </summary>
    /// <param name="archive">The archive.</param>
    /// <param name="allowUnboundedLegacyRefit">Refit a layout-1 file even when the refit exceeds the work bound of FORMAT.md, section 2.</param>
    public static SsaForecaster ReadSsaForecaster(ModelArchive archive, bool allowUnboundedLegacyRefit) => SsaForecaster.FromArchive(archive, allowUnboundedLegacyRefit);

    // ----------------------------------------------------------------------------------------------------------------
    // HarModel
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The HAR fit as an archive (kind <see cref="ModelKinds.HarModel"/>, layout version 4): the options, the sample length, the
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
    /// Reads a HAR fit from an archive of kind <see cref="ModelKinds.HarModel"/>. Layout version 4 holds the fitted regressions:
    /// their shapes are checked against the options before anything is computed, their values against the model's constraints
    /// (finite coefficients and residuals, non-negative standard errors and variances, a finite log-HAR smearing factor), and
    /// loading costs time and memory linear in the file's size. Version 1 files (proxy + options) are refitted and compared with
    /// their stored coefficients, after checking that the refit costs at most a fixed multiple of the file's size.
    /// </summary>
    /// <param name="archive">The archive.</param>
    public static HarModel ReadHarModel(ModelArchive archive) => HarModel.FromArchive(archive);

    /// <summary>
    /// As <see cref="ReadHarModel(ModelArchive)"/>; with <paramref name="allowUnboundedLegacyRefit"/> a layout-1 file is refitted
    /// whatever the refit costs (for a file you trust that exceeds the work bound; save it again to store its fitted state).
    /// </summary>
    /// <param name="archive">The archive.</param>
    /// <param name="allowUnboundedLegacyRefit">Refit a layout-1 file even when the refit exceeds the work bound of FORMAT.md, section 2.</param>
    public static HarModel ReadHarModel(ModelArchive archive, bool allowUnboundedLegacyRefit) => HarModel.FromArchive(archive, allowUnboundedLegacyRefit);
}
