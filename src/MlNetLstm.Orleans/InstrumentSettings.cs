namespace MlNetLstm.Orleans;

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
