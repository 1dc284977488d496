namespace MlNetLstm.Orleans;

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
