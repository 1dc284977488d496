using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Features;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.MLNet;

/// <summary>Options of <see cref="LstmVolatilityEstimator"/>; the model options' defaults live in <see cref="LstmVolatilityOptions"/>.</summary>
public sealed class LstmVolatilityEstimatorOptions
{
    /// <summary>Name of the output column: one-step-ahead return variance forecast.</summary>
    public string OutputColumnName { get; set; } = "VarianceForecast";

    /// <summary>Name of the numeric (Double or Single) return column.</summary>
    public string InputColumnName { get; set; } = "Return";

    /// <summary>
    /// Numeric columns fed to the LSTM as exogenous inputs (row t's values are known with the return of row t: implied
    /// volatility, volume, sentiment); standardised on the training data. Empty (the default) for returns only.
    /// </summary>
    public string[] ExogenousColumnNames { get; set; } = [];

    /// <summary>Core model options (regime-adaptive by default).</summary>
    public LstmVolatilityOptions Model { get; set; } = new();

    /// <summary>Default <see cref="Seeds"/>: one network, the core library's default.</summary>
    public const int DefaultSeeds = 1;

    /// <summary>
    /// Networks to fit: more than one makes a seed ensemble (<see cref="LstmVolatilityModel.SeedEnsemble"/>: seeds Model.Seed,
    /// Model.Seed + 1, ..., forecasts combined by their geometric mean), Seeds times the training time. <c>mlnetlstm backtest</c>
    /// uses 5: one network's forecasts move with its seed about as much as the LSTM variants differ.
    /// </summary>
    public int Seeds { get; set; } = DefaultSeeds;
}

/// <summary>
/// Trains the regime-adaptive LSTM volatility model (core <see cref="LstmVolatilityModel"/>, "lstm-regime") on the
/// return column (and optional exogenous columns) of the training data. Forecast: <c>h_{t+1} = s² a_{t+1} exp(B tanh(y_t / B))</c>
/// with the anchor a (<see cref="LstmVolatilityOptions.Anchor"/>: by default the geometric mean of the EWMA
/// <c>b_{t+1} = λ b_t + (1 - λ) u_t²</c> and a GARCH(1,1) fitted on the training rows), <c>u = r / s</c>, and the LSTM's
/// log-correction <c>y_t</c> whose forget gate is shifted by <c>-β ⊙ |u_t|</c> in the regime-adaptive variant.
/// </summary>
public sealed class LstmVolatilityEstimator : IEstimator<LstmVolatilityTransformer>
{
    private readonly LstmVolatilityEstimatorOptions _options;

    internal LstmVolatilityEstimator(LstmVolatilityEstimatorOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public LstmVolatilityTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var returns = SchemaChecks.ReadColumn(input, _options.InputColumnName);
        string[] exogNames = _options.ExogenousColumnNames ?? [];
        ExogenousSeries? exogenous = exogNames.Length == 0 ? null
            : ExogenousSeries.FromColumns(exogNames.Select(c => new KeyValuePair<string, double[]>(c, SchemaChecks.ReadColumn(input, c))).ToList());
        if (_options.Seeds < 1)
            throw new ArgumentOutOfRangeException(nameof(LstmVolatilityEstimatorOptions.Seeds), _options.Seeds, "LstmVolatilityEstimatorOptions.Seeds must be at least 1.");
        IFittedVarianceModel fitted = _options.Seeds == 1
            ? new LstmVolatilityModel(_options.Model).Fit(returns, exogenous)
            : LstmVolatilityModel.SeedEnsemble(_options.Model, _options.Seeds).Fit(returns, exogenous);
        return new LstmVolatilityTransformer(_options.OutputColumnName, _options.InputColumnName, fitted);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        foreach (string c in _options.ExogenousColumnNames ?? []) SchemaChecks.RequireNumericColumn(inputSchema, c);
        return SchemaChecks.AddDoubleColumns(inputSchema, _options.OutputColumnName);
    }
}

/// <summary>
/// Fitted LSTM volatility forecaster. Transform appends the one-step-ahead variance forecast made after row t from
/// the returns (and exogenous columns, <see cref="SeriesTransformer.ExogenousColumnNames"/>, which are the forecaster's
/// <see cref="LstmVolatilityForecaster.ExogenousNames"/>) of rows 1..t
/// (<see cref="LstmVolatilityForecaster.ForecastVariance(ReadOnlySpan{double}, ExogenousSeries, int)"/>). Lazy,
/// order-dependent (sequential cursoring). Immutable.
/// </summary>
public sealed class LstmVolatilityTransformer : SeriesTransformer
{
    private readonly IFittedVarianceModel _fitted;

    /// <param name="output">Output column.</param>
    /// <param name="input">Return column.</param>
    /// <param name="fitted">An <see cref="LstmVolatilityForecaster"/>, or a <see cref="CombinedVarianceForecaster"/> of them (a seed ensemble).</param>
    internal LstmVolatilityTransformer(string output, string input, IFittedVarianceModel fitted)
        : base(output, input, MembersOf(fitted)[0].ExogenousNames)
    {
        _fitted = fitted;
        Members = MembersOf(fitted);
    }

    private static LstmVolatilityForecaster[] MembersOf(IFittedVarianceModel fitted) => fitted switch
    {
        LstmVolatilityForecaster one => [one],
        CombinedVarianceForecaster many => [.. many.Members.Cast<LstmVolatilityForecaster>()],
        _ => throw new ArgumentException($"Not an LSTM volatility forecaster: {fitted.GetType().Name}.", nameof(fitted)),
    };

    /// <summary>The core fitted forecaster (the first network of a seed ensemble).</summary>
    public LstmVolatilityForecaster Forecaster => Members[0];

    /// <summary>The fitted networks: one, or the members of the seed ensemble (<see cref="LstmVolatilityEstimatorOptions.Seeds"/>).</summary>
    public IReadOnlyList<LstmVolatilityForecaster> Members { get; }

    /// <summary>What the transformer forecasts with: the forecaster, or the <see cref="CombinedVarianceForecaster"/> of the ensemble.</summary>
    internal IFittedVarianceModel Fitted => _fitted;

    private protected override string Description => "LSTM variance";

    /// <inheritdoc />
    public override IOnlineFeature CreateOnlineFeature() => Forecaster.ExogenousNames.Count == 0
        ? new HistoryForecast(h => _fitted.ForecastVariance(h, 1)[0], 1)
        : new ExogenousHistoryForecast(_fitted, Forecaster.ExogenousNames);
}

/// <summary>One-step LSTM variance forecast after each row from the whole history of returns and exogenous rows.</summary>
internal sealed class ExogenousHistoryForecast(IFittedVarianceModel forecaster, IReadOnlyList<string> exogenousNames) : IExogenousOnlineFeature
{
    private readonly List<double> _returns = new();
    private readonly List<double> _exogenous = new();

    public int Count => _returns.Count;

    public bool IsReady => Count >= 1;

    public double Update(double x) => throw new InvalidOperationException(
        $"The LSTM volatility forecaster was fitted with the exogenous columns {string.Join(", ", exogenousNames)}; pass their values with every return.");

    public double Update(double x, ReadOnlySpan<double> exogenous)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"Value {x} at observation {Count} is not finite.", nameof(x));
        if (exogenous.Length != exogenousNames.Count)
            throw new ArgumentException($"{exogenous.Length} exogenous values given; the model reads {exogenousNames.Count} ({string.Join(", ", exogenousNames)}).", nameof(exogenous));
        _returns.Add(x);
        foreach (double v in exogenous) _exogenous.Add(v);
        var rows = new ExogenousSeries(exogenousNames, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_exogenous));
        return forecaster.ForecastVariance(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_returns), rows, 1)[0];
    }

    public void Reset()
    {
        _returns.Clear();
        _exogenous.Clear();
    }
}
