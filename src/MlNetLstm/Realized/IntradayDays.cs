using System.Globalization;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Realized;

/// <summary>
/// How intraday prices become trading days, and how each day's variance is measured. Every default is a public constant.
/// <para>
/// Session rule: a timestamp (UTC) is converted to <see cref="TimeZone"/>; with local time of day τ and local date D, it belongs to
/// trading day D when <see cref="SessionOpen"/> ≤ τ ≤ <see cref="SessionClose"/>. A session that wraps midnight (open ≥ close, for
/// example FX days cut at 17:00 New York: open 17:00, close 17:00) assigns τ &gt; open to day D + 1 and τ ≤ close to day D.
/// Observations outside the session are counted and left out. A day is kept when it has at least <see cref="MinimumReturns"/>
/// intraday returns (consecutive prices within the day); every day that fails is reported (<see cref="IntradayDays.Rejected"/>).
/// </para>
/// </summary>
public sealed record IntradaySessionOptions
{
    /// <summary>Default time zone: "UTC".</summary>
    public const string DefaultTimeZone = "UTC";

    /// <summary>Default minimum number of intraday returns per day: 12.</summary>
    public const int DefaultMinimumReturns = 12;

    /// <summary>IANA (or Windows) time-zone id in which the session is stated (default <see cref="DefaultTimeZone"/>).</summary>
    public string TimeZone { get; init; } = DefaultTimeZone;

    /// <summary>Local session open (default 00:00).</summary>
    public TimeSpan SessionOpen { get; init; } = TimeSpan.Zero;

    /// <summary>Local session close (default 24:00, i.e. the whole day).</summary>
    public TimeSpan SessionClose { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Minimum intraday returns for a day to count (default <see cref="DefaultMinimumReturns"/>).</summary>
    public int MinimumReturns { get; init; } = DefaultMinimumReturns;

    /// <summary>
    /// Add the squared overnight return (last price of the previous kept day to the first price of this day) to the day's
    /// measure (default false). Needed when the session does not cover the whole day and the forecasts are of close-to-close
    /// variance: without it RV measures only the open-to-close part.
    /// </summary>
    public bool IncludeOvernight { get; init; }

    /// <summary>The day's estimator (default <see cref="RealizedEstimator.RealizedVariance"/>).</summary>
    public RealizedEstimator Estimator { get; init; } = RealizedEstimator.RealizedVariance;

    /// <summary>
    /// K of <see cref="RealizedEstimator.Subsampled"/> or H of <see cref="RealizedEstimator.RealizedKernel"/>; null: the per-day defaults of
    /// <see cref="RealizedMeasures"/>. On a day with m intraday returns K is capped at m and H at m - 1 (a day shorter than the sparse grid
    /// is measured on the widest grid it has).
    /// </summary>
    public int? EstimatorParameter { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is invalid.</summary>
    public void Validate()
    {
        ResolveTimeZone();
        if (SessionOpen < TimeSpan.Zero || SessionOpen > TimeSpan.FromHours(24))
            throw new ArgumentException($"SessionOpen {SessionOpen} must be a time of day between 00:00 and 24:00.", nameof(SessionOpen));
        if (SessionClose < TimeSpan.Zero || SessionClose > TimeSpan.FromHours(24))
            throw new ArgumentException($"SessionClose {SessionClose} must be a time of day between 00:00 and 24:00.", nameof(SessionClose));
        if (MinimumReturns < 1) throw new ArgumentException($"MinimumReturns is {MinimumReturns}; it must be at least 1.", nameof(MinimumReturns));
        if (EstimatorParameter is < 0) throw new ArgumentException($"EstimatorParameter is {EstimatorParameter}; it must be non-negative.", nameof(EstimatorParameter));
        if (Estimator == RealizedEstimator.Subsampled && EstimatorParameter is 0) throw new ArgumentException("EstimatorParameter (the subsample step K) must be at least 1.", nameof(EstimatorParameter));
    }

    /// <summary>The time zone, or an <see cref="ArgumentException"/> naming the unknown id.</summary>
    public TimeZoneInfo ResolveTimeZone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(TimeZone); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"TimeZone '{TimeZone}' is not a known time-zone id (use an IANA id such as America/New_York, or UTC).", nameof(TimeZone));
        }
    }

    /// <summary>One line stating the rule, for reports.</summary>
    public string Describe() => string.Format(CultureInfo.InvariantCulture,
        "session {0:hh\\:mm}-{1} {2}{3}, at least {4} intraday returns per day, {5}{6}",
        SessionOpen, SessionClose == TimeSpan.FromHours(24) ? "24:00" : SessionClose.ToString("hh\\:mm", CultureInfo.InvariantCulture), TimeZone,
        SessionOpen >= SessionClose ? " (wraps midnight: the day is the one on which the session closes)" : string.Empty,
        MinimumReturns, EstimatorName(Estimator, EstimatorParameter), IncludeOvernight ? " plus the squared overnight return" : " (overnight return excluded)");

    /// <summary>Short name of an estimator with its parameter.</summary>
    public static string EstimatorName(RealizedEstimator e, int? p) => e switch
    {
        RealizedEstimator.RealizedVariance => "realized variance (sum of squared intraday returns)",
        RealizedEstimator.Subsampled => $"subsampled realized variance (step K = {(p is null ? "round(m/13)" : p.Value.ToString(CultureInfo.InvariantCulture))})",
        _ => $"Parzen realized kernel (bandwidth H = {(p is null ? "automatic" : p.Value.ToString(CultureInfo.InvariantCulture))})",
    };
}

/// <summary>A trading day that did not count, and why.</summary>
/// <param name="Day">The local trading date.</param>
/// <param name="IntradayReturns">How many intraday returns it had.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record RejectedDay(DateOnly Day, int IntradayReturns, string Reason);

/// <summary>
/// Daily series built from intraday prices by <see cref="IntradayDays.Build"/>: for each kept trading day d (oldest first) the
/// close-to-close log return <c>R_d = ln C_d - ln C_{d'}</c> (d' the previous kept day), the realized measure, the overnight return
/// <c>ln O_d - ln C_{d'}</c> and the number of intraday returns. The first kept day has no previous close and starts the series:
/// arrays have one element per kept day after it. Immutable.
/// </summary>
public sealed class IntradayDays
{
    private IntradayDays(DateOnly[] days, double[] returns, double[] realized, double[] overnight, int[] counts, RejectedDay[] rejected,
        int outside, IntradaySessionOptions options, DateOnly firstDay)
    {
        Days = days; Returns = returns; Realized = realized; Overnight = overnight; IntradayCounts = counts; Rejected = rejected;
        OutsideSession = outside; Options = options; FirstDay = firstDay;
    }

    /// <summary>Trading dates, one per element of <see cref="Returns"/>.</summary>
    public IReadOnlyList<DateOnly> Days { get; }

    /// <summary>Close-to-close log returns.</summary>
    public IReadOnlyList<double> Returns { get; }

    /// <summary>The day's realized measure (<see cref="IntradaySessionOptions.Estimator"/>, plus the squared overnight return when asked).</summary>
    public IReadOnlyList<double> Realized { get; }

    /// <summary>Overnight log returns (previous kept close to this day's first price).</summary>
    public IReadOnlyList<double> Overnight { get; }

    /// <summary>Intraday returns per day.</summary>
    public IReadOnlyList<int> IntradayCounts { get; }

    /// <summary>Days that did not count (too few intraday returns), oldest first.</summary>
    public IReadOnlyList<RejectedDay> Rejected { get; }

    /// <summary>Observations outside the session (left out).</summary>
    public int OutsideSession { get; }

    /// <summary>The first kept day, whose close starts the return series (it has no return of its own).</summary>
    public DateOnly FirstDay { get; }

    /// <summary>The options used.</summary>
    public IntradaySessionOptions Options { get; }

    /// <summary>Groups <paramref name="timesUtc"/> / <paramref name="prices"/> into trading days.</summary>
    /// <param name="timesUtc">Timestamps in UTC, strictly increasing.</param>
    /// <param name="prices">Strictly positive, finite prices, one per timestamp.</param>
    /// <param name="options">Session rule and estimator (null: the defaults).</param>
    /// <returns>The daily series.</returns>
    /// <exception cref="ArgumentException">Mismatched lengths, unsorted times, a bad price (named by its index), an invalid option, or fewer than two kept days.</exception>
    public static IntradayDays Build(IReadOnlyList<DateTime> timesUtc, IReadOnlyList<double> prices, IntradaySessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(timesUtc);
        ArgumentNullException.ThrowIfNull(prices);
        options ??= new IntradaySessionOptions();
        options.Validate();
        EvalGuard.SameLength(timesUtc.Count, prices.Count, nameof(timesUtc), nameof(prices));
        TimeZoneInfo zone = options.ResolveTimeZone();
        bool wraps = options.SessionOpen >= options.SessionClose;

        // Group consecutive observations by trading day.
        var groups = new List<(DateOnly Day, List<double> LogPrices)>();
        int outside = 0;
        for (int i = 0; i < timesUtc.Count; i++)
        {
            double p = prices[i];
            if (!double.IsFinite(p) || p <= 0) throw new ArgumentException($"prices[{i}] is {p}; prices must be positive and finite.", nameof(prices));
            if (i > 0 && timesUtc[i] <= timesUtc[i - 1])
                throw new ArgumentException($"timesUtc[{i}] ({timesUtc[i]:O}) is not after timesUtc[{i - 1}]; timestamps must be strictly increasing.", nameof(timesUtc));
            DateTime utc = DateTime.SpecifyKind(timesUtc[i], DateTimeKind.Utc);
            DateTime local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
            TimeSpan tau = local.TimeOfDay;
            DateOnly date = DateOnly.FromDateTime(local);
            DateOnly day;
            if (!wraps)
            {
                if (tau < options.SessionOpen || tau > options.SessionClose) { outside++; continue; }
                day = date;
            }
            else if (tau > options.SessionOpen) day = date.AddDays(1);
            else if (tau <= options.SessionClose) day = date;
            else { outside++; continue; }
            if (groups.Count > 0 && groups[^1].Day > day)
                throw new ArgumentException($"timesUtc[{i}] falls on trading day {day:yyyy-MM-dd}, before the previous observation's {groups[^1].Day:yyyy-MM-dd}.", nameof(timesUtc));
            if (groups.Count == 0 || groups[^1].Day != day) groups.Add((day, new List<double>()));
            groups[^1].LogPrices.Add(Math.Log(p));
        }

        var days = new List<DateOnly>();
        var rets = new List<double>();
        var measures = new List<double>();
        var overnight = new List<double>();
        var counts = new List<int>();
        var rejected = new List<RejectedDay>();
        double? previousClose = null;
        DateOnly firstDay = default;
        var intraday = new List<double>();
        foreach (var (day, lp) in groups)
        {
            int m = lp.Count - 1;
            if (m < options.MinimumReturns)
            {
                rejected.Add(new RejectedDay(day, m, $"{m} intraday return(s), fewer than the minimum {options.MinimumReturns}"));
                continue;
            }
            if (previousClose is not double close)
            {
                previousClose = lp[^1];
                firstDay = day;
                continue;
            }
            intraday.Clear();
            for (int k = 1; k < lp.Count; k++) intraday.Add(lp[k] - lp[k - 1]);
            double measure = RealizedMeasures.Estimate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(intraday), options.Estimator, options.EstimatorParameter);
            double on = lp[0] - close;
            if (options.IncludeOvernight) measure += on * on;
            days.Add(day);
            rets.Add(lp[^1] - close);
            measures.Add(measure);
            overnight.Add(on);
            counts.Add(m);
            previousClose = lp[^1];
        }
        if (days.Count < 1)
            throw new ArgumentException($"only {days.Count + (previousClose is null ? 0 : 1)} trading day(s) with at least {options.MinimumReturns} intraday returns " +
                                        $"({rejected.Count} rejected, {outside} observations outside the session {options.Describe()}); at least two are needed.", nameof(timesUtc));
        return new IntradayDays(days.ToArray(), rets.ToArray(), measures.ToArray(), overnight.ToArray(), counts.ToArray(), rejected.ToArray(), outside, options, firstDay);
    }
}
