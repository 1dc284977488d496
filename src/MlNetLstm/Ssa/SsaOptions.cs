namespace MlNetLstm.Ssa;

/// <summary>
/// Options of <see cref="SsaForecaster.Fit"/>, mirroring ML.NET's <c>ForecastBySsa</c>; here every option has an effect.
/// Rank rule: <see cref="Rank"/> if set (fixed), else <see cref="EnergyThreshold"/> if set, else automatic (largest gap
/// in the singular spectrum); <see cref="MaxRank"/> caps the rank in all three cases.
/// </summary>
public sealed class SsaOptions
{
    /// <summary>Window (embedding dimension) L ≥ 2: the length of the lagged vectors. Default 10.</summary>
    public int WindowSize { get; init; } = 10;

    /// <summary>
    /// Series length N: the number of most recent observations whose trajectory matrix (L × (N - L + 1)) is decomposed,
    /// at fit time and at every adaptive re-estimation. Null means all <see cref="TrainSize"/> observations. Must be ≥ 2L.
    /// </summary>
    public int? SeriesLength { get; init; }

    /// <summary>
    /// Number of leading observations used for the initial estimate; the remaining observations given to
    /// <see cref="SsaForecaster.Fit"/> are then fed one by one as online updates (re-estimating only when
    /// <see cref="IsAdaptive"/>). Null means the whole series. Must be ≥ 2L.
    /// </summary>
    public int? TrainSize { get; init; }

    /// <summary>Default number of steps forecast by <see cref="SsaForecaster.Forecast()"/>. Default 1.</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Coverage of the forecast bounds, in (0, 1). Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Fixed rank r (1 ≤ r &lt; L); null selects the rank from the spectrum.</summary>
    public int? Rank { get; init; }

    /// <summary>Upper bound on the rank, 1 ≤ MaxRank &lt; L; null means L - 1.</summary>
    public int? MaxRank { get; init; }

    /// <summary>
    /// Energy rule (used when <see cref="Rank"/> is null): the smallest r whose leading eigenvalues of the lag-covariance
    /// hold at least this share of the total, in (0, 1]. Null (default) uses the automatic rule.
    /// </summary>
    public double? EnergyThreshold { get; init; }

    /// <summary>
    /// Discount δ in (0, 1]: lagged vector j (of K, oldest first) gets weight <c>δ^(K-1-j)</c> in the lag-covariance
    /// <c>C = Σ_j δ^(K-1-j) X_j X_j'</c>, so older observations count less. 1 (default) is classical SSA.
    /// </summary>
    public double DiscountFactor { get; init; } = 1.0;

    /// <summary>
    /// When true, every online update re-estimates the subspace, rank, recurrence and residual spread from the last
    /// N observations (N = <see cref="SeriesLength"/>); when false (default) the subspace stays fixed and updates only
    /// move the forecast state.
    /// </summary>
    public bool IsAdaptive { get; init; }
}
