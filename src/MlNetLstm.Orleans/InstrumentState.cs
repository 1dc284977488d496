namespace MlNetLstm.Orleans;

/// <summary>Persistent state of an <see cref="InstrumentGrain"/> (stored through Orleans grain storage).</summary>
[GenerateSerializer]
public sealed class InstrumentState
{
    /// <summary>The settings, or null while the default applies and nothing was observed.</summary>
    [Id(0)] public InstrumentSettings? Settings { get; set; }

    /// <summary>Date of the last observation.</summary>
    [Id(1)] public DateOnly? LastDate { get; set; }

    /// <summary>Value of the last observation (to tell a retry from a conflicting observation of the same date).</summary>
    [Id(2)] public double LastValue { get; set; }

    /// <summary>Last price (price input), or null.</summary>
    [Id(3)] public double? LastPrice { get; set; }

    /// <summary>Returns observed so far.</summary>
    [Id(4)] public long Returns { get; set; }

    /// <summary>The most recent returns (at most TrainSize + <see cref="InstrumentGrain.CatchUpSlack"/>), oldest first; the last one has index Returns - 1.</summary>
    [Id(5)] public double[] Recent { get; set; } = [];

    /// <summary>The fitted model in the library's model-file format (versioned, checksummed), or null before the first fit.</summary>
    [Id(6)] public byte[]? Model { get; set; }

    /// <summary>The model's stream state after the last applied return.</summary>
    [Id(7)] public double[]? Stream { get; set; }

    /// <summary>Fits completed.</summary>
    [Id(8)] public int ModelVersion { get; set; }

    /// <summary>End (in returns) of the current model's fitting window.</summary>
    [Id(9)] public long FittedThrough { get; set; }

    /// <summary>Message of the last failed refit.</summary>
    [Id(10)] public string? LastRefitError { get; set; }
}
