namespace MlNetLstm.Realized;

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
