using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// An ARCH-type model specification (<see cref="ArchSpecification"/>: mean + volatility process + distribution, any of them
/// user-defined, GARCH(p, o, q) included) as an <see cref="IVarianceModel"/> for walk-forward evaluation. Fitting is maximum
/// likelihood of <see cref="ArchSpecification.Create"/> on the window (<see cref="ArchModel.Fit"/>); forecasting filters the
/// whole history with the fitted parameters and returns the return-variance path of
/// <see cref="ArchFitResult.Forecast(ReadOnlySpan{double}, int, ForecastOptions?)"/> (analytic where the process has one,
/// seeded simulation otherwise). A fit that does not converge is still used (its parameters are the best found);
/// <see cref="ArchVarianceForecaster.Fit"/> exposes the convergence report.
/// </summary>
public sealed class ArchVarianceModel : IVarianceModel
{
    /// <summary>Creates the adapter from short names (each in the text form of <see cref="ArchSpecification"/>).</summary>
    /// <param name="name">Name in reports.</param>
    /// <param name="mean">Mean model ("zero", "constant", "ar(p)" or "arP", or a registered name).</param>
    /// <param name="volatility">Process ("garch", "garch(p,q)", "gjr", "gjr(p,o,q)", "egarch", "ewma", "constant", or a registered name).</param>
    /// <param name="distribution">Distribution ("normal", "t", "skewt", "ged", or a registered name).</param>
    /// <param name="options">Fit options (null for the defaults).</param>
    /// <exception cref="ArgumentException">A blank name or an unknown part (named in the message).</exception>
    public ArchVarianceModel(string name, string mean = "constant", string volatility = "garch", string distribution = "normal", ArchFitOptions? options = null)
        : this(name, new ArchSpecification(Arch.ParseMean(mean), Arch.ParseVolatility(volatility), Arch.ParseDistribution(distribution)), options)
    {
        // The names are parsed now, so a typo fails at construction rather than inside a backtest.
        MeanName = mean; VolatilityName = volatility; DistributionName = distribution;
    }

    /// <summary>Creates the adapter for a specification.</summary>
    /// <param name="name">Name in reports.</param>
    /// <param name="specification">Mean, process and distribution.</param>
    /// <param name="options">Fit options (null for the defaults).</param>
    /// <exception cref="ArgumentException">A blank name or invalid options.</exception>
    public ArchVarianceModel(string name, ArchSpecification specification, ArchFitOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specification);
        options?.Validate();
        Name = name; Specification = specification; Options = options;
        MeanName = specification.Mean.Name; VolatilityName = specification.Volatility.Name; DistributionName = specification.Distribution.Name;
    }

    /// <summary>
    /// The model of a text specification (<see cref="ArchSpecification.Parse"/>, for example <c>garch(2,1)</c> or
    /// <c>gjr(1,1,1)-t</c>), named by the text as given (trimmed).
    /// </summary>
    /// <param name="specification">The text form.</param>
    /// <param name="options">Fit options (null for the defaults).</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The text is not a valid specification; the message names the bad token.</exception>
    public static ArchVarianceModel Parse(string specification, ArchFitOptions? options = null) =>
        new(specification?.Trim() ?? throw new ArgumentNullException(nameof(specification)), ArchSpecification.Parse(specification), options);

    /// <summary>Constant-mean GARCH(1,1) with Normal errors, named "garch".</summary>
    /// <returns>The model.</returns>
    public static ArchVarianceModel Garch() => new("garch", "constant", "garch", "normal");

    /// <summary>Constant-mean GJR-GARCH(1,1,1) with Normal errors, named "gjr".</summary>
    /// <returns>The model.</returns>
    public static ArchVarianceModel Gjr() => new("gjr", "constant", "gjr", "normal");

    /// <summary>Constant-mean EGARCH(1,1) with Normal errors, named "egarch".</summary>
    /// <returns>The model.</returns>
    public static ArchVarianceModel Egarch() => new("egarch", "constant", "egarch", "normal");

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The specification fitted on every window.</summary>
    public ArchSpecification Specification { get; }

    /// <summary>Mean model short name (as given to the name-based constructor, else the part's <see cref="Mean.MeanModel.Name"/>).</summary>
    public string MeanName { get; }

    /// <summary>Volatility process short name (as given, else the part's <see cref="Processes.VolatilityProcess.Name"/>).</summary>
    public string VolatilityName { get; }

    /// <summary>Distribution short name (as given, else the part's <see cref="Distributions.ErrorDistribution.Name"/>).</summary>
    public string DistributionName { get; }

    /// <summary>Fit options (null: defaults).</summary>
    public ArchFitOptions? Options { get; }

    /// <inheritdoc />
    IFittedVarianceModel IVarianceModel.Fit(ReadOnlySpan<double> returns) => Fit(returns);

    /// <summary>Fits the specification by maximum likelihood.</summary>
    /// <param name="returns">Returns, oldest first.</param>
    /// <returns>The fitted forecaster.</returns>
    public ArchVarianceForecaster Fit(ReadOnlySpan<double> returns) => new(Specification.Create(returns).Fit(Options));
}
