using System.Globalization;
using MlNetLstm.Cli.Commands;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Realized;
using MlNetLstm.Volatility.Neural;
using Settings = MlNetLstm.Cli.Commands.BacktestCommand.Settings;

namespace MlNetLstm.Cli.Backtest;

/// <summary>
/// The series of <c>mlnetlstm backtest</c>: the bundled S&amp;P 500 and DEM/GBP returns, a CSV of prices or returns (with
/// optional dates and exogenous columns), intraday prices grouped into trading days, or a folder of CSV files (--universe).
/// Errors name the option and file.
/// </summary>
internal static class BacktestData
{
    internal static List<BacktestSeries> Load(Settings s)
    {
        if (s.Universe is { } folder)
        {
            if (File.Exists(folder)) throw new ArgumentException($"--universe '{folder}' is a file; give a folder of CSV files.");
            if (!Directory.Exists(folder)) throw new ArgumentException($"--universe: folder '{folder}' does not exist.");
            string[] files = Directory.GetFiles(folder, "*.csv").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new ArgumentException($"--universe: folder '{folder}' has no .csv file.");
            return files.SelectMany(f => Load(s with { Universe = null, Data = f })).ToList();
        }
        if (s.Data is null)
        {
            double[] sp = CsvSeriesReader.ReadFile(BundledPath("sp500dge.csv"), "sp500_ret").ToArray();
            double[] dm = CsvSeriesReader.ReadFile(BundledPath("dem2gbp.csv"), "dem2gbp").ToArray();
            const string note = "The bundled file has no dates (only an observation number); the dates shown are reconstructed on the trading calendar " +
                                "between documented anchor dates ({0}), so they may be some weeks off between anchors; shocks on an anchor carry their exact date, others \"≈\".";
            string Anchors((int Index, DateTime Date)[] a) => string.Join(", ", a.Select(x => x.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            return
            [
                new BacktestSeries("S&P 500 (sp500dge)", "Daily S&P 500 returns, Jan 1928 - Aug 1991 (Ding, Granger and Engle 1993), 17,054 returns.", sp,
                    Dates: BundledDates.Interpolate(sp.Length, BundledDates.Sp500Anchors), ExactDate: i => BundledDates.IsAnchor(BundledDates.Sp500Anchors, i),
                    DateNote: string.Format(CultureInfo.InvariantCulture, note, Anchors(BundledDates.Sp500Anchors))),
                new BacktestSeries("DEM/GBP (dem2gbp)", "Daily percentage returns of the Deutschmark / British pound rate, 1984-1991 (Bollerslev and Ghysels 1996), 1,974 returns.", dm,
                    Dates: BundledDates.Interpolate(dm.Length, BundledDates.DemGbpAnchors), ExactDate: i => BundledDates.IsAnchor(BundledDates.DemGbpAnchors, i),
                    DateNote: string.Format(CultureInfo.InvariantCulture, note, Anchors(BundledDates.DemGbpAnchors))),
            ];
        }
        if (s.Intraday)
        {
            string timeColumn = s.DateColumn ?? DetectDateColumn(s.Data, "time", "timestamp", "datetime", "date")
                ?? throw new ArgumentException($"--intraday: '{s.Data}' has no time column (named time, timestamp, datetime or date); name it with --date-column.");
            SeriesData raw = CsvSeriesReader.ReadFile(s.Data, s.Column!, new CsvSeriesOptions { DateColumn = timeColumn, MinimumRows = 60, RequirePositive = true });
            IntradayDays days;
            try { days = IntradayDays.Build(raw.Dates!, raw.Values, BacktestCommand.SessionOptions(s)); }
            catch (ArgumentException ex) { throw new ArgumentException($"--intraday, {s.Data}: {ex.Message}"); }
            string proxy = $"Proxy: the daily {days.Options.Describe()} (RV), not r².";
            return [new BacktestSeries($"{Path.GetFileName(s.Data)} [{s.Column}, intraday]",
                $"{raw.Count:N0} intraday prices from {s.Data} grouped into {days.Returns.Count + 1:N0} trading days; {days.Returns.Count:N0} daily close-to-close log returns. {proxy} " +
                $"{days.Rejected.Count} day(s) with too few intraday returns left out{(days.Rejected.Count > 0 ? ": " + string.Join(", ", days.Rejected.Select(r => $"{r.Day:yyyy-MM-dd} ({r.IntradayReturns})")) : "")}; " +
                $"{days.OutsideSession:N0} prices outside the session. HAR-RV, log-HAR and EWMA-RV run on RV, GARCH and GJR on the daily returns, the LSTMs on RV (inputs and target); " +
                "no gate charts (they are drawn for the daily model).",
                days.Returns.ToArray(), Dates: days.Days.Select(d => d.ToDateTime(TimeOnly.MinValue)).ToArray(), Intraday: days)];
        }
        string? dateColumn = s.DateColumn ?? DetectDateColumn(s.Data);
        SeriesData series = CsvSeriesReader.ReadFile(s.Data, s.Column!, new CsvSeriesOptions { DateColumn = dateColumn, MinimumRows = 60, RequirePositive = s.Input == "price" });
        double[] values = series.ToArray();
        double[] returns = s.Input == "price" ? PriceReturns.FromPrices(values) : values;
        IReadOnlyList<DateTime>? dates = series.Dates is null ? null : s.Input == "price" ? series.Dates.Skip(1).ToArray() : series.Dates;
        ExogenousSeries? exogenous = null;
        if (s.Exogenous is { Length: > 0 } names)
        {
            // Same file, same rows: each column is read with the reader's checks (missing, non-numeric, non-finite cells name their line).
            var columns = names.Select(c =>
            {
                SeriesData col = CsvSeriesReader.ReadFile(s.Data, c, new CsvSeriesOptions { MinimumRows = 60 });
                return new KeyValuePair<string, double[]>(col.Name, col.ToArray());
            }).ToList();
            exogenous = ExogenousSeries.FromColumns(columns);
            // Returns from prices start at the second row: return t (p_{t+1} / p_t) is known with row t + 1.
            if (s.Input == "price") exogenous = exogenous.Slice(1, exogenous.Count - 1);
        }
        string exogText = exogenous is null ? string.Empty : $" Exogenous inputs of the LSTMs: {string.Join(", ", exogenous.Names)}.";
        string garchText = s.Anchor switch
        {
            VolatilityAnchor.Selected => " The LSTMs correct an anchor chosen on each training window among EWMA, GARCH(1,1) and GJR by validation QLIKE, and read its forecast when it is GARCH or GJR.",
            VolatilityAnchor.Gjr => " The LSTMs correct the gjr anchor and read a GJR-GARCH(1,1,1) forecast.",
            VolatilityAnchor.Ewma => s.GarchFeature ? " The LSTMs also read a GARCH(1,1) forecast (hybrid LSTM-GARCH)." : string.Empty,
            _ => $" The LSTMs correct the {s.Anchor.ToString().ToLowerInvariant()} anchor and read a GARCH(1,1) forecast (hybrid LSTM-GARCH).",
        };
        if (s.Shrinkage == CorrectionShrinkage.Validation) garchText += " Their correction is shrunk toward the anchor by a weight chosen on each window's validation tail (0: the anchor alone).";
        return [new BacktestSeries($"{Path.GetFileName(s.Data)} [{s.Column}]",
            $"{returns.Length} {(s.Input == "price" ? "log returns from prices" : "returns")} from {s.Data}.{exogText}{garchText}", returns, exogenous, dates)];
    }

    /// <summary>Checks, before any fitting, that --train, --test and --horizon leave enough forecast origins in the data set.</summary>
    internal static void CheckSizes(Settings s, BacktestSeries set)
    {
        ReturnScale.Check(set.Returns, s.Column is null ? set.Name : $"--column {s.Column}{(s.Input == "price" ? " (returns from prices)" : "")}");
        int n = set.Returns.Length;
        int train = s.Train ?? Math.Min(BacktestCommand.DefaultMaxTrain, n / 2);
        int minOrigins = Math.Max(3, 2 * s.Horizon + 1);
        long available = (long)n - train - s.Horizon + 1;
        if (available < minOrigins)
            throw new ArgumentException($"{set.Name}: {n:N0} returns with --train {train:N0} and --horizon {s.Horizon} leave {Math.Max(available, 0)} forecast origins " +
                                        $"(at least {minOrigins} needed); use a smaller --train.");
    }

    /// <summary>The first header cell named "date" (any case), or null; checks that the path is an existing file.</summary>
    internal static string? DetectDateColumn(string path) => DetectDateColumn(path, "date");

    /// <summary>The first header cell with one of <paramref name="names"/> (any case, in the order given), or null; checks that the path is an existing file.</summary>
    internal static string? DetectDateColumn(string path, params string[] names)
    {
        if (Directory.Exists(path)) throw new ArgumentException($"--data '{path}' is a folder, not a CSV file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"--data: file '{path}' does not exist.", path);
        string? header = File.ReadLines(path).FirstOrDefault();
        if (header is null) return null;
        string[] cells = header.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        return names.Select(n => cells.FirstOrDefault(h => h.Equals(n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(h => h is not null);
    }

    internal static string BundledPath(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", file);
        if (!File.Exists(path)) throw new FileNotFoundException($"Bundled data file '{path}' is missing; rebuild the CLI.", path);
        return path;
    }

    /// <summary>Writes, for each intraday series, its trading days and the days left out to <paramref name="stderr"/>.</summary>
    internal static void DescribeIntradayDays(IEnumerable<BacktestSeries> sets, TextWriter stderr)
    {
        foreach (BacktestSeries set in sets)
        {
            if (set.Intraday is not { } days) continue;
            stderr.WriteLine($"{set.Name}: {days.Returns.Count + 1:N0} trading days ({days.Options.Describe()}); {days.OutsideSession:N0} prices outside the session left out.");
            if (days.Rejected.Count > 0)
                stderr.WriteLine($"{set.Name}: {days.Rejected.Count} day(s) left out, fewer than {days.Options.MinimumReturns} intraday returns: " +
                                 string.Join(", ", days.Rejected.Take(10).Select(r => $"{r.Day:yyyy-MM-dd} ({r.IntradayReturns})")) +
                                 (days.Rejected.Count > 10 ? $" and {days.Rejected.Count - 10} more" : "") +
                                 "; the next day's return runs from the previous kept close. All are listed in results.json and the report.");
        }
    }
}
