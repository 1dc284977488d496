namespace MlNetLstm.Orleans;

/// <summary>Whether an instrument's observations are prices (log returns are taken) or returns.</summary>
public enum ObservationKind
{
    /// <summary>Each observation is a return, in the units the model is fitted on (e.g. percent).</summary>
    Return,

    /// <summary>Each observation is a positive price; the grain turns consecutive prices into percent log returns, 100·ln(p_t / p_{t-1}).</summary>
    Price,
}

/// <summary>Settings of one instrument grain. Immutable once the grain has seen an observation.</summary>
[GenerateSerializer, Immutable]
public sealed record InstrumentSettings
{
    /// <summary>The model (one of garch, gjr, lstm, lstm-regime) and its options. Default: lstm-regime, a 5-seed ensemble.</summary>
    [Id(0)] public ModelSpec Model { get; init; } = new() { Models = ["lstm-regime"], Seeds = DefaultSeeds };

    /// <summary>Prices or returns. Default <see cref="ObservationKind.Return"/>.</summary>
    [Id(1)] public ObservationKind Input { get; init; } = ObservationKind.Return;

    /// <summary>Returns in the fitting window (rolling); the first fit starts once this many returns were seen. Default 1000.</summary>
    [Id(2)] public int TrainSize { get; init; } = 1000;

    /// <summary>Refit every this many returns after the last fit (0: only on request or reminder). Default 250.</summary>
    [Id(3)] public int RefitEvery { get; init; } = 250;

    /// <summary>Refit on this wall-clock period through an Orleans reminder (null: none). Default null.</summary>
    [Id(4)] public TimeSpan? RefitPeriod { get; init; }

    /// <summary>Default networks in the lstm-regime ensemble of a grain.</summary>
    public const int DefaultSeeds = 5;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">An unsupported model, a training window below 30, a negative refit interval, a non-positive reminder period.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        Model.Validate();
        if (Model.Models.Count != 1) throw new ArgumentException($"An instrument grain runs one model; {Model.Models.Count} given.", nameof(Model));
        if (!StreamingModel.StreamableModels.Contains(Model.Models[0]))
            throw new ArgumentException($"Model '{Model.Models[0]}' has no O(1) stream; use one of {string.Join(", ", StreamingModel.StreamableModels)}.", nameof(Model));
        if (TrainSize < 30) throw new ArgumentException($"TrainSize is {TrainSize}; at least 30.", nameof(TrainSize));
        if (RefitEvery < 0) throw new ArgumentException($"RefitEvery is {RefitEvery}; 0 (never) or more.", nameof(RefitEvery));
        if (RefitPeriod is { } p && p <= TimeSpan.Zero) throw new ArgumentException($"RefitPeriod is {p}; it must be positive (Orleans reminders need at least ReminderOptions.MinimumReminderPeriod, one minute by default).", nameof(RefitPeriod));
    }
}

/// <summary>One dated observation (a price or a return, per <see cref="InstrumentSettings.Input"/>).</summary>
/// <param name="Date">The observation's date; dates must increase.</param>
/// <param name="Value">The price or return.</param>
[GenerateSerializer, Immutable]
public readonly record struct Observation([property: Id(0)] DateOnly Date, [property: Id(1)] double Value);

/// <summary>What <see cref="IInstrumentGrain.Observe"/> did.</summary>
[GenerateSerializer, Immutable]
public sealed record ObservationResult
{
    /// <summary>The observation's date.</summary>
    [Id(0)] public DateOnly Date { get; init; }

    /// <summary>True when the observation was applied now; false when its date was already observed (a retry: nothing is applied twice).</summary>
    [Id(1)] public bool Applied { get; init; }

    /// <summary>Returns observed so far.</summary>
    [Id(2)] public long Returns { get; init; }

    /// <summary>The one-step variance forecast after this observation, or null while no model is fitted yet.</summary>
    [Id(3)] public double? NextVariance { get; init; }

    /// <summary>Fits done so far (0 until the first fit completes).</summary>
    [Id(4)] public int ModelVersion { get; init; }
}

/// <summary>State of an instrument grain, for health checks and operators.</summary>
[GenerateSerializer, Immutable]
public sealed record InstrumentStatus
{
    /// <summary>The settings.</summary>
    [Id(0)] public InstrumentSettings Settings { get; init; } = new();

    /// <summary>Date of the last observation, or null.</summary>
    [Id(1)] public DateOnly? LastDate { get; init; }

    /// <summary>Returns observed so far.</summary>
    [Id(2)] public long Returns { get; init; }

    /// <summary>Fits completed so far.</summary>
    [Id(3)] public int ModelVersion { get; init; }

    /// <summary>Index (in returns) of the end of the current model's fitting window.</summary>
    [Id(4)] public long FittedThrough { get; init; }

    /// <summary>True while a refit runs in the background.</summary>
    [Id(5)] public bool RefitRunning { get; init; }

    /// <summary>Size of the current model file in bytes.</summary>
    [Id(6)] public int ModelBytes { get; init; }

    /// <summary>Message of the last failed refit, or null.</summary>
    [Id(7)] public string? LastRefitError { get; init; }

    /// <summary>The silo the grain is active on.</summary>
    [Id(8)] public string Silo { get; init; } = "";
}

/// <summary>
/// One instrument: owns a fitted volatility model and its streaming state, persisted through Orleans grain storage
/// (<see cref="Hosting.StorageName"/>). Keyed by the instrument's name.
/// </summary>
public interface IInstrumentGrain : IGrainWithStringKey
{
    /// <summary>Sets the instrument's settings. Allowed before the first observation; afterwards only the same settings.</summary>
    Task Configure(InstrumentSettings settings);

    /// <summary>
    /// Applies one observation in O(1) and returns the next one-step variance forecast. Idempotent by date: an observation whose
    /// date is not after the last one is not applied again (the same date with a different value is an error). The result is
    /// returned after the state is persisted, so an acknowledged observation is never lost.
    /// </summary>
    Task<ObservationResult> Observe(DateOnly date, double value);

    /// <summary>Applies a batch of observations (dates increasing) with a single storage write; one result per observation.</summary>
    Task<ObservationResult[]> ObserveMany(Observation[] observations);

    /// <summary>Variance forecasts of the next <paramref name="horizon"/> returns (element k-1: step k).</summary>
    Task<double[]> Forecast(int horizon);

    /// <summary>Starts a refit on the last TrainSize returns in the background (observations continue meanwhile); false when one is already running or too few returns were seen.</summary>
    Task<bool> RequestRefit();

    /// <summary>The grain's status.</summary>
    Task<InstrumentStatus> GetStatus();

    /// <summary>Internal: installs a finished background refit (called by the grain itself).</summary>
    Task CompleteRefit(long refitId);
}
