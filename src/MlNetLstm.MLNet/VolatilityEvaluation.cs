using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Evaluation;

namespace MlNetLstm.MLNet;

/// <summary>
/// Accuracy of a variance forecast column against a realized proxy column (<c>mlContext.Forecasting.EvaluateVolatility</c>),
/// computed with the core library's functions (<see cref="Losses"/>, <see cref="MincerZarnowitz"/>, <see cref="DieboldMariano"/>),
/// so the numbers equal a core walk-forward evaluation of the same forecasts. Immutable.
/// </summary>
public sealed class VolatilityMetrics
{
    internal VolatilityMetrics(int count, double qlike, double mse, double mae, MincerZarnowitzResult mz, DieboldMarianoResult? dm)
    {
        Count = count;
        Qlike = qlike;
        Mse = mse;
        Mae = mae;
        MincerZarnowitz = mz;
        DieboldMariano = dm;
    }

    /// <summary>Number of (forecast, proxy) pairs evaluated.</summary>
    public int Count { get; }

    /// <summary>Mean QLIKE loss <c>(1/n) Σ (log h_t + σ̂²_t / h_t)</c> (lower is better).</summary>
    public double Qlike { get; }

    /// <summary>Mean squared error <c>(1/n) Σ (σ̂²_t - h_t)²</c>.</summary>
    public double Mse { get; }

    /// <summary>Mean absolute error <c>(1/n) Σ |σ̂²_t - h_t|</c>.</summary>
    public double Mae { get; }

    /// <summary>R² of the Mincer-Zarnowitz regression <c>σ̂²_t = a + b h_t + u_t</c>.</summary>
    public double MincerZarnowitzRSquared => MincerZarnowitz.RSquared;

    /// <summary>The whole Mincer-Zarnowitz regression (coefficients, HAC standard errors, Wald test).</summary>
    public MincerZarnowitzResult MincerZarnowitz { get; }

    /// <summary>
    /// Diebold-Mariano test of the forecast against the benchmark column (null without one): loss differential
    /// <c>d_t = L(h_t) - L(g_t)</c>, so a negative statistic means the forecast is more accurate than the benchmark.
    /// </summary>
    public DieboldMarianoResult? DieboldMariano { get; }
}

/// <summary>Evaluation of variance forecasts inside ML.NET.</summary>
public static class VolatilityEvaluation
{
    /// <summary>Former overload of <c>EvaluateVolatility</c> with the replaced loss enum (Mse, Mae, Qlike map to Loss.MeanSquaredError, Loss.MeanAbsoluteError, Loss.Qlike).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="data">Scored data.</param>
    /// <param name="proxyColumnName">Realized variance proxy column.</param>
    /// <param name="scoreColumnName">Variance forecast column.</param>
    /// <param name="benchmarkColumnName">Optional second forecast column.</param>
    /// <param name="loss">Loss of the Diebold-Mariano test.</param>
    /// <param name="step">Which step of a multi-step forecast to evaluate.</param>
    /// <param name="lead">Rows between a forecast and its proxy.</param>
    /// <returns>The metrics.</returns>
    [Obsolete("Pass an MlNetLstm.Loss.")]
    public static VolatilityMetrics EvaluateVolatility(this ForecastingCatalog catalog, IDataView data, string proxyColumnName,
        string scoreColumnName, string? benchmarkColumnName, LossFunction loss, int step = 1, int? lead = null)
        => EvaluateVolatility(catalog, data, proxyColumnName, scoreColumnName, benchmarkColumnName, loss switch
        {
            LossFunction.Mse => Loss.MeanSquaredError,
            LossFunction.Mae => Loss.MeanAbsoluteError,
            LossFunction.Qlike => Loss.Qlike,
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown LossFunction."),
        }, step, lead);

    /// <summary>
    /// Evaluates a variance forecast column against a realized proxy column (for example squared returns from
    /// <c>ComputeVarianceProxy</c>). The forecast in row t is the forecast made after row t of the next row's variance, so it is
    /// paired with the proxy <paramref name="lead"/> rows later (default: <paramref name="step"/>). Rows whose forecast (or benchmark) is NaN — the
    /// warm-up rows of a forecaster — are left out; every other value must be finite and the forecasts positive. Evaluate on
    /// the test rows only by skipping the training rows first (<c>mlContext.Data.SkipRows</c>).
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="data">Scored data (the fitted pipeline's output).</param>
    /// <param name="proxyColumnName">Realized variance proxy column (Double or Single, ≥ 0).</param>
    /// <param name="scoreColumnName">Variance forecast column: a scalar (Double or Single), or the vector column of a multi-step
    /// forecaster, whose element <paramref name="step"/> - 1 is evaluated.</param>
    /// <param name="benchmarkColumnName">Optional second forecast column (same shape) for the Diebold-Mariano test.</param>
    /// <param name="loss">Loss of the Diebold-Mariano test: <see cref="Loss.Qlike"/> (default), <see cref="Loss.MeanSquaredError"/>,
    /// <see cref="Loss.MeanAbsoluteError"/> or <see cref="Loss.GaussianNll"/>.</param>
    /// <param name="step">Which step of a multi-step forecast to evaluate (1 for scalar columns).</param>
    /// <param name="lead">Rows between a forecast and the proxy it forecasts (≥ 0); null: <paramref name="step"/>.</param>
    /// <returns>The metrics.</returns>
    public static VolatilityMetrics EvaluateVolatility(this ForecastingCatalog catalog, IDataView data, string proxyColumnName,
        string scoreColumnName = GarchVolatilityEstimator.Options.DefaultOutputColumnName, string? benchmarkColumnName = null,
        Loss loss = Loss.Qlike, int step = 1, int? lead = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be at least 1.");
        int ahead = lead ?? step;
        if (ahead < 0) throw new ArgumentOutOfRangeException(nameof(lead), lead, "lead must be at least 0.");
        var names = new List<string> { scoreColumnName, proxyColumnName };
        if (benchmarkColumnName is not null) names.Add(benchmarkColumnName);
        var cols = names.Select((n, i) => i == 1 ? SchemaChecks.RequireNumericColumn(data.Schema, n) : ForecastColumn(data.Schema, n, step)).ToList();
        var values = names.Select(_ => new List<double>()).ToList();
        using (var cursor = data.GetRowCursor(cols.Distinct()))
        {
            var readers = cols.Select((c, i) => i == 1 ? SchemaChecks.NumericReader(cursor, c) : ForecastReader(cursor, c, step)).ToList();
            while (cursor.MoveNext())
                for (int i = 0; i < readers.Count; i++) values[i].Add(readers[i]());
        }

        List<double> score = values[0], proxy = values[1], bench = benchmarkColumnName is null ? [] : values[2];
        var f = new List<double>();
        var g = new List<double>();
        var p = new List<double>();
        for (int t = 0; t + ahead < score.Count; t++)
        {
            if (double.IsNaN(score[t]) || (benchmarkColumnName is not null && double.IsNaN(bench[t]))) continue;
            Check(score[t], scoreColumnName, t, positive: true);
            Check(proxy[t + ahead], proxyColumnName, t + ahead, positive: false);
            f.Add(score[t]);
            p.Add(proxy[t + ahead]);
            if (benchmarkColumnName is not null)
            {
                Check(bench[t], benchmarkColumnName, t, positive: true);
                g.Add(bench[t]);
            }
        }

        if (f.Count < 3)
            throw new ArgumentException($"Only {f.Count} (forecast, proxy) pairs in '{scoreColumnName}' / '{proxyColumnName}' (NaN forecasts and the last {ahead} row(s) are left out); at least 3 are needed.", nameof(data));
        double[] fa = [.. f], pa = [.. p];
        return new VolatilityMetrics(fa.Length, Losses.Qlike(fa, pa), Losses.Mse(fa, pa), Losses.Mae(fa, pa),
            MincerZarnowitz.Fit(fa, pa),
            benchmarkColumnName is null ? null : DieboldMariano.Test(loss, fa, [.. g], pa));
    }

    private static DataViewSchema.Column ForecastColumn(DataViewSchema schema, string name, int step)
    {
        var col = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' not found; expected a variance forecast column (Double or Single, scalar or vector).");
        if (col.Type is VectorDataViewType v && (v.ItemType == NumberDataViewType.Double || v.ItemType == NumberDataViewType.Single) && v.Size >= step)
            return col;
        if (step == 1) return SchemaChecks.RequireNumericColumn(schema, name);
        throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' has type {col.Type}; step {step} needs a known-size Double or Single vector of at least {step} forecasts.");
    }

    private static Func<double> ForecastReader(DataViewRow row, DataViewSchema.Column col, int step)
    {
        if (col.Type is not VectorDataViewType v) return SchemaChecks.NumericReader(row, col);
        int k = step - 1;
        if (v.ItemType == NumberDataViewType.Double)
        {
            var g = row.GetGetter<VBuffer<double>>(col);
            VBuffer<double> b = default;
            return () => { g(ref b); return b.GetItemOrDefault(k); };
        }

        var f = row.GetGetter<VBuffer<float>>(col);
        VBuffer<float> fb = default;
        return () => { f(ref fb); return fb.GetItemOrDefault(k); };
    }

    private static void Check(double v, string column, int row, bool positive)
    {
        if (!double.IsFinite(v) || (positive ? !(v > 0) : v < 0))
            throw new ArgumentException($"Column '{column}' row {row}: {v} is not {(positive ? "a positive finite variance forecast" : "a finite, non-negative proxy")}.");
    }
}
