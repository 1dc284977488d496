namespace MlNetLstm.Volatility;

/// <summary>Options of multi-step forecasts. Defaults are defined here once.</summary>
public sealed record ForecastOptions
{
    /// <summary>The default options.</summary>
    public static ForecastOptions Default { get; } = new();

    /// <summary>Forecast method (default <see cref="ForecastMethod.Auto"/>).</summary>
    public ForecastMethod Method { get; init; } = ForecastMethod.Auto;

    /// <summary>Number of simulated paths for simulation/bootstrap (default 2000).</summary>
    public int Simulations { get; init; } = 2000;

    /// <summary>Random seed for simulation/bootstrap (default 20240601); same seed, same forecast.</summary>
    public int Seed { get; init; } = 20240601;
}
