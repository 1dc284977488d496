namespace MlNetLstm.Orleans;

/// <summary>What a silo returns for one series: the forecasts, from which <see cref="UniverseBacktest.ToReport"/> rebuilds the report.</summary>
[GenerateSerializer, Immutable]
public sealed record SeriesBacktestResult
{
    /// <summary>The series' name.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>Per model, in the request's order.</summary>
    [Id(1)] public ModelForecasts[] Models { get; init; } = [];

    /// <summary>The silo that ran it.</summary>
    [Id(2)] public string Silo { get; init; } = "";

    /// <summary>Wall-clock seconds on the silo.</summary>
    [Id(3)] public double Seconds { get; init; }
}
