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
public sealed class GarchVolatilityTransformer : ITransformer
{
    private readonly double[] _trainingReturns;

    internal GarchVolatilityTransformer(string output, string input, string mean, string volatility, string distribution,
        double[] trainingReturns, ArchFitResult fit)
    {
        OutputColumnName = output;
        InputColumnName = input;
        Mean = mean;
        Volatility = volatility;
        Distribution = distribution;
        _trainingReturns = trainingReturns;
        Fit = fit;
    }

    /// <summary>Output column name.</summary>
    public string OutputColumnName { get; }

    /// <summary>Return column name.</summary>
    public string InputColumnName { get; }

    /// <summary>Mean model name.</summary>
    public string Mean { get; }

    /// <summary>Volatility process name.</summary>
    public string Volatility { get; }

    /// <summary>Distribution name.</summary>
    public string Distribution { get; }

    /// <summary>The core fit (parameters, standard errors, diagnostics).</summary>
    public ArchFitResult Fit { get; }

    internal IReadOnlyList<double> TrainingReturns => _trainingReturns;

    /// <summary>Always false (order-dependent).</summary>
    public bool IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, InputColumnName);
        var b = new DataViewSchema.Builder();
        b.AddColumns(inputSchema);
        b.AddColumn(OutputColumnName, NumberDataViewType.Double);
        return b.ToSchema();
    }

    /// <summary>Not supported: the mapping is order-dependent.</summary>
    /// <param name="inputSchema">Unused.</param>
    /// <returns>Never returns.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => throw new NotSupportedException($"GARCH variance on column '{InputColumnName}' depends on row order.");

    /// <summary>Not supported by ML.NET for third-party transformers; use <see cref="MlNetLstmModel.Save"/>.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException("Save pipelines containing MlNetLstm transformers with MlNetLstmModel.Save (ML.NET issue 4911).");

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SeriesFeatureDataView(input, InputColumnName, OutputColumnName, () => new OnlineGarchForecast(Fit));
    }

    /// <summary>One-step forecast after each observed return (O(t) per update by refiltering the history).</summary>
    internal sealed class OnlineGarchForecast : Features.IOnlineFeature
    {
        private readonly ArchFitResult _fit;
        private readonly List<double> _history = new();

        public OnlineGarchForecast(ArchFitResult fit) => _fit = fit;

        public int Count => _history.Count;

        public bool IsReady => _history.Count > _fit.Model.Mean.Lags;

        public double Update(double x)
        {
            if (!double.IsFinite(x)) throw new ArgumentException($"Return {x} at observation {Count} is not finite.", nameof(x));
            _history.Add(x);
            if (!IsReady) return double.NaN;
            return _fit.Forecast(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_history), 1).ReturnVariance[0];
        }

        public void Reset() => _history.Clear();
    }
}
