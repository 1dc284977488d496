using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>Column options shared by the featurizers' Options classes.</summary>
public abstract class SeriesColumnOptions
{
    /// <summary>Default <see cref="OutputType"/>.</summary>
    public const DataKind DefaultOutputType = DataKind.Double;

    /// <summary>Name of the appended column.</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>Name of the numeric (Double or Single) source column; null or empty uses <see cref="OutputColumnName"/>.</summary>
    public string? InputColumnName { get; set; }

    /// <summary>Item type of the appended column: <see cref="DataKind.Double"/> (default) or <see cref="DataKind.Single"/> (what ML.NET trainers read).</summary>
    public DataKind OutputType { get; set; } = DefaultOutputType;

    internal string Input => string.IsNullOrEmpty(InputColumnName) ? OutputColumnName : InputColumnName;
}

/// <summary>
/// Base of the featurizer estimators: nothing is learned, so <see cref="Fit"/> checks the schema and returns the transformer
/// built (and validated) when the estimator was created.
/// </summary>
/// <typeparam name="TTransformer">The featurizer.</typeparam>
public abstract class SeriesFeatureEstimator<TTransformer> : IEstimator<TTransformer> where TTransformer : SeriesTransformer
{
    private readonly TTransformer _transformer;

    private protected SeriesFeatureEstimator(TTransformer transformer) => _transformer = transformer;

    /// <summary>Checks that the input column exists and is numeric; returns the transformer.</summary>
    /// <param name="input">Training data (only its schema is read).</param>
    /// <returns>The transformer.</returns>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _transformer.InputColumnName);
        return SchemaChecks.AddColumns(inputSchema, _transformer.Outputs, _transformer.OutputType);
    }
}

/// <summary>Base of the one-column featurizers (persistence keeps the kind and numeric parameters).</summary>
public abstract class SeriesFeatureTransformer : SeriesTransformer
{
    private protected SeriesFeatureTransformer(string output, string input, DataKind outputType) : base(input, null, outputType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        OutputColumnName = output;
    }

    /// <summary>Name of the appended column.</summary>
    public string OutputColumnName { get; }

    internal override IReadOnlyList<(string Name, int Width)> Outputs => [(OutputColumnName, 0)];

    /// <summary>Persisted kind ("returns", "ewma-variance", ...).</summary>
    internal abstract string FeatureKind { get; }

    /// <summary>Persisted parameters (numeric encoding, the layout of saved pipelines since the first version).</summary>
    internal abstract Dictionary<string, double> Parameters { get; }

    private protected abstract IOnlineFeature NewFeature();

    internal override ISeriesState CreateState() => new ReplayState(() =>
    {
        var f = NewFeature();
        return (double x, Span<double> o) => o[0] = f.Update(x);
    }, 1);

    internal static SeriesFeatureTransformer Restore(string kind, string output, string input, DataKind type, IReadOnlyDictionary<string, double> p) => kind switch
    {
        ReturnsTransformer.Kind => new ReturnsTransformer(output, input, (ReturnKind)(int)p["kind"], p["percent"] != 0, type),
        EwmaVarianceTransformer.Kind => new EwmaVarianceTransformer(output, input, p["lambda"], type),
        RollingVarianceTransformer.Kind => new RollingVarianceTransformer(output, input, (int)p["window"], p["demean"] != 0, type),
        RealizedVarianceTransformer.Kind => new RealizedVarianceTransformer(output, input, (int)p["period"], p["percent"] != 0, type),
        LegacyHarComponentTransformer.Kind => new LegacyHarComponentTransformer(output, input, (int)p["component"], (int)p["weekly"], (int)p["monthly"], type),
        _ => throw new InvalidDataException($"Unknown feature kind '{kind}'."),
    };
}

/// <summary>
/// Returns from a price column: log <c>r_t = ln(p_t / p_{t-1})</c> or simple <c>r_t = p_t / p_{t-1} - 1</c> (×100 with
/// <see cref="Percent"/>); the first row has no predecessor and gets 0 (core <see cref="OnlineReturns"/>).
/// </summary>
public sealed class ReturnsTransformer : SeriesFeatureTransformer
{
    internal const string Kind = "returns";

    internal ReturnsTransformer(string output, string input, ReturnKind kind, bool percent, DataKind outputType) : base(output, input, outputType)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown return kind.");
        ReturnKind = kind;
        Percent = percent;
    }

    /// <summary>Log or simple returns.</summary>
    public ReturnKind ReturnKind { get; }

    /// <summary>Multiplied by 100.</summary>
    public bool Percent { get; }

    private protected override string Description => "returns";

    internal override string FeatureKind => Kind;

    internal override Dictionary<string, double> Parameters => new() { ["kind"] = (int)ReturnKind, ["percent"] = Percent ? 1 : 0, ["transform"] = (int)ReturnTransform.None };

    private protected override IOnlineFeature NewFeature() => new OnlineReturns(ReturnKind, Percent, ReturnTransform.None);
}

/// <summary>Estimator of <see cref="ReturnsTransformer"/> (<c>mlContext.Transforms.ComputeReturns</c>).</summary>
public sealed class ReturnsEstimator : SeriesFeatureEstimator<ReturnsTransformer>
{
    /// <summary>Options of <see cref="ReturnsEstimator"/>.</summary>
    public sealed class Options : SeriesColumnOptions
    {
        /// <summary>Default <see cref="Kind"/>.</summary>
        public const ReturnKind DefaultKind = ReturnKind.Log;

        /// <summary>Default <see cref="Percent"/>.</summary>
        public const bool DefaultPercent = false;

        /// <summary>Log or simple returns.</summary>
        public ReturnKind Kind { get; set; } = DefaultKind;

        /// <summary>Multiply by 100.</summary>
        public bool Percent { get; set; } = DefaultPercent;
    }

    internal ReturnsEstimator(Options o) : base(new ReturnsTransformer(o.OutputColumnName, o.Input, o.Kind, o.Percent, o.OutputType)) { }
}

/// <summary>EWMA variance <c>s_t = λ s_{t-1} + (1 - λ) x_t²</c>, <c>s_1 = x_1²</c> (core <see cref="OnlineEwmaVariance"/>).</summary>
public sealed class EwmaVarianceTransformer : SeriesFeatureTransformer
{
    internal const string Kind = "ewma-variance";

    internal EwmaVarianceTransformer(string output, string input, double lambda, DataKind outputType) : base(output, input, outputType)
    {
        _ = new OnlineEwmaVariance(lambda); // validates λ
        Lambda = lambda;
    }

    /// <summary>Decay λ.</summary>
    public double Lambda { get; }

    private protected override string Description => "EWMA variance";

    internal override string FeatureKind => Kind;

    internal override Dictionary<string, double> Parameters => new() { ["lambda"] = Lambda };

    private protected override IOnlineFeature NewFeature() => new OnlineEwmaVariance(Lambda);
}

/// <summary>Estimator of <see cref="EwmaVarianceTransformer"/> (<c>mlContext.Transforms.ComputeEwmaVariance</c>).</summary>
public sealed class EwmaVarianceEstimator : SeriesFeatureEstimator<EwmaVarianceTransformer>
{
    /// <summary>Options of <see cref="EwmaVarianceEstimator"/>.</summary>
    public sealed class Options : SeriesColumnOptions
    {
        /// <summary>Default decay (RiskMetrics daily).</summary>
        public const double DefaultLambda = RiskMetrics.Lambda;

        /// <summary>Decay λ in (0, 1).</summary>
        public double Lambda { get; set; } = DefaultLambda;
    }

    internal EwmaVarianceEstimator(Options o) : base(new EwmaVarianceTransformer(o.OutputColumnName, o.Input, o.Lambda, o.OutputType)) { }
}

/// <summary>
/// Rolling variance over the last w values, <c>(1/w) Σ x²</c> or the demeaned sample variance (core <see cref="OnlineRollingVariance"/>).
/// </summary>
public sealed class RollingVarianceTransformer : SeriesFeatureTransformer
{
    internal const string Kind = "rolling-variance";

    internal RollingVarianceTransformer(string output, string input, int window, bool demean, DataKind outputType) : base(output, input, outputType)
    {
        _ = new OnlineRollingVariance(window, demean); // validates the window
        Window = window;
        Demean = demean;
    }

    /// <summary>Window length w.</summary>
    public int Window { get; }

    /// <summary>Subtract the window mean.</summary>
    public bool Demean { get; }

    private protected override string Description => "rolling variance";

    internal override string FeatureKind => Kind;

    internal override Dictionary<string, double> Parameters => new() { ["window"] = Window, ["demean"] = Demean ? 1 : 0 };

    private protected override IOnlineFeature NewFeature() => new OnlineRollingVariance(Window, Demean);
}

/// <summary>Estimator of <see cref="RollingVarianceTransformer"/> (<c>mlContext.Transforms.ComputeRollingVariance</c>).</summary>
public sealed class RollingVarianceEstimator : SeriesFeatureEstimator<RollingVarianceTransformer>
{
    /// <summary>Options of <see cref="RollingVarianceEstimator"/>.</summary>
    public sealed class Options : SeriesColumnOptions
    {
        /// <summary>Default window (one trading month).</summary>
        public const int DefaultWindow = 22;

        /// <summary>Default <see cref="Demean"/>.</summary>
        public const bool DefaultDemean = false;

        /// <summary>Window length.</summary>
        public int Window { get; set; } = DefaultWindow;

        /// <summary>Subtract the window mean.</summary>
        public bool Demean { get; set; } = DefaultDemean;
    }

    internal RollingVarianceEstimator(Options o) : base(new RollingVarianceTransformer(o.OutputColumnName, o.Input, o.Window, o.Demean, o.OutputType)) { }
}

/// <summary>
/// Realized variance of each period of m intraday prices, <c>RV = Σ_i (ln p_i - ln p_{i-1})²</c> (running value within the
/// period; core <see cref="OnlineRealizedVariance"/>).
/// </summary>
public sealed class RealizedVarianceTransformer : SeriesFeatureTransformer
{
    internal const string Kind = "realized-variance";

    internal RealizedVarianceTransformer(string output, string input, int pricesPerPeriod, bool percent, DataKind outputType) : base(output, input, outputType)
    {
        _ = new OnlineRealizedVariance(pricesPerPeriod, percent); // validates m
        PricesPerPeriod = pricesPerPeriod;
        Percent = percent;
    }

    /// <summary>Prices per period m.</summary>
    public int PricesPerPeriod { get; }

    /// <summary>Percent log returns.</summary>
    public bool Percent { get; }

    private protected override string Description => "realized variance";

    internal override string FeatureKind => Kind;

    internal override Dictionary<string, double> Parameters => new() { ["period"] = PricesPerPeriod, ["percent"] = Percent ? 1 : 0 };

    private protected override IOnlineFeature NewFeature() => new OnlineRealizedVariance(PricesPerPeriod, Percent);
}

/// <summary>Estimator of <see cref="RealizedVarianceTransformer"/> (<c>mlContext.Transforms.ComputeRealizedVariance</c>).</summary>
public sealed class RealizedVarianceEstimator : SeriesFeatureEstimator<RealizedVarianceTransformer>
{
    /// <summary>Options of <see cref="RealizedVarianceEstimator"/>.</summary>
    public sealed class Options : SeriesColumnOptions
    {
        /// <summary>Default prices per period (5-minute bars of a 6.5-hour session).</summary>
        public const int DefaultPricesPerPeriod = 78;

        /// <summary>Default <see cref="Percent"/>.</summary>
        public const bool DefaultPercent = false;

        /// <summary>Prices per period m ≥ 2.</summary>
        public int PricesPerPeriod { get; set; } = DefaultPricesPerPeriod;

        /// <summary>Use percent log returns.</summary>
        public bool Percent { get; set; } = DefaultPercent;
    }

    internal RealizedVarianceEstimator(Options o) : base(new RealizedVarianceTransformer(o.OutputColumnName, o.Input, o.PricesPerPeriod, o.Percent, o.OutputType)) { }
}

/// <summary>
/// HAR components of a variance proxy v (realized variance or squared returns), three columns: daily <c>v_t</c>, weekly
/// <c>(1/w) Σ_{i&lt;w} v_{t-i}</c>, monthly <c>(1/m) Σ_{i&lt;m} v_{t-i}</c> (core <see cref="OnlineHarComponents"/>).
/// </summary>
public sealed class HarComponentsTransformer : SeriesTransformer
{
    internal HarComponentsTransformer(string daily, string weekly, string monthly, string input, int weeklyWindow, int monthlyWindow, DataKind outputType)
        : base(input, null, outputType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(daily);
        ArgumentException.ThrowIfNullOrWhiteSpace(weekly);
        ArgumentException.ThrowIfNullOrWhiteSpace(monthly);
        if (daily == weekly || daily == monthly || weekly == monthly)
            throw new ArgumentException($"The daily, weekly and monthly columns need three different names ('{daily}', '{weekly}', '{monthly}').");
        _ = new OnlineHarComponents(weeklyWindow, monthlyWindow); // validates the windows
        DailyColumnName = daily;
        WeeklyColumnName = weekly;
        MonthlyColumnName = monthly;
        WeeklyWindow = weeklyWindow;
        MonthlyWindow = monthlyWindow;
    }

    /// <summary>Daily component column.</summary>
    public string DailyColumnName { get; }

    /// <summary>Weekly component column.</summary>
    public string WeeklyColumnName { get; }

    /// <summary>Monthly component column.</summary>
    public string MonthlyColumnName { get; }

    /// <summary>Weekly window.</summary>
    public int WeeklyWindow { get; }

    /// <summary>Monthly window.</summary>
    public int MonthlyWindow { get; }

    internal override IReadOnlyList<(string Name, int Width)> Outputs => [(DailyColumnName, 0), (WeeklyColumnName, 0), (MonthlyColumnName, 0)];

    private protected override string Description => "HAR components";

    internal override ISeriesState CreateState() => new ReplayState(() =>
    {
        var har = new OnlineHarComponents(WeeklyWindow, MonthlyWindow);
        return (double x, Span<double> o) =>
        {
            var v = har.Update(x);
            o[0] = v.Daily;
            o[1] = v.Weekly;
            o[2] = v.Monthly;
        };
    }, 3);
}

/// <summary>Estimator of <see cref="HarComponentsTransformer"/> (<c>mlContext.Transforms.ComputeHarComponents</c>).</summary>
public sealed class HarComponentsEstimator : SeriesFeatureEstimator<HarComponentsTransformer>
{
    /// <summary>Options of <see cref="HarComponentsEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Daily component column.</summary>
        public string DailyColumnName { get; set; } = "HarDaily";

        /// <summary>Weekly component column.</summary>
        public string WeeklyColumnName { get; set; } = "HarWeekly";

        /// <summary>Monthly component column.</summary>
        public string MonthlyColumnName { get; set; } = "HarMonthly";

        /// <summary>Variance proxy column (Double or Single, ≥ 0).</summary>
        public string InputColumnName { get; set; } = "";

        /// <summary>Weekly window.</summary>
        public int WeeklyWindow { get; set; } = HarComponents.DefaultWeeklyWindow;

        /// <summary>Monthly window.</summary>
        public int MonthlyWindow { get; set; } = HarComponents.DefaultMonthlyWindow;

        /// <summary>Item type of the three columns.</summary>
        public DataKind OutputType { get; set; } = SeriesColumnOptions.DefaultOutputType;
    }

    internal HarComponentsEstimator(Options o)
        : base(new HarComponentsTransformer(o.DailyColumnName, o.WeeklyColumnName, o.MonthlyColumnName, o.InputColumnName, o.WeeklyWindow, o.MonthlyWindow, o.OutputType)) { }
}

/// <summary>One HAR component of pipelines saved before the three-column <see cref="HarComponentsTransformer"/> (loading only).</summary>
internal sealed class LegacyHarComponentTransformer : SeriesFeatureTransformer
{
    internal const string Kind = "har-component";
    private readonly int _component, _weekly, _monthly;

    internal LegacyHarComponentTransformer(string output, string input, int component, int weekly, int monthly, DataKind outputType) : base(output, input, outputType)
    {
        if (component is < 0 or > 2) throw new InvalidDataException($"HAR component {component} must be 0 (daily), 1 (weekly) or 2 (monthly).");
        _ = new OnlineHarComponents(weekly, monthly);
        (_component, _weekly, _monthly) = (component, weekly, monthly);
    }

    private protected override string Description => "HAR component";

    internal override string FeatureKind => Kind;

    internal override Dictionary<string, double> Parameters => new() { ["component"] = _component, ["weekly"] = _weekly, ["monthly"] = _monthly };

    private protected override IOnlineFeature NewFeature() => new Component(new OnlineHarComponents(_weekly, _monthly), _component);

    private sealed class Component(OnlineHarComponents har, int component) : IOnlineFeature
    {
        public int Count => har.Count;

        public bool IsReady => har.IsReady;

        public double Update(double x)
        {
            var v = har.Update(x);
            return component switch { 0 => v.Daily, 1 => v.Weekly, _ => v.Monthly };
        }

        public void Reset() => har.Reset();
    }
}
