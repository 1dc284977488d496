using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Volatility;

namespace MlNetLstm.MLNet;

/// <summary>
/// Fits a GARCH-family model (core <see cref="Arch"/>) on the return column of the training data by maximum likelihood.
/// GARCH(1,1): <c>r_t = μ + ε_t, ε_t = σ_t z_t, σ²_t = ω + α ε²_{t-1} + β σ²_{t-1}</c>.
/// </summary>
public sealed class GarchVolatilityEstimator : IEstimator<GarchVolatilityTransformer>
{
    /// <summary>Options of <see cref="GarchVolatilityEstimator"/> (defaults defined here once).</summary>
    public sealed class Options : SeriesForecastOptions
    {
        /// <summary>Default <see cref="Mean"/>.</summary>
        public const GarchMean DefaultMean = GarchMean.Constant;

        /// <summary>Default <see cref="Process"/>.</summary>
        public const GarchProcess DefaultProcess = GarchProcess.Garch;

        /// <summary>Default <see cref="Distribution"/>.</summary>
        public const GarchDistribution DefaultDistribution = GarchDistribution.Normal;

        /// <summary>Default forecast column.</summary>
        public const string DefaultOutputColumnName = "VarianceForecast";

        /// <summary>Default return column.</summary>
        public const string DefaultInputColumnName = "Return";

        /// <summary>Creates options with the defaults.</summary>
        public Options()
        {
            OutputColumnName = DefaultOutputColumnName;
            InputColumnName = DefaultInputColumnName;
        }

        /// <summary>Mean model.</summary>
        public GarchMean Mean { get; set; } = DefaultMean;

        /// <summary>Volatility process.</summary>
        public GarchProcess Process { get; set; } = DefaultProcess;

        /// <summary>Error distribution.</summary>
        public GarchDistribution Distribution { get; set; } = DefaultDistribution;
    }

    private readonly Options _options;
    private readonly ForecastColumns _columns;

    internal GarchVolatilityEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _columns = options.Columns();
        GarchNames.Check(options.Mean, options.Process, options.Distribution);
        if (options.Process == GarchProcess.Egarch && options.Horizon > 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Horizon, "EGARCH has no analytic multi-step forecast: use Horizon = 1.");
        _options = options;
    }

    /// <inheritdoc />
    public GarchVolatilityTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var returns = SchemaChecks.ReadColumn(input, _options.InputColumnName);
        var fit = Arch.Create(returns, GarchNames.Of(_options.Mean), GarchNames.Of(_options.Process), GarchNames.Of(_options.Distribution)).Fit();
        return new GarchVolatilityTransformer(_options.InputColumnName, _columns, _options.OutputType,
            _options.Mean, _options.Process, _options.Distribution, returns, fit);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _options.InputColumnName);
        return SchemaChecks.AddColumns(inputSchema, _columns.Outputs, _options.OutputType);
    }
}

/// <summary>
/// Fitted GARCH-family model. Row t gets the return-variance forecasts <c>σ²_{t+k|t}</c>, k = 1..Horizon, made after row t
/// from the returns of rows 1..t with the fitted (fixed) parameters: one filter step per row
/// (<see cref="ArchForecastStream"/>), equal to <see cref="ArchFitResult.Forecast(ReadOnlySpan{double}, int, ForecastOptions?)"/>
/// on rows 1..t. NaN until the mean model has more than its lags. Bounds: the central interval of the squared return
/// <c>r²_{t+k} = σ²_{t+k} z²</c>, z ~ N(0, 1). Immutable.
/// </summary>
public sealed class GarchVolatilityTransformer : SeriesForecastTransformer
{
    private readonly double[] _trainingReturns;

    internal GarchVolatilityTransformer(string input, ForecastColumns columns, DataKind outputType, GarchMean mean, GarchProcess process,
        GarchDistribution distribution, double[] trainingReturns, ArchFitResult fit)
        : base(input, null, columns, outputType)
    {
        Mean = mean;
        Process = process;
        Distribution = distribution;
        _trainingReturns = trainingReturns;
        Fit = fit;
    }

    /// <summary>Mean model.</summary>
    public GarchMean Mean { get; }

    /// <summary>Volatility process.</summary>
    public GarchProcess Process { get; }

    /// <summary>Error distribution.</summary>
    public GarchDistribution Distribution { get; }

    /// <summary>The core fit (parameters, standard errors, diagnostics).</summary>
    public ArchFitResult Fit { get; }

    internal IReadOnlyList<double> TrainingReturns => _trainingReturns;

    private protected override string Description => "the GARCH variance forecast";

    internal override ISeriesState CreateState() => new State(this);

    private sealed class State(GarchVolatilityTransformer t) : ISeriesState
    {
        private readonly ArchForecastStream _stream = new(t.Fit);
        private readonly (double, double) _q = t.Columns.HasBounds ? ForecastOutputs.SquaredReturnQuantiles(t.ConfidenceLevel) : default;

        public void Update(double x, ReadOnlySpan<double> exogenous) => _stream.Update(x);

        public void Write(Span<double> outputs)
        {
            if (!_stream.IsReady)
            {
                ForecastOutputs.WriteNaN(t.Columns, outputs);
                return;
            }

            _stream.Forecast(outputs[..t.Horizon]);
            ForecastOutputs.WriteVarianceBounds(t.Columns, outputs, _q);
        }

        public double[] GetState() => _stream.GetState();

        public void SetState(ReadOnlySpan<double> state) => _stream.SetState(state);
    }
}

/// <summary>The core library's names of the GARCH enums.</summary>
internal static class GarchNames
{
    public static void Check(GarchMean mean, GarchProcess process, GarchDistribution distribution)
    {
        if (!Enum.IsDefined(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "Unknown mean model.");
        if (!Enum.IsDefined(process)) throw new ArgumentOutOfRangeException(nameof(process), process, "Unknown volatility process.");
        if (!Enum.IsDefined(distribution)) throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "Unknown distribution.");
    }

    public static string Of(GarchMean m) => m switch { GarchMean.Zero => "zero", GarchMean.AutoRegressive1 => "ar1", _ => "constant" };

    public static string Of(GarchProcess p) => p switch
    {
        GarchProcess.Gjr => "gjr", GarchProcess.Egarch => "egarch", GarchProcess.Ewma => "ewma", GarchProcess.Constant => "constant", _ => "garch",
    };

    public static string Of(GarchDistribution d) => d switch
    {
        GarchDistribution.StudentT => "t", GarchDistribution.SkewedStudentT => "skewt", GarchDistribution.Ged => "ged", _ => "normal",
    };

    public static GarchMean Mean(string s) => Enum.GetValues<GarchMean>().FirstOrDefault(v => string.Equals(Of(v), s.Trim(), StringComparison.OrdinalIgnoreCase), (GarchMean)(-1)) is var v && Enum.IsDefined(v)
        ? v : throw new InvalidDataException($"Unknown GARCH mean model '{s}'.");

    public static GarchProcess Process(string s) => Enum.GetValues<GarchProcess>().FirstOrDefault(v => string.Equals(Of(v), s.Trim(), StringComparison.OrdinalIgnoreCase), (GarchProcess)(-1)) is var v && Enum.IsDefined(v)
        ? v : throw new InvalidDataException($"Unknown GARCH volatility process '{s}'.");

    public static GarchDistribution Distribution(string s) => Enum.GetValues<GarchDistribution>().FirstOrDefault(v => string.Equals(Of(v), s.Trim(), StringComparison.OrdinalIgnoreCase), (GarchDistribution)(-1)) is var v && Enum.IsDefined(v)
        ? v : throw new InvalidDataException($"Unknown GARCH distribution '{s}'.");
}
