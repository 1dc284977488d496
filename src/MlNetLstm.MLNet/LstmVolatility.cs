using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.MLNet;

/// <summary>
/// Trains the regime-adaptive LSTM volatility model (core <see cref="LstmVolatilityModel"/>, "lstm-regime") on the return
/// column (and optional exogenous columns) of the training data. Forecast: <c>h_{t+1} = s² a_{t+1} exp(w B tanh(y_t / B))</c>
/// with the anchor a (<see cref="LstmVolatilityOptions.Anchor"/>: by default the one of the EWMA
/// <c>b_{t+1} = λ b_t + (1 - λ) u_t²</c>, a GARCH(1,1) and a GJR-GARCH fitted on the training rows that forecast their last 20 % best),
/// <c>u = r / s</c>, the LSTM's log-correction <c>y_t</c> whose forget gate is shifted by <c>-β ⊙ |u_t| / sqrt(a_t)</c> in the
/// regime-adaptive variant (<see cref="LstmVolatilityOptions.RegimeForm"/>), and the weight w in [0, 1] chosen on validation
/// (<see cref="LstmVolatilityOptions.Shrinkage"/>; 0 is the anchor alone).
/// </summary>
public sealed class LstmVolatilityEstimator : IEstimator<LstmVolatilityTransformer>
{
    /// <summary>Options of <see cref="LstmVolatilityEstimator"/>; the network's defaults live once in <see cref="LstmVolatilityOptions"/>.</summary>
    public sealed class Options : SeriesForecastOptions
    {
        /// <summary>Default forecast column.</summary>
        public const string DefaultOutputColumnName = "VarianceForecast";

        /// <summary>Default return column.</summary>
        public const string DefaultInputColumnName = "Return";

        /// <summary>Default <see cref="Seeds"/>: one network, the core library's default.</summary>
        public const int DefaultSeeds = 1;

        /// <summary>Creates options with the defaults.</summary>
        public Options()
        {
            OutputColumnName = DefaultOutputColumnName;
            InputColumnName = DefaultInputColumnName;
        }

        /// <summary>
        /// Numeric columns fed to the LSTM as exogenous inputs (row t's values are known with the return of row t: implied
        /// volatility, volume, sentiment); standardised on the training data. Empty (the default) for returns only.
        /// </summary>
        public string[] ExogenousColumnNames { get; set; } = [];

        /// <summary>Core model options (regime-adaptive by default); <see cref="LstmVolatilityOptions.Seed"/> is set from <see cref="Seed"/>.</summary>
        public LstmVolatilityOptions Model { get; set; } = new();

        /// <summary>
        /// Seed of the (first) network. Null (the default): <see cref="Model"/>'s seed if it was changed from
        /// <see cref="LstmVolatilityOptions.DefaultSeed"/>, otherwise one drawn from the MLContext, as ML.NET's trainers do
        /// (<c>new MLContext(seed: 1)</c> gives the same model on every run).
        /// </summary>
        public int? Seed { get; set; }

        /// <summary>
        /// Networks to fit: more than one makes a seed ensemble (<see cref="LstmVolatilityModel.SeedEnsemble"/>: seeds s,
        /// s + 1, ..., forecasts combined by their geometric mean), Seeds times the training time.
        /// </summary>
        public int Seeds { get; set; } = DefaultSeeds;
    }

    private readonly Options _options;
    private readonly ForecastColumns _columns;
    private readonly LstmVolatilityOptions _model;

    internal LstmVolatilityEstimator(Options options, Func<int> contextSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Model, nameof(options.Model));
        _columns = options.Columns();
        if (options.Seeds < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Seeds, "LstmVolatilityEstimator.Options.Seeds must be at least 1.");
        int seed = options.Seed ?? (options.Model.Seed != LstmVolatilityOptions.DefaultSeed ? options.Model.Seed : contextSeed());
        _model = options.Model with { Seed = seed };
        _options = options;
    }

    /// <summary>The seed the (first) network is trained with (see <see cref="Options.Seed"/>).</summary>
    public int Seed => _model.Seed;

    /// <inheritdoc />
    public LstmVolatilityTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var returns = SchemaChecks.ReadColumn(input, _options.InputColumnName);
        string[] exogNames = _options.ExogenousColumnNames ?? [];
        ExogenousSeries? exogenous = exogNames.Length == 0 ? null
            : ExogenousSeries.FromColumns(exogNames.Select(c => new KeyValuePair<string, double[]>(c, SchemaChecks.ReadColumn(input, c))).ToList());
        IFittedVarianceModel fitted = _options.Seeds == 1
            ? new LstmVolatilityModel(_model).Fit(returns, exogenous)
            : LstmVolatilityModel.SeedEnsemble(_model, _options.Seeds).Fit(returns, exogenous);
        return new LstmVolatilityTransformer(_options.InputColumnName, _columns, _options.OutputType, fitted);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        foreach (string c in _options.ExogenousColumnNames ?? []) SchemaChecks.RequireNumericColumn(inputSchema, c);
        return SchemaChecks.AddColumns(inputSchema, _columns.Outputs, _options.OutputType);
    }
}

/// <summary>
/// Fitted LSTM volatility forecaster. Row t gets the variance forecasts of the next Horizon returns made after row t, one
/// network step per row with the state carried from row to row (core <see cref="LstmVolatilityStream"/>; for a seed ensemble
/// the geometric mean of the members' streams, as <see cref="CombinedVarianceForecaster"/> combines them). The one-step
/// column equals <see cref="LstmVolatilityForecaster.Explain"/>'s forecasts bit for bit and
/// <see cref="LstmVolatilityForecaster.ForecastVariance(ReadOnlySpan{double}, int)"/> (which re-runs the last ContextLength
/// returns) to float rounding. Bounds: the central interval of the squared return <c>r²_{t+k} = h_{t+k} z²</c>, z ~ N(0, 1). Immutable.
/// </summary>
public sealed class LstmVolatilityTransformer : SeriesForecastTransformer
{
    private readonly IFittedVarianceModel _fitted;

    internal LstmVolatilityTransformer(string input, ForecastColumns columns, DataKind outputType, IFittedVarianceModel fitted)
        : base(input, MembersOf(fitted)[0].ExogenousNames, columns, outputType)
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

    /// <summary>The fitted networks: one, or the members of the seed ensemble (<see cref="LstmVolatilityEstimator.Options.Seeds"/>).</summary>
    public IReadOnlyList<LstmVolatilityForecaster> Members { get; }

    /// <summary>What the transformer forecasts with: the forecaster, or the <see cref="CombinedVarianceForecaster"/> of the ensemble.</summary>
    public IFittedVarianceModel Fitted => _fitted;

    private protected override string Description => "the LSTM variance forecast";

    internal override ISeriesState CreateState() => new State(this);

    private sealed class State : ISeriesState
    {
        private readonly LstmVolatilityTransformer _t;
        private readonly LstmVolatilityStream[] _streams;
        private readonly double[] _member;
        private readonly (double, double) _q;

        public State(LstmVolatilityTransformer t)
        {
            _t = t;
            _streams = [.. t.Members.Select(m => new LstmVolatilityStream(m))];
            _member = new double[t.Horizon];
            _q = t.Columns.HasBounds ? ForecastOutputs.SquaredReturnQuantiles(t.ConfidenceLevel) : default;
        }

        public void Update(double x, ReadOnlySpan<double> exogenous)
        {
            foreach (var s in _streams) s.Update(x, exogenous);
        }

        public void Write(Span<double> outputs)
        {
            int H = _t.Horizon;
            var f = outputs[..H];
            if (_streams.Length == 1)
            {
                _streams[0].Forecast(f);
            }
            else
            {
                // CombinedVarianceForecaster's combination: exp(mean of the members' log forecasts), members in order.
                f.Clear();
                for (int m = 0; m < _streams.Length; m++)
                {
                    _streams[m].Forecast(_member);
                    for (int k = 0; k < H; k++)
                    {
                        if (!(_member[k] > 0) || !double.IsFinite(_member[k]))
                            throw new InvalidOperationException($"Ensemble member {m} forecast a variance of {_member[k]} at step {k + 1}; it must be positive and finite.");
                        f[k] += Math.Log(_member[k]);
                    }
                }

                for (int k = 0; k < H; k++) f[k] = Math.Exp(f[k] / _streams.Length);
            }

            ForecastOutputs.WriteVarianceBounds(_t.Columns, outputs, _q);
        }

        public double[] GetState() => [.. _streams.SelectMany(s => s.GetState())];

        public void SetState(ReadOnlySpan<double> state)
        {
            int n = _streams[0].StateLength;
            if (state.Length != n * _streams.Length)
                throw new ArgumentException($"The state has {state.Length} values; {_streams.Length} network(s) x {n} expected.", nameof(state));
            for (int m = 0; m < _streams.Length; m++) _streams[m].SetState(state.Slice(m * n, n));
        }
    }
}
