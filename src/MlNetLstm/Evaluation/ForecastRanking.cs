using System.Globalization;
using System.Text;

namespace MlNetLstm.Evaluation;

/// <summary>Ranking table of competing variance forecasts, sorted by a chosen loss, with Diebold-Mariano tests. Immutable.</summary>
public sealed class ForecastRanking
{
    private ForecastRanking(IReadOnlyList<ForecastRankingRow> rows, Loss rankBy, string? benchmark)
    {
        Rows = rows;
        RankingLoss = rankBy;
        Benchmark = benchmark;
    }

    /// <summary>Rows sorted by increasing <see cref="RankingLoss"/> (ties keep the input order).</summary>
    public IReadOnlyList<ForecastRankingRow> Rows { get; }

    /// <summary>The loss used for sorting and for the DM tests.</summary>
    public Loss RankingLoss { get; }

    /// <summary>Former type of <see cref="RankingLoss"/>.</summary>
    [Obsolete("Use RankingLoss (of type MlNetLstm.Loss).")]
    public LossFunction RankBy => RankingLoss.ToLossFunction();

    /// <summary>Name of the benchmark model, if any.</summary>
    public string? Benchmark { get; }

    /// <summary>Name of the best model (first row).</summary>
    public string Best => Rows[0].Name;

    /// <summary>Builds the ranking.</summary>
    /// <param name="forecasts">At least one named forecast series, all with the proxy's length; names must be unique.</param>
    /// <param name="proxy">Realised variance proxy.</param>
    /// <param name="rankBy">Loss used to sort and to run the DM tests: MeanSquaredError, MeanAbsoluteError, Qlike (default) or GaussianNll.</param>
    /// <param name="benchmark">Optional name of a benchmark model present in <paramref name="forecasts"/>.</param>
    /// <param name="dmOptions">DM options (horizon, lags, HLN); null uses the defaults.</param>
    /// <returns>The ranking table.</returns>
    /// <exception cref="ArgumentException">Empty or duplicate names, length mismatch, unknown benchmark, invalid values.</exception>
    public static ForecastRanking Build(IReadOnlyList<NamedForecast> forecasts, ReadOnlySpan<double> proxy,
        Loss rankBy = Loss.Qlike, string? benchmark = null, DieboldMarianoOptions? dmOptions = null)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        if (rankBy is not (Loss.MeanSquaredError or Loss.MeanAbsoluteError or Loss.Qlike or Loss.GaussianNll))
            throw new ArgumentOutOfRangeException(nameof(rankBy), rankBy, $"{rankBy} is not a loss of a variance forecast (MeanSquaredError, MeanAbsoluteError, Qlike or GaussianNll).");
        if (forecasts.Count == 0) throw new ArgumentException("At least one forecast series is required.", nameof(forecasts));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in forecasts)
        {
            ArgumentNullException.ThrowIfNull(f, nameof(forecasts));
            if (string.IsNullOrWhiteSpace(f.Name)) throw new ArgumentException("A forecast series has an empty name.", nameof(forecasts));
            if (!names.Add(f.Name)) throw new ArgumentException($"Duplicate model name '{f.Name}'.", nameof(forecasts));
            EvalGuard.SameLength(proxy.Length, f.Forecasts.Count, nameof(proxy), $"forecasts['{f.Name}']");
        }
        if (benchmark is not null && !names.Contains(benchmark))
            throw new ArgumentException($"Benchmark '{benchmark}' is not one of the forecast series.", nameof(benchmark));

        int m = forecasts.Count;
        var lossSeries = new double[m][];
        var summary = new (double Mse, double Mae, double Qlike)[m];
        for (int k = 0; k < m; k++)
        {
            var f = forecasts[k].Forecasts.ToArray();
            summary[k] = (Losses.Mse(f, proxy), Losses.Mae(f, proxy),
                rankBy is Loss.Qlike or Loss.GaussianNll || AllPositive(f) ? Losses.Qlike(f, proxy) : double.PositiveInfinity);
            lossSeries[k] = Losses.Series(rankBy, f, proxy);
        }
        // Gaussian NLL = 0.5 (log 2π + QLIKE) orders the models as QLIKE does.
        double Key(int k) => rankBy switch { Loss.MeanSquaredError => summary[k].Mse, Loss.MeanAbsoluteError => summary[k].Mae, _ => summary[k].Qlike };
        var order = Enumerable.Range(0, m).OrderBy(Key).ThenBy(k => k).ToArray();
        int best = order[0];
        int bench = benchmark is null ? -1 : forecasts.ToList().FindIndex(f => f.Name == benchmark);
        var rows = new ForecastRankingRow[m];
        for (int r = 0; r < m; r++)
        {
            int k = order[r];
            DieboldMarianoResult? vsBest = k == best || m < 2 ? null : DieboldMariano.Test(lossSeries[k], lossSeries[best], dmOptions);
            DieboldMarianoResult? vsBench = bench < 0 || k == bench ? null : DieboldMariano.Test(lossSeries[k], lossSeries[bench], dmOptions);
            rows[r] = new ForecastRankingRow(forecasts[k].Name, r + 1, summary[k].Mse, summary[k].Mae, summary[k].Qlike, vsBest, vsBench);
        }
        return new ForecastRanking(Array.AsReadOnly(rows), rankBy, benchmark);
    }

    /// <summary>Former overload of <see cref="Build(IReadOnlyList{NamedForecast}, ReadOnlySpan{double}, Loss, string?, DieboldMarianoOptions?)"/> with the replaced loss enum.</summary>
    /// <param name="forecasts">Named forecast series.</param>
    /// <param name="proxy">Realised variance proxy.</param>
    /// <param name="rankBy">Loss used to sort and to run the DM tests.</param>
    /// <param name="benchmark">Optional benchmark name.</param>
    /// <param name="dmOptions">DM options.</param>
    /// <returns>The ranking table.</returns>
    [Obsolete("Pass an MlNetLstm.Loss.")]
    public static ForecastRanking Build(IReadOnlyList<NamedForecast> forecasts, ReadOnlySpan<double> proxy, LossFunction rankBy,
        string? benchmark = null, DieboldMarianoOptions? dmOptions = null) => Build(forecasts, proxy, rankBy.ToLoss(), benchmark, dmOptions);

    private static bool AllPositive(double[] f)
    {
        foreach (double v in f) if (!(v > 0)) return false;
        return true;
    }

    /// <summary>Formats the table as fixed-width text (invariant culture), one row per model.</summary>
    /// <returns>The text table.</returns>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"rank",4} {"model",-16} {"MSE",14} {"MAE",14} {"QLIKE",12} {"DM(best)",9} {"p",7} {"DM(bench)",9} {"p",7}");
        foreach (var r in Rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Rank,4} {r.Name,-16} {r.Mse,14:G6} {r.Mae,14:G6} {r.Qlike,12:G6} {Fmt(r.VersusBest?.Statistic),9} {Fmt(r.VersusBest?.PValue),7} {Fmt(r.VersusBenchmark?.Statistic),9} {Fmt(r.VersusBenchmark?.PValue),7}");
        }
        return sb.ToString();
    }

    private static string Fmt(double? v) => v is null ? "-" : v.Value.ToString("F3", CultureInfo.InvariantCulture);
}
