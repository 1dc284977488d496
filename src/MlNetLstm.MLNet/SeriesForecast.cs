using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetLstm.MLNet;

/// <summary>Mean model of <see cref="GarchVolatilityEstimator"/>.</summary>
public enum GarchMean
{
    /// <summary><c>r_t = ε_t</c>.</summary>
    Zero,

    /// <summary><c>r_t = μ + ε_t</c>.</summary>
    Constant,

    /// <summary><c>r_t = μ + φ r_{t-1} + ε_t</c>.</summary>
    AutoRegressive1,
}

/// <summary>Volatility process of <see cref="GarchVolatilityEstimator"/>.</summary>
public enum GarchProcess
{
    /// <summary>GARCH(1,1): <c>σ²_t = ω + α ε²_{t-1} + β σ²_{t-1}</c>.</summary>
    Garch,

    /// <summary>GJR-GARCH(1,1,1): adds <c>γ ε²_{t-1} 1(ε_{t-1} &lt; 0)</c> (leverage).</summary>
    Gjr,

    /// <summary>EGARCH(1,1) on log σ² (one-step forecasts only: no analytic multi-step forecast).</summary>
    Egarch,

    /// <summary>RiskMetrics EWMA <c>σ²_t = λ σ²_{t-1} + (1 - λ) ε²_{t-1}</c> with fixed λ.</summary>
    Ewma,

    /// <summary>Constant variance.</summary>
    Constant,
}

/// <summary>Error distribution of <see cref="GarchVolatilityEstimator"/>.</summary>
public enum GarchDistribution
{
    /// <summary>Gaussian.</summary>
    Normal,

    /// <summary>Standardised Student's t (ν estimated).</summary>
    StudentT,

    /// <summary>Hansen's skewed Student's t.</summary>
    SkewedStudentT,

    /// <summary>Generalised error distribution.</summary>
    Ged,
}

/// <summary>
/// Column options shared by the forecasters' Options classes: the forecast column, optional confidence-bound columns, the
/// horizon and the output type, named as ML.NET's <c>ForecastBySsa</c> names them.
/// </summary>
public abstract class SeriesForecastOptions
{
    /// <summary>Default <see cref="Horizon"/>.</summary>
    public const int DefaultHorizon = 1;

    /// <summary>Default <see cref="ConfidenceLevel"/>.</summary>
    public const float DefaultConfidenceLevel = 0.95f;

    /// <summary>Name of the forecast column.</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>Name of the numeric (Double or Single) source column.</summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>
    /// Steps ahead forecast after every row. 1 (the default) appends a scalar column; more appends a vector column of
    /// <see cref="Horizon"/> values (step 1 first), as ForecastBySsa does.
    /// </summary>
    public int Horizon { get; set; } = DefaultHorizon;

    /// <summary>Optional column of the lower confidence bounds (same shape as the forecast column); null for none.</summary>
    public string? ConfidenceLowerBoundColumn { get; set; }

    /// <summary>Optional column of the upper confidence bounds; null for none.</summary>
    public string? ConfidenceUpperBoundColumn { get; set; }

    /// <summary>Confidence level of the bounds, in (0, 1).</summary>
    public float ConfidenceLevel { get; set; } = DefaultConfidenceLevel;

    /// <summary>Item type of the appended columns: <see cref="DataKind.Double"/> (default) or <see cref="DataKind.Single"/>.</summary>
    public DataKind OutputType { get; set; } = SeriesColumnOptions.DefaultOutputType;

    internal ForecastColumns Columns()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName, nameof(OutputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        if (Horizon < 1) throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "Horizon must be at least 1.");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), ConfidenceLevel, "ConfidenceLevel must be in (0, 1).");
        if (string.IsNullOrEmpty(ConfidenceLowerBoundColumn) != string.IsNullOrEmpty(ConfidenceUpperBoundColumn))
            throw new ArgumentException("Set both ConfidenceLowerBoundColumn and ConfidenceUpperBoundColumn, or neither.", nameof(ConfidenceLowerBoundColumn));
        SchemaChecks.ItemType(OutputType);
        return new ForecastColumns(OutputColumnName, Horizon,
            string.IsNullOrEmpty(ConfidenceLowerBoundColumn) ? null : ConfidenceLowerBoundColumn,
            string.IsNullOrEmpty(ConfidenceUpperBoundColumn) ? null : ConfidenceUpperBoundColumn, ConfidenceLevel);
    }
}

/// <summary>The output layout of a forecaster: forecast column, horizon and optional bound columns.</summary>
internal sealed record ForecastColumns(string Output, int Horizon, string? Lower, string? Upper, float ConfidenceLevel)
{
    public bool HasBounds => Lower is not null;

    public int Width => Horizon == 1 ? 0 : Horizon;

    public IReadOnlyList<(string Name, int Width)> Outputs => HasBounds
        ? [(Output, Width), (Lower!, Width), (Upper!, Width)]
        : [(Output, Width)];
}

/// <summary>
/// Base of the fitted forecasters: appends the forecast made after row t of the next <see cref="Horizon"/> values (a scalar
/// for one step, a vector otherwise) and, when asked, confidence-bound columns; NaN while the model has too few rows to forecast.
/// </summary>
public abstract class SeriesForecastTransformer : SeriesTransformer
{
    private protected SeriesForecastTransformer(string input, IReadOnlyList<string>? exogenous, ForecastColumns columns, DataKind outputType)
        : base(input, exogenous, outputType)
    {
        Columns = columns;
        if (columns.Outputs.Select(o => o.Name).Distinct().Count() != columns.Outputs.Count)
            throw new ArgumentException($"The output columns {string.Join(", ", columns.Outputs.Select(o => $"'{o.Name}'"))} must have different names.");
    }

    internal ForecastColumns Columns { get; }

    /// <summary>Name of the forecast column.</summary>
    public string OutputColumnName => Columns.Output;

    /// <summary>Steps ahead (1: scalar column; more: vector column).</summary>
    public int Horizon => Columns.Horizon;

    /// <summary>Lower confidence-bound column, or null.</summary>
    public string? ConfidenceLowerBoundColumn => Columns.Lower;

    /// <summary>Upper confidence-bound column, or null.</summary>
    public string? ConfidenceUpperBoundColumn => Columns.Upper;

    /// <summary>Confidence level of the bounds.</summary>
    public float ConfidenceLevel => Columns.ConfidenceLevel;

    internal override IReadOnlyList<(string Name, int Width)> Outputs => Columns.Outputs;
}

/// <summary>Shared per-row output writing of the forecasters.</summary>
internal static class ForecastOutputs
{
    /// <summary>
    /// Bounds of a variance forecast h: the central prediction interval of the squared return <c>r² = h z²</c>, z ~ N(0, 1):
    /// <c>[h q((1-c)/2), h q((1+c)/2)]</c>, q the χ²₁ quantile <c>q(p) = Φ⁻¹((1+p)/2)²</c>.
    /// </summary>
    public static (double Low, double High) SquaredReturnQuantiles(float level)
    {
        double c = Level(level);
        double lo = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (3 - c) / 4);
        double hi = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (3 + c) / 4);
        return (lo * lo, hi * hi);
    }

    /// <summary>The confidence level as the decimal the caller wrote (0.95f is 0.95, not 0.949999988).</summary>
    public static double Level(float level) => (double)(decimal)level;

    /// <summary>Writes NaN into every output (warm-up rows).</summary>
    public static void WriteNaN(ForecastColumns c, Span<double> outputs) => outputs[..Total(c)].Fill(double.NaN);

    public static int Total(ForecastColumns c) => c.Horizon * (c.HasBounds ? 3 : 1);

    /// <summary>Writes variance forecasts (first <c>Horizon</c> values of <paramref name="outputs"/>) and their bounds.</summary>
    public static void WriteVarianceBounds(ForecastColumns c, Span<double> outputs, (double Low, double High) q)
    {
        if (!c.HasBounds) return;
        int H = c.Horizon;
        for (int k = 0; k < H; k++)
        {
            outputs[H + k] = outputs[k] * q.Low;
            outputs[2 * H + k] = outputs[k] * q.High;
        }
    }
}
