namespace MlNetLstm.Orleans;

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
