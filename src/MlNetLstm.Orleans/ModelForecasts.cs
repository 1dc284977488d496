namespace MlNetLstm.Orleans;

/// <summary>One model's out-of-sample forecasts in a <see cref="SeriesBacktestResult"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelForecasts
{
    /// <summary>Model name.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>The evaluated h-step variance forecasts, one per origin.</summary>
    [Id(1)] public double[] Forecasts { get; init; } = [];

    /// <summary>Seconds spent fitting on the silo.</summary>
    [Id(2)] public double FitSeconds { get; init; }
}
