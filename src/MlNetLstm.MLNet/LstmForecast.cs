using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Forecasting;

namespace MlNetLstm.MLNet;

/// <summary>
/// Trains the univariate LSTM forecaster (core <see cref="LstmForecaster"/>) on the series column of the training data:
/// <c>ŷ_{t+1} = head(LSTM(z_{t-W+1}, ..., z_t))</c> on the standardised series <c>z = (y - μ) / σ</c>; beyond the model's
/// own horizon, forecasts are fed back (<see cref="LstmForecastModel.Forecast(ReadOnlySpan{double}, int)"/>).
/// </summary>
public sealed class LstmForecastEstimator : IEstimator<LstmForecastTransformer>
{
    /// <summary>Options of <see cref="LstmForecastEstimator"/>; the network's defaults live once in <see cref="LstmForecasterOptions"/>.</summary>
    public sealed class Options : SeriesForecastOptions
    {
        /// <summary>Default forecast column.</summary>
        public const string DefaultOutputColumnName = "Forecast";

        /// <summary>Default series column.</summary>
        public const string DefaultInputColumnName = "Value";

        /// <summary>Creates options with the defaults.</summary>
        public Options()
        {
            OutputColumnName = DefaultOutputColumnName;
            InputColumnName = DefaultInputColumnName;
        }

        /// <summary>Core forecaster options (window W, network size, training); <see cref="LstmForecasterOptions.Seed"/> is set from <see cref="Seed"/>.</summary>
        public LstmForecasterOptions Model { get; set; } = new();

        /// <summary>
        /// Training seed. Null (the default): <see cref="Model"/>'s seed if it was changed from
        /// <see cref="Training.TrainingOptions.DefaultSeed"/>, otherwise one drawn from the MLContext, as ML.NET's trainers do.
        /// </summary>
        public int? Seed { get; set; }
    }

    private readonly Options _options;
    private readonly ForecastColumns _columns;
    private readonly LstmForecasterOptions _model;

    internal LstmForecastEstimator(Options options, Func<int> contextSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Model, nameof(options.Model));
        _columns = options.Columns();
        int seed = options.Seed ?? (options.Model.Seed != Training.TrainingOptions.DefaultSeed ? options.Model.Seed : contextSeed());
        _model = options.Model with { Seed = seed };
        _options = options;
    }

    /// <summary>The training seed (see <see cref="Options.Seed"/>).</summary>
    public int Seed => _model.Seed;

    /// <inheritdoc />
    public LstmForecastTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var series = SchemaChecks.ReadColumn(input, _options.InputColumnName);
        var model = LstmForecaster.Fit(series, _model);
        double[] errorScale = _columns.HasBounds ? InSampleErrorScale(model, series, _columns.Horizon) : [];
        return new LstmForecastTransformer(_options.InputColumnName, _columns, _options.OutputType, model, errorScale);
    }

    /// <summary>
    /// Root mean squared k-step forecast error over the training series, k = 1..horizon (the bounds' σ_k): forecasts from
    /// every window of the training rows whose k-th target is also a training row.
    /// </summary>
    internal static double[] InSampleErrorScale(LstmForecastModel model, double[] series, int horizon)
    {
        int W = model.WindowSize;
        var sum = new double[horizon];
        var count = new int[horizon];
        for (int t = W - 1; t + 1 < series.Length; t++)
        {
            int h = Math.Min(horizon, series.Length - 1 - t);
            double[] f = model.Forecast(series.AsSpan(t - W + 1, W), h);
            for (int k = 0; k < h; k++)
            {
                double e = series[t + 1 + k] - f[k];
                sum[k] += e * e;
                count[k]++;
            }
        }

        var scale = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            if (count[k] == 0)
                throw new ArgumentException($"The training series ({series.Length} rows) is too short to estimate the {k + 1}-step error for the confidence bounds (window {W}).");
            scale[k] = Math.Sqrt(sum[k] / count[k]);
        }

        return scale;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        return SchemaChecks.AddColumns(inputSchema, _columns.Outputs, _options.OutputType);
    }
}

/// <summary>
/// Fitted univariate LSTM forecaster. Row t gets the forecasts of the next Horizon values made after row t from the last W
/// values (<see cref="LstmForecastModel.Forecast(ReadOnlySpan{double}, int)"/>: the model was trained on windows from a zero
/// state, so each row runs its window, O(W) per row, never the whole history); NaN for the first W - 1 rows. Bounds:
/// <c>ŷ_{t+k} ± z σ_k</c>, z the normal quantile of the confidence level and σ_k the root mean squared k-step error on the
/// training rows. Immutable.
/// </summary>
public sealed class LstmForecastTransformer : SeriesForecastTransformer
{
    private readonly double[] _errorScale;

    internal LstmForecastTransformer(string input, ForecastColumns columns, DataKind outputType, LstmForecastModel model, double[] errorScale)
        : base(input, null, columns, outputType)
    {
        if (model.FeatureCount != 1) throw new ArgumentException($"The model reads {model.FeatureCount} features; the ML.NET forecaster is univariate.", nameof(model));
        if (columns.HasBounds && errorScale.Length != columns.Horizon)
            throw new ArgumentException($"{errorScale.Length} error scales for horizon {columns.Horizon}.", nameof(errorScale));
        Model = model;
        _errorScale = errorScale;
    }

    /// <summary>The core fitted model.</summary>
    public LstmForecastModel Model { get; }

    /// <summary>The bounds' σ_k, k = 1..Horizon (empty without bounds).</summary>
    public IReadOnlyList<double> ErrorScale => _errorScale;

    private protected override string Description => "the LSTM forecast";

    internal override ISeriesState CreateState() => new State(this);

    private sealed class State(LstmForecastTransformer t) : ISeriesState
    {
        private readonly double[] _window = new double[t.Model.WindowSize];
        private readonly double _z = t.Columns.HasBounds ? MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + ForecastOutputs.Level(t.ConfidenceLevel) / 2) : 0;
        private long _count;

        public void Update(double x, ReadOnlySpan<double> exogenous)
        {
            if (!double.IsFinite(x)) throw new ArgumentException($"Value {x} at observation {_count} is not finite.", nameof(x));
            Array.Copy(_window, 1, _window, 0, _window.Length - 1);
            _window[^1] = x;
            _count++;
        }

        public void Write(Span<double> outputs)
        {
            if (_count < _window.Length)
            {
                ForecastOutputs.WriteNaN(t.Columns, outputs);
                return;
            }

            int H = t.Horizon;
            t.Model.Forecast(_window, H).CopyTo(outputs);
            if (!t.Columns.HasBounds) return;
            for (int k = 0; k < H; k++)
            {
                outputs[H + k] = outputs[k] - _z * t._errorScale[k];
                outputs[2 * H + k] = outputs[k] + _z * t._errorScale[k];
            }
        }

        public double[] GetState() => [_count, .. _window];

        public void SetState(ReadOnlySpan<double> state)
        {
            if (state.Length != _window.Length + 1) throw new ArgumentException($"The state has {state.Length} values; {_window.Length + 1} expected.", nameof(state));
            _count = (long)state[0];
            state[1..].CopyTo(_window);
        }
    }
}
