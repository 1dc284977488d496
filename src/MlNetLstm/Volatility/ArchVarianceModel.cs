using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// A GARCH-family model (mean + volatility process + distribution, by short name as in <see cref="Arch.Create"/>) as an
/// <see cref="IVarianceModel"/> for walk-forward evaluation. Fitting is maximum likelihood (<see cref="ArchModel.Fit"/>);
/// forecasting filters the whole history with the fitted parameters and returns the return-variance path of
/// <see cref="ArchFitResult.Forecast(ReadOnlySpan{double}, int, ForecastOptions?)"/> (analytic where the process has one,
/// seeded simulation otherwise). A fit that does not converge is still used (its parameters are the best found);
/// <see cref="ArchVarianceForecaster.Fit"/> exposes the convergence report.
/// </summary>
public sealed class ArchVarianceModel : IVarianceModel
{
    /// <summary>Creates the adapter.</summary>
    /// <param name="name">Name in reports.</param>
    /// <param name="mean">Mean model short name ("zero", "constant", "arP").</param>
    /// <param name="volatility">Process short name ("garch", "gjr", "egarch", "ewma", "constant").</param>
    /// <param name="distribution">Distribution short name ("normal", "t", "skewt", "ged").</param>
    /// <param name="options">Fit options (null for the defaults).</param>
    public ArchVarianceModel(string name, string mean = "constant", string volatility = "garch", string distribution = "normal", ArchFitOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Validate the names now, so a typo fails at construction rather than inside a backtest.
        _ = Arch.ParseMean(mean);
        _ = Arch.ParseVolatility(volatility);
        _ = Arch.ParseDistribution(distribution);
        options?.Validate();
        Name = name; MeanName = mean; VolatilityName = volatility; DistributionName = distribution; Options = options;
    }

    /// <summary>Constant-mean GARCH(1,1) with Normal errors, named "garch".</summary>
    public static ArchVarianceModel Garch() => new("garch", "constant", "garch", "normal");

    /// <summary>Constant-mean GJR-GARCH(1,1,1) with Normal errors, named "gjr".</summary>
    public static ArchVarianceModel Gjr() => new("gjr", "constant", "gjr", "normal");

    /// <summary>Constant-mean EGARCH(1,1) with Normal errors, named "egarch".</summary>
    public static ArchVarianceModel Egarch() => new("egarch", "constant", "egarch", "normal");

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Mean model short name.</summary>
    public string MeanName { get; }

    /// <summary>Volatility process short name.</summary>
    public string VolatilityName { get; }

    /// <summary>Distribution short name.</summary>
    public string DistributionName { get; }

    /// <summary>Fit options (null: defaults).</summary>
    public ArchFitOptions? Options { get; }

    /// <inheritdoc />
    IFittedVarianceModel IVarianceModel.Fit(ReadOnlySpan<double> returns) => Fit(returns);

    /// <summary>Fits the model by maximum likelihood.</summary>
    /// <param name="returns">Returns, oldest first.</param>
    public ArchVarianceForecaster Fit(ReadOnlySpan<double> returns)
    {
        ArchModel model = Arch.Create(returns, MeanName, VolatilityName, DistributionName);
        return new ArchVarianceForecaster(model.Fit(Options));
    }
}

/// <summary>A fitted <see cref="ArchVarianceModel"/>: immutable and thread-safe.</summary>
public sealed class ArchVarianceForecaster : IFittedVarianceModel
{
    internal ArchVarianceForecaster(ArchFitResult fit) => Fit = fit;

    /// <summary>The maximum-likelihood fit (parameters, standard errors, convergence report).</summary>
    public ArchFitResult Fit { get; }

    /// <inheritdoc />
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        return Fit.Forecast(history, horizon).ReturnVariance.ToArray();
    }
}

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
