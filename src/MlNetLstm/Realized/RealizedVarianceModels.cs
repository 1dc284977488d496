using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Realized;

/// <summary>
/// Shared conventions of the models on a realized measure: the daily RV reaches them as the exogenous column
/// <see cref="Column"/> (row t: RV_t, observed at the close of day t with r_t), so that <see cref="WalkForward"/> hands each model the
/// RV rows of its own window and never a future one.
/// </summary>
public static class RealizedInputs
{
    /// <summary>Name of the exogenous column holding the daily realized measure: "rv".</summary>
    public const string Column = "rv";

    /// <summary>The RV column of <paramref name="exogenous"/>, checked finite and non-negative, or an <see cref="ArgumentException"/> saying it is needed.</summary>
    /// <param name="exogenous">The exogenous rows.</param>
    /// <param name="rows">Expected rows (the returns' length).</param>
    /// <param name="model">The model's name, for the message.</param>
    /// <returns>RV_1..RV_n.</returns>
    public static double[] Read(ExogenousSeries? exogenous, int rows, string model)
    {
        if (exogenous is null || !exogenous.Names.Contains(Column))
            throw new ArgumentException($"{model} is a model on realized variance: it needs the exogenous column '{Column}' (daily RV aligned with the returns), " +
                                        "for example WalkForwardOptions.Exogenous = ExogenousSeries.FromColumn(RealizedInputs.Column, rv).", nameof(exogenous));
        exogenous.EnsureAligned(rows, nameof(exogenous));
        double[] rv = exogenous.Column(Column);
        EvalGuard.FiniteNonNegative(rv, $"exogenous column '{Column}'");
        return rv;
    }

    /// <summary>An exogenous series with a single RV column.</summary>
    /// <param name="rv">Daily realized measures.</param>
    /// <returns>The series.</returns>
    public static ExogenousSeries Create(ReadOnlySpan<double> rv) => ExogenousSeries.FromColumn(Column, rv);
}

/// <summary>
/// HAR-RV (Corsi 2009) on the daily realized measure, name "har-rv", or its log form (<c>ln RV</c> regressed on the logs of the
/// daily, weekly and monthly averages, smearing back-transform), name "log-har": <see cref="HarModel"/> fitted on the RV column of
/// the window. Forecasts of RV_{t+k} (floored at 1e-3 × the mean training RV) are the variance forecasts.
/// </summary>
public sealed class RealizedHarVarianceModel : IVarianceModel
{
    /// <summary>Name of the level model.</summary>
    public const string LevelName = "har-rv";

    /// <summary>Name of the log model.</summary>
    public const string LogName = "log-har";

    /// <summary>Creates the model.</summary>
    /// <param name="log">Log-HAR instead of level HAR-RV.</param>
    /// <param name="options">HAR options (null: Corsi's 1/5/22, iterated); <see cref="HarOptions.Log"/> is set from <paramref name="log"/>.</param>
    public RealizedHarVarianceModel(bool log = false, HarOptions? options = null)
    {
        var o = options ?? new HarOptions();
        Options = new HarOptions
        {
            WeeklyWindow = o.WeeklyWindow, MonthlyWindow = o.MonthlyWindow, Log = log, LogFloorFraction = o.LogFloorFraction,
            ForecastMethod = o.ForecastMethod, MaxHorizon = o.MaxHorizon, NeweyWestLags = o.NeweyWestLags,
        };
    }

    /// <summary>The HAR options.</summary>
    public HarOptions Options { get; }

    /// <inheritdoc />
    public string Name => Options.Log ? LogName : LevelName;

    /// <inheritdoc />
    public bool UsesExogenous => true;

    /// <summary>Not available: the model needs the RV column (throws, saying so).</summary>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    /// <inheritdoc />
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous)
    {
        double[] rv = RealizedInputs.Read(exogenous, returns.Length, Name);
        double mean = rv.Average();
        if (!(mean > 0)) throw new ArgumentException($"{Name}: the realized variances of the window are all zero.", nameof(exogenous));
        return new Fitted(HarModel.Fit(rv, Options), 1e-3 * mean, Name);
    }

    private sealed class Fitted(HarModel model, double floor, string name) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

        public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
        {
            double[] rv = RealizedInputs.Read(exogenousHistory, history.Length, name);
            double[] f = model.Forecast(rv, horizon);
            for (int i = 0; i < f.Length; i++) f[i] = Math.Max(f[i], floor);
            return f;
        }
    }
}

/// <summary>
/// EWMA of the realized measure, name "ewma-rv": <c>h_{t+1} = λ h_t + (1 - λ) RV_t</c>, started at the mean RV of the fitting window
/// (<see cref="RiskMetrics"/>' recursion and start rule with RV in place of r²); forecasts are flat over the horizon. No parameter is estimated.
/// </summary>
public sealed class RealizedEwmaVarianceModel : IVarianceModel
{
    /// <summary>Name in reports.</summary>
    public const string ModelName = "ewma-rv";

    /// <summary>Default λ: <see cref="RiskMetrics.Lambda"/> (0.94).</summary>
    public const double DefaultLambda = RiskMetrics.Lambda;

    /// <summary>Creates the model.</summary>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    public RealizedEwmaVarianceModel(double lambda = DefaultLambda)
    {
        RiskMetrics.CheckLambda(lambda, nameof(lambda));
        Lambda = lambda;
    }

    /// <summary>The decay λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public bool UsesExogenous => true;

    /// <summary>Not available: the model needs the RV column (throws, saying so).</summary>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    /// <inheritdoc />
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous)
    {
        double[] rv = RealizedInputs.Read(exogenous, returns.Length, Name);
        EvalGuard.MinLength(rv.Length, 1, nameof(returns));
        double mean = rv.Average();
        if (!(mean > 0)) throw new ArgumentException($"{Name}: the realized variances of the window are all zero.", nameof(exogenous));
        return new Fitted(Lambda, mean, Name);
    }

    private sealed class Fitted(double lambda, double start, string name) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

        public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
        {
            if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
            double[] rv = RealizedInputs.Read(exogenousHistory, history.Length, name);
            double h = start;
            foreach (double x in rv) h = RiskMetrics.UpdateWithSquare(h, x, lambda);
            h = Math.Max(h, 1e-6 * start);
            return Enumerable.Repeat(h, horizon).ToArray();
        }
    }
}

/// <summary>
/// The regime-adaptive LSTM (or its plain ablation) on realized variance, names "lstm-regime" and "lstm" as in the daily backtest.
/// The network of <see cref="LstmVolatilityModel"/> runs on the realized pseudo-return <c>ũ_t = sign(r_t) √RV_t</c> instead of r_t,
/// so that with no change to its equations:
/// <list type="bullet">
/// <item>its training target <c>ũ²_{t+1}</c> is RV_{t+1} (QLIKE of the forecast against RV, Patton-robust);</item>
/// <item>its inputs are ũ_t (RV with the sign of the day's return: leverage), |ũ_t| = √RV_t, the log of the EWMA of RV and, as
/// exogenous inputs (standardised on the training window), the HAR components <c>ln RV_t</c>, <c>ln mean(RV_{t-4..t})</c>,
/// <c>ln mean(RV_{t-21..t})</c> (partial windows at the start), beside any other exogenous columns;</item>
/// <item>the regime term <c>-β ⊙ |ũ_t|</c> of the forget gate is driven by the realized shock √RV_t (the day's realized volatility)
/// rather than |r_t|;</item>
/// <item>its anchor is the EWMA of RV (and, for the GARCH and blend anchors, a GARCH(1,1) on ũ, a GARCH driven by RV).</item>
/// </list>
/// The variance forecasts are forecasts of RV_{t+k}.
/// </summary>
public sealed class RealizedLstmVarianceModel : IVarianceModel
{
    /// <summary>Names of the HAR-component columns added for the network.</summary>
    public static readonly string[] ComponentColumns = ["ln rv", "ln rv(5)", "ln rv(22)"];

    private readonly LstmVolatilityModel _inner;

    /// <summary>Creates the model.</summary>
    /// <param name="options">The LSTM options (null: the defaults, regime-adaptive).</param>
    public RealizedLstmVarianceModel(LstmVolatilityOptions? options = null) => _inner = new LstmVolatilityModel(options);

    /// <summary>The LSTM options.</summary>
    public LstmVolatilityOptions Options => _inner.Options;

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public bool UsesExogenous => true;

    /// <summary>A seed ensemble of <paramref name="count"/> networks (seeds Seed..Seed+count-1), geometric mean of the forecasts.</summary>
    /// <param name="options">Options of every member (null: the defaults).</param>
    /// <param name="count">Networks, at least 1.</param>
    /// <returns>The combination, under the single model's name.</returns>
    public static MlNetLstm.Volatility.CombinedVarianceModel SeedEnsemble(LstmVolatilityOptions? options, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        options ??= new LstmVolatilityOptions();
        var members = Enumerable.Range(0, count).Select(k => new RealizedLstmVarianceModel(options with { Seed = options.Seed + k })).ToArray();
        return new MlNetLstm.Volatility.CombinedVarianceModel(members[0].Name, members);
    }

    /// <summary>Not available: the model needs the RV column (throws, saying so).</summary>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    /// <inheritdoc />
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous)
    {
        var (u, x) = Transform(returns, exogenous, Name);
        return new Fitted(_inner.Fit(u, x), Name);
    }

    /// <summary>
    /// The network's series: the pseudo-returns ũ_t = sign(r_t) √RV_t (sign + for r_t = 0) and its exogenous inputs, the HAR components
    /// <see cref="ComponentColumns"/> of RV (partial windows at the start), then every other column of <paramref name="exogenous"/>.
    /// </summary>
    /// <param name="returns">Daily returns r_1..r_n.</param>
    /// <param name="exogenous">Aligned exogenous rows with the <see cref="RealizedInputs.Column"/> column.</param>
    /// <param name="model">Model name for error messages.</param>
    /// <returns>ũ (n values) and the n-row exogenous series.</returns>
    public static (double[] PseudoReturns, ExogenousSeries Exogenous) Transform(ReadOnlySpan<double> returns, ExogenousSeries? exogenous, string model)
    {
        double[] rv = RealizedInputs.Read(exogenous, returns.Length, model);
        int n = rv.Length;
        var u = new double[n];
        var d = new double[n];
        var w = new double[n];
        var m = new double[n];
        double sw = 0, sm = 0;
        for (int t = 0; t < n; t++)
        {
            u[t] = (returns[t] < 0 ? -1 : 1) * Math.Sqrt(rv[t]);
            sw += rv[t]; if (t >= 5) sw -= rv[t - 5];
            sm += rv[t]; if (t >= 22) sm -= rv[t - 22];
            d[t] = Log(rv[t]);
            w[t] = Log(sw / Math.Min(t + 1, 5));
            m[t] = Log(sm / Math.Min(t + 1, 22));
        }
        var columns = new List<KeyValuePair<string, double[]>>
        {
            new(ComponentColumns[0], d), new(ComponentColumns[1], w), new(ComponentColumns[2], m),
        };
        foreach (string name in exogenous!.Names)
            if (name != RealizedInputs.Column) columns.Add(new(name, exogenous.Column(name)));
        return (u, ExogenousSeries.FromColumns(columns));
    }

    // Running sums can leave a tiny negative rounding residue; RV itself can be exactly 0 on a flat day.
    private static double Log(double x) => Math.Log(Math.Max(x, 1e-300));

    private sealed class Fitted(LstmVolatilityForecaster inner, string name) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

        public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
        {
            var (u, x) = Transform(history, exogenousHistory, name);
            return inner.ForecastVariance(u, x, horizon);
        }
    }
}
