using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Realized;

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
