using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Realized;

namespace MlNetLstm.MLNet;

/// <summary>
/// Options of <see cref="RealizedCatalog.ComputeDailyRealizedVariance(DataOperationsCatalog, IDataView, DailyRealizedOptions)"/>: which
/// columns of the intraday rows hold the time and the price, and the session rule and estimator (core <see cref="IntradaySessionOptions"/>,
/// whose defaults are defined there once).
/// </summary>
public sealed class DailyRealizedOptions
{
    /// <summary>Default time column: "Time".</summary>
    public const string DefaultTimeColumnName = "Time";

    /// <summary>Default price column: "Price".</summary>
    public const string DefaultPriceColumnName = "Price";

    /// <summary>Time column of the intraday rows: DateTime (taken as UTC) or DateTimeOffset.</summary>
    public string TimeColumnName { get; set; } = DefaultTimeColumnName;

    /// <summary>Price column of the intraday rows: Double or Single, positive.</summary>
    public string PriceColumnName { get; set; } = DefaultPriceColumnName;

    /// <summary>Session rule (time zone, open, close, minimum intraday returns), overnight return and estimator.</summary>
    public IntradaySessionOptions Session { get; set; } = new();
}

/// <summary>
/// The daily rows built from intraday rows: <see cref="Days"/> has one row per kept trading day (after the first, whose close starts
/// the returns) with the columns <see cref="DayColumn"/> (DateTime, the local trading date), <see cref="ReturnColumn"/> (close-to-close
/// log return), <see cref="RealizedVarianceColumn"/> (the day's realized measure: use it as the proxy column of
/// <c>mlContext.Forecasting.EvaluateVolatility</c> for QLIKE and MSE against RV), <see cref="OvernightColumn"/> and
/// <see cref="IntradayReturnsColumn"/> (Int32). Days with too few intraday returns are in <see cref="Rejected"/>, never dropped silently.
/// </summary>
public sealed class DailyRealizedResult
{
    /// <summary>Column of the trading date.</summary>
    public const string DayColumn = "Day";
    /// <summary>Column of the close-to-close log return.</summary>
    public const string ReturnColumn = "Return";
    /// <summary>Column of the daily realized measure.</summary>
    public const string RealizedVarianceColumn = "RealizedVariance";
    /// <summary>Column of the overnight log return.</summary>
    public const string OvernightColumn = "Overnight";
    /// <summary>Column of the number of intraday returns.</summary>
    public const string IntradayReturnsColumn = "IntradayReturns";

    internal DailyRealizedResult(IDataView days, IntradayDays core) { Days = days; Core = core; }

    /// <summary>The daily rows.</summary>
    public IDataView Days { get; }

    /// <summary>The core daily series (same numbers).</summary>
    public IntradayDays Core { get; }

    /// <summary>Days left out for too few intraday returns.</summary>
    public IReadOnlyList<RejectedDay> Rejected => Core.Rejected;

    /// <summary>Intraday rows outside the session.</summary>
    public int OutsideSession => Core.OutsideSession;

    /// <summary>The session rule and estimator in words.</summary>
    public string Rule => Core.Options.Describe();
}

/// <summary>Realized-variance extensions on <c>mlContext.Data</c>.</summary>
public static class RealizedCatalog
{
    /// <summary>
    /// The realized-variance featurizer for intraday rows: groups them into trading days by the session rule (local session
    /// <paramref name="sessionOpen"/>-<paramref name="sessionClose"/> in <paramref name="timeZone"/>, at least
    /// <paramref name="minimumReturns"/> intraday returns per day) and returns one row per day with the close-to-close return and
    /// the daily realized measure (core <see cref="IntradayDays"/>). A day-level operation, like a group-by: the intraday rows
    /// become fewer daily rows, so it lives on <c>mlContext.Data</c>, not in a row-to-row pipeline.
    /// </summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="intraday">Intraday rows, oldest first.</param>
    /// <param name="timeColumnName">DateTime (UTC) or DateTimeOffset column.</param>
    /// <param name="priceColumnName">Double or Single price column.</param>
    /// <param name="timeZone">IANA time zone of the session.</param>
    /// <param name="sessionOpen">Local open (null: 00:00).</param>
    /// <param name="sessionClose">Local close (null: 24:00); open ≥ close wraps midnight.</param>
    /// <param name="minimumReturns">Intraday returns a day needs.</param>
    /// <param name="includeOvernight">Add the squared overnight return to RV.</param>
    /// <param name="estimator">RV, subsampled RV or realized kernel.</param>
    /// <param name="estimatorParameter">K (subsampled) or H (kernel); null for the per-day defaults.</param>
    /// <returns>The daily rows and the rejected days.</returns>
    public static DailyRealizedResult ComputeDailyRealizedVariance(this DataOperationsCatalog catalog, IDataView intraday,
        string timeColumnName = DailyRealizedOptions.DefaultTimeColumnName, string priceColumnName = DailyRealizedOptions.DefaultPriceColumnName,
        string timeZone = IntradaySessionOptions.DefaultTimeZone, TimeSpan? sessionOpen = null, TimeSpan? sessionClose = null,
        int minimumReturns = IntradaySessionOptions.DefaultMinimumReturns, bool includeOvernight = false,
        RealizedEstimator estimator = RealizedEstimator.RealizedVariance, int? estimatorParameter = null)
    {
        var session = new IntradaySessionOptions
        {
            TimeZone = timeZone, MinimumReturns = minimumReturns, IncludeOvernight = includeOvernight, Estimator = estimator, EstimatorParameter = estimatorParameter,
        };
        session = session with { SessionOpen = sessionOpen ?? session.SessionOpen, SessionClose = sessionClose ?? session.SessionClose };
        return ComputeDailyRealizedVariance(catalog, intraday, new DailyRealizedOptions { TimeColumnName = timeColumnName, PriceColumnName = priceColumnName, Session = session });
    }

    /// <summary>The realized-variance featurizer for intraday rows (Options overload).</summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="intraday">Intraday rows, oldest first.</param>
    /// <param name="options">Columns, session rule and estimator.</param>
    /// <returns>The daily rows and the rejected days.</returns>
    /// <exception cref="ArgumentException">A missing or mistyped column, a bad value (named with its row), an invalid session option.</exception>
    public static DailyRealizedResult ComputeDailyRealizedVariance(this DataOperationsCatalog catalog, IDataView intraday, DailyRealizedOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(intraday);
        ArgumentNullException.ThrowIfNull(options);
        options.Session.Validate();
        DataViewSchema.Column timeCol = intraday.Schema.GetColumnOrNull(options.TimeColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(intraday), $"Input column '{options.TimeColumnName}' not found; expected the time of each intraday row (DateTime or DateTimeOffset).");
        if (timeCol.Type is not (DateTimeDataViewType or DateTimeOffsetDataViewType))
            throw new ArgumentOutOfRangeException(nameof(intraday), $"Column '{options.TimeColumnName}' is {timeCol.Type}; expected DateTime or DateTimeOffset.");
        DataViewSchema.Column priceCol = SchemaChecks.RequireNumericColumn(intraday.Schema, options.PriceColumnName);
        var times = new List<DateTime>();
        var prices = new List<double>();
        using (var cursor = intraday.GetRowCursor([timeCol, priceCol]))
        {
            Func<double> price = SchemaChecks.NumericReader(cursor, priceCol);
            Func<DateTime> time;
            if (timeCol.Type is DateTimeDataViewType)
            {
                var g = cursor.GetGetter<DateTime>(timeCol);
                time = () => { DateTime v = default; g(ref v); return v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc); };
            }
            else
            {
                var g = cursor.GetGetter<DateTimeOffset>(timeCol);
                time = () => { DateTimeOffset v = default; g(ref v); return v.UtcDateTime; };
            }
            while (cursor.MoveNext())
            {
                times.Add(time());
                prices.Add(price());
            }
        }
        IntradayDays days;
        try { days = IntradayDays.Build(times, prices, options.Session); }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{options.TimeColumnName} / {options.PriceColumnName}: {ex.Message.Replace("timesUtc[", "row ").Replace("prices[", "row ")}", nameof(intraday), ex);
        }
        var rows = Enumerable.Range(0, days.Returns.Count).Select(i => new DailyRow
        {
            Day = days.Days[i].ToDateTime(TimeOnly.MinValue), Return = days.Returns[i], RealizedVariance = days.Realized[i],
            Overnight = days.Overnight[i], IntradayReturns = days.IntradayCounts[i],
        }).ToArray();
        return new DailyRealizedResult(catalog.LoadFromEnumerable(rows), days);
    }

    private sealed class DailyRow
    {
        public DateTime Day { get; set; }
        public double Return { get; set; }
        public double RealizedVariance { get; set; }
        public double Overnight { get; set; }
        public int IntradayReturns { get; set; }
    }
}
