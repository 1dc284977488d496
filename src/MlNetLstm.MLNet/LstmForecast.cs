using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Forecasting;

namespace MlNetLstm.MLNet;

/// <summary>Options of <see cref="LstmForecastEstimator"/>; the model options' defaults live in <see cref="LstmForecasterOptions"/>.</summary>
public sealed class LstmForecastEstimatorOptions
{
    /// <summary>Name of the output column: the one-step-ahead forecast.</summary>
    public string OutputColumnName { get; set; } = "Forecast";

    /// <summary>Name of the numeric (Double or Single) series column.</summary>
    public string InputColumnName { get; set; } = "Value";

    /// <summary>Core forecaster options (window W, horizon, network size, training).</summary>
    public LstmForecasterOptions Model { get; set; } = new();
}

/// <summary>
/// Trains the univariate LSTM forecaster (core <see cref="LstmForecaster"/>) on the series column of the training
/// data: <c>ŷ_{t+1} = head(LSTM(z_{t-W+1}, ..., z_t))</c> on the standardised series <c>z = (y - μ) / σ</c>.
/// </summary>
public sealed class LstmForecastEstimator : IEstimator<LstmForecastTransformer>
{
    private readonly LstmForecastEstimatorOptions _options;

    internal LstmForecastEstimator(LstmForecastEstimatorOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public LstmForecastTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var series = SchemaChecks.ReadColumn(input, _options.InputColumnName);
        return new LstmForecastTransformer(_options.OutputColumnName, _options.InputColumnName, LstmForecaster.Fit(series, _options.Model));
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        return SchemaChecks.AddDoubleColumns(inputSchema, _options.OutputColumnName);
    }
}

/// <summary>
/// Fitted univariate LSTM forecaster. Transform appends the forecast of the next value made after row t from the last
/// W values (<see cref="LstmForecastModel.Predict(ReadOnlySpan{double})"/>, first step); NaN for the first W - 1
/// rows. Lazy, order-dependent (sequential cursoring). Immutable.
/// </summary>
public sealed class LstmForecastTransformer : SeriesTransformer
{
    internal LstmForecastTransformer(string output, string input, LstmForecastModel model)
        : base(output, input) => Model = model;

    /// <summary>The core fitted model (multi-step forecasts via <see cref="LstmForecastModel.Forecast(ReadOnlySpan{double}, int)"/>).</summary>
    public LstmForecastModel Model { get; }

    private protected override string Description => "LSTM forecast";

    /// <inheritdoc />
    public override Features.IOnlineFeature CreateOnlineFeature() => new OnlineLstmForecast(Model);

    internal sealed class OnlineLstmForecast : Features.IOnlineFeature
    {
        private readonly LstmForecastModel _m;
        private readonly Queue<double> _window = new();

        public OnlineLstmForecast(LstmForecastModel m) => _m = m;

        public int Count { get; private set; }

        public bool IsReady => _window.Count == _m.WindowSize;

        public double Update(double x)
        {
            if (!double.IsFinite(x)) throw new ArgumentException($"Value {x} at observation {Count} is not finite.", nameof(x));
            _window.Enqueue(x);
            if (_window.Count > _m.WindowSize) _window.Dequeue();
            Count++;
            return IsReady ? _m.Predict(_window.ToArray().AsSpan())[0] : double.NaN;
        }

        public void Reset()
        {
            _window.Clear();
            Count = 0;
        }
    }
}
