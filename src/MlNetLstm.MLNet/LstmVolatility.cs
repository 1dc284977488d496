using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.MLNet;

/// <summary>Options of <see cref="LstmVolatilityEstimator"/>; the model options' defaults live in <see cref="LstmVolatilityOptions"/>.</summary>
public sealed class LstmVolatilityEstimatorOptions
{
    /// <summary>Name of the output column: one-step-ahead return variance forecast.</summary>
    public string OutputColumnName { get; set; } = "VarianceForecast";

    /// <summary>Name of the numeric (Double or Single) return column.</summary>
    public string InputColumnName { get; set; } = "Return";

    /// <summary>Core model options (regime-adaptive by default).</summary>
    public LstmVolatilityOptions Model { get; set; } = new();
}

/// <summary>
/// Trains the regime-adaptive LSTM volatility model (core <see cref="LstmVolatilityModel"/>, "lstm-regime") on the
/// return column of the training data. Forecast: <c>h_{t+1} = s² b_{t+1} exp(B tanh(y_t / B))</c> with the EWMA
/// baseline <c>b_{t+1} = λ b_t + (1 - λ) u_t²</c>, <c>u = r / s</c>, and the LSTM's log-correction <c>y_t</c>
/// whose forget gate is shifted by <c>-β ⊙ |u_t|</c> in the regime-adaptive variant.
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
        var forecaster = new LstmVolatilityModel(_options.Model).Fit(returns);
        return new LstmVolatilityTransformer(_options.OutputColumnName, _options.InputColumnName, forecaster);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        return SchemaChecks.AddDoubleColumns(inputSchema, _options.OutputColumnName);
    }
}

/// <summary>
/// Fitted LSTM volatility forecaster. Transform appends the one-step-ahead variance forecast made after row t from
/// the returns of rows 1..t (<see cref="LstmVolatilityForecaster.ForecastVariance(ReadOnlySpan{double}, int)"/>). Lazy, order-dependent
/// (sequential cursoring). Immutable.
/// </summary>
public sealed class LstmVolatilityTransformer : SeriesTransformer
{
    internal LstmVolatilityTransformer(string output, string input, LstmVolatilityForecaster forecaster)
        : base(output, input) => Forecaster = forecaster;

    /// <summary>The core fitted forecaster.</summary>
    public LstmVolatilityForecaster Forecaster { get; }

    private protected override string Description => "LSTM variance";

    /// <inheritdoc />
    public override Features.IOnlineFeature CreateOnlineFeature() => new HistoryForecast(h => Forecaster.ForecastVariance(h, 1)[0], 1);
}
