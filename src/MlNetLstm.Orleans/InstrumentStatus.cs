namespace MlNetLstm.Orleans;

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
