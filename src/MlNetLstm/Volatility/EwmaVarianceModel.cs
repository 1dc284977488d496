using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// RiskMetrics EWMA variance as an <see cref="IVarianceModel"/> named "ewma": <c>h_{t+1} = λ h_t + (1 - λ) r_t²</c> over the
/// history, started at the mean of r² over the history (<see cref="RiskMetrics.Forecast"/>, the library's one start rule);
/// flat multi-step forecasts. Nothing is estimated (λ is fixed), so fitting only records λ.
/// </summary>
public sealed class EwmaVarianceModel : IVarianceModel, IFittedVarianceModel
{
    /// <summary>RiskMetrics daily decay.</summary>
    public const double DefaultLambda = RiskMetrics.Lambda;

    /// <summary>Length of the history prefix the start variance was averaged over before the library's EWMA start rule was unified; no longer used.</summary>
    [Obsolete("The EWMA now starts at the mean of r² over the whole history (RiskMetrics.StartVariance); this length is no longer used.")]
    public const int SeedLength = 30;

    /// <summary>Creates the model.</summary>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <param name="name">Name in reports.</param>
    public EwmaVarianceModel(double lambda = DefaultLambda, string name = "ewma")
    {
        RiskMetrics.CheckLambda(lambda, nameof(lambda));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Lambda = lambda; Name = name;
    }

    /// <summary>Decay λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns)
    {
        if (returns.IsEmpty) throw new ArgumentException("returns is empty.", nameof(returns));
        return this;
    }

    /// <inheritdoc />
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        if (history.IsEmpty) throw new ArgumentException("history is empty.", nameof(history));
        double h = RiskMetrics.Forecast(history, Lambda);
        if (!(h > 0)) h = double.Epsilon; // an all-zero history: the smallest positive variance, never 0 or NaN
        var result = new double[horizon];
        Array.Fill(result, h);
        return result;
    }
}
