using System.Globalization;

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
