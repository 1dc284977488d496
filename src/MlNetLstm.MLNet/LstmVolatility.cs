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
/// the returns of rows 1..t (<see cref="LstmVolatilityForecaster.ForecastVariance"/>). Lazy, order-dependent
/// (sequential cursoring). Immutable.
/// </summary>
public sealed class LstmVolatilityTransformer : ITransformer
{
    internal LstmVolatilityTransformer(string output, string input, LstmVolatilityForecaster forecaster)
    {
        OutputColumnName = output;
        InputColumnName = input;
        Forecaster = forecaster;
    }

    /// <summary>Output column name.</summary>
    public string OutputColumnName { get; }

    /// <summary>Return column name.</summary>
    public string InputColumnName { get; }

    /// <summary>The core fitted forecaster.</summary>
    public LstmVolatilityForecaster Forecaster { get; }

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
        => throw new NotSupportedException($"LSTM variance on column '{InputColumnName}' depends on row order.");

    /// <summary>Not supported by ML.NET for third-party transformers; use <see cref="MlNetLstmModel.Save"/>.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException("Save pipelines containing MlNetLstm transformers with MlNetLstmModel.Save (ML.NET issue 4911).");

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SeriesFeatureDataView(input, InputColumnName, OutputColumnName, () => new OnlineLstmForecast(Forecaster));
    }

    internal sealed class OnlineLstmForecast : Features.IOnlineFeature
    {
        private readonly LstmVolatilityForecaster _f;
        private readonly List<double> _history = new();

        public OnlineLstmForecast(LstmVolatilityForecaster f) => _f = f;

        public int Count => _history.Count;

        public bool IsReady => _history.Count > 0;

        public double Update(double x)
        {
            if (!double.IsFinite(x)) throw new ArgumentException($"Return {x} at observation {Count} is not finite.", nameof(x));
            _history.Add(x);
            return _f.ForecastVariance(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_history), 1)[0];
        }

        public void Reset() => _history.Clear();
    }
}
