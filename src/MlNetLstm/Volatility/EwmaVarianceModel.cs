using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// RiskMetrics EWMA variance as an <see cref="IVarianceModel"/> named "ewma": <c>h_{t+1} = λ h_t + (1 - λ) r_t²</c>,
/// started at the mean of r² over the first min(n, <see cref="SeedLength"/>) returns of the history; flat multi-step forecasts.
/// Nothing is estimated (λ is fixed), so fitting only records λ. <see cref="RiskMetrics"/> compares the start values of the
/// library's EWMA implementations.
/// </summary>
public sealed class EwmaVarianceModel : IVarianceModel, IFittedVarianceModel
{
    /// <summary>RiskMetrics daily decay.</summary>
    public const double DefaultLambda = RiskMetrics.Lambda;

    /// <summary>Returns used for the starting variance.</summary>
    public const int SeedLength = 30;

    /// <summary>Creates the model.</summary>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <param name="name">Name in reports.</param>
    public EwmaVarianceModel(double lambda = DefaultLambda, string name = "ewma")
    {
        if (!(lambda > 0 && lambda < 1)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be in (0, 1).");
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
        int seed = Math.Min(history.Length, SeedLength);
        double h = 0;
        for (int t = 0; t < seed; t++)
        {
            if (!double.IsFinite(history[t])) throw new ArgumentException($"history[{t}] is {history[t]}; returns must be finite.", nameof(history));
            h += history[t] * history[t];
        }
        h /= seed;
        for (int t = 0; t < history.Length; t++)
        {
            double r = history[t];
            if (!double.IsFinite(r)) throw new ArgumentException($"history[{t}] is {r}; returns must be finite.", nameof(history));
            h = Lambda * h + (1 - Lambda) * r * r;
        }
        if (!(h > 0)) h = double.Epsilon; // an all-zero history: the smallest positive variance, never 0 or NaN
        var result = new double[horizon];
        Array.Fill(result, h);
        return result;
    }
}
