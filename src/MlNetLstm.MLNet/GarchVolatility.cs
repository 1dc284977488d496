using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Volatility;

namespace MlNetLstm.MLNet;

/// <summary>Options of <see cref="GarchVolatilityEstimator"/> (defaults defined once as constants).</summary>
public sealed class GarchVolatilityOptions
{
    /// <summary>Default mean model.</summary>
    public const string DefaultMean = "constant";

    /// <summary>Default volatility process.</summary>
    public const string DefaultVolatility = "garch";

    /// <summary>Default error distribution.</summary>
    public const string DefaultDistribution = "normal";

    /// <summary>Name of the output column: one-step-ahead return variance forecast.</summary>
    public string OutputColumnName { get; set; } = "VarianceForecast";

    /// <summary>Name of the numeric (Double or Single) return column.</summary>
    public string InputColumnName { get; set; } = "Return";

    /// <summary>Mean model ("zero", "constant", "ar1", ... as accepted by <see cref="Arch.ParseMean"/>).</summary>
    public string Mean { get; set; } = DefaultMean;

    /// <summary>Volatility process ("garch", "gjr", "egarch", ... as accepted by <see cref="Arch.ParseVolatility"/>).</summary>
    public string Volatility { get; set; } = DefaultVolatility;

    /// <summary>Error distribution ("normal", "t", "skewt", "ged").</summary>
    public string Distribution { get; set; } = DefaultDistribution;
}

/// <summary>
/// Fits a GARCH-family model (core <see cref="Arch"/>) on the return column of the training data. For GARCH(1,1):
/// <c>r_t = μ + ε_t, ε_t = σ_t z_t, σ²_t = ω + α ε²_{t-1} + β σ²_{t-1}</c>, estimated by maximum likelihood.
/// </summary>
public sealed class GarchVolatilityEstimator : IEstimator<GarchVolatilityTransformer>
{
    private readonly GarchVolatilityOptions _options;

    internal GarchVolatilityEstimator(GarchVolatilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Arch.ParseMean(options.Mean);
        Arch.ParseVolatility(options.Volatility);
        Arch.ParseDistribution(options.Distribution);
        _options = options;
    }

    /// <inheritdoc />
    public GarchVolatilityTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var returns = SchemaChecks.ReadColumn(input, _options.InputColumnName);
        var fit = Arch.Create(returns, _options.Mean, _options.Volatility, _options.Distribution).Fit();
        return new GarchVolatilityTransformer(_options.OutputColumnName, _options.InputColumnName,
            _options.Mean, _options.Volatility, _options.Distribution, returns, fit);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        return SchemaChecks.AddDoubleColumns(inputSchema, _options.OutputColumnName);
    }
}

/// <summary>
/// Fitted GARCH-family model. Transform appends the one-step-ahead return variance forecast
/// <c>σ²_{t+1|t}</c> made after row t from the returns of rows 1..t with the fitted (fixed) parameters
/// (<see cref="ArchFitResult.Forecast(ReadOnlySpan{double}, int, ForecastOptions?)"/>), NaN while fewer than
/// mean-lags + 1 returns were seen. Lazy, order-dependent (sequential cursoring; cost O(t) per row). Immutable.
/// </summary>
public sealed class GarchVolatilityTransformer : SeriesTransformer
{
    private readonly double[] _trainingReturns;

    internal GarchVolatilityTransformer(string output, string input, string mean, string volatility, string distribution,
        double[] trainingReturns, ArchFitResult fit)
        : base(output, input)
    {
        Mean = mean;
        Volatility = volatility;
        Distribution = distribution;
        _trainingReturns = trainingReturns;
        Fit = fit;
    }

    /// <summary>Mean model name.</summary>
    public string Mean { get; }

    /// <summary>Volatility process name.</summary>
    public string Volatility { get; }

    /// <summary>Distribution name.</summary>
    public string Distribution { get; }

    /// <summary>The core fit (parameters, standard errors, diagnostics).</summary>
    public ArchFitResult Fit { get; }

    internal IReadOnlyList<double> TrainingReturns => _trainingReturns;

    private protected override string Description => "GARCH variance";

    /// <inheritdoc />
    public override Features.IOnlineFeature CreateOnlineFeature() =>
        new HistoryForecast(h => Fit.Forecast(h, 1).ReturnVariance[0], Fit.Model.Mean.Lags + 1);
}
