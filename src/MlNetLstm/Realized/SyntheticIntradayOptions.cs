namespace MlNetLstm.Realized;

/// <summary>
/// Options of <see cref="SyntheticIntraday.Generate"/>. Every default is a public constant; the defaults describe an equity-like
/// market (09:30-16:00 New York, 10-minute prices, 1 % daily volatility) and are what the committed synthetic data set uses.
/// </summary>
public sealed record SyntheticIntradayOptions
{
    /// <summary>Default number of trading days: 1,500.</summary>
    public const int DefaultDays = 1500;
    /// <summary>Default seed: 2026.</summary>
    public const int DefaultSeed = 2026;
    /// <summary>Default minutes between observed prices: 10.</summary>
    public const int DefaultIntervalMinutes = 10;
    /// <summary>Default Euler steps per observed interval: 10 (1-minute steps at the default interval).</summary>
    public const int DefaultStepsPerInterval = 10;
    /// <summary>Default mean daily variance (session plus overnight) of log returns: 1e-4 (1 % daily volatility).</summary>
    public const double DefaultMeanDailyVariance = 1e-4;
    /// <summary>Default share of the daily variance that falls overnight: 0.2.</summary>
    public const double DefaultOvernightShare = 0.2;
    /// <summary>Default persistent factor: mean reversion 0.01 per day (half-life about 70 days), volatility 0.07 per √day.</summary>
    public const double DefaultSlowReversion = 0.01, DefaultSlowVolatility = 0.07;
    /// <summary>Default fast factor: mean reversion 0.7 per day, volatility 0.6 per √day.</summary>
    public const double DefaultFastReversion = 0.7, DefaultFastVolatility = 0.6;
    /// <summary>Default correlation of the price and fast-factor shocks (leverage): -0.5.</summary>
    public const double DefaultLeverage = -0.5;
    /// <summary>Default U-shape amplitude A of the intraday seasonality s(τ) = 1 + A (3 (2τ - 1)² - 1): 0.5 (twice the midday rate at the open and close).</summary>
    public const double DefaultSeasonality = 0.5;
    /// <summary>Default jump intensity: 0.1 per day.</summary>
    public const double DefaultJumpIntensity = 0.1;
    /// <summary>Default jump size: normal with standard deviation 1.0 × the day's diffusive daily volatility.</summary>
    public const double DefaultJumpScale = 1.0;
    /// <summary>Default microstructure noise: i.i.d. normal on the log price with standard deviation 2e-4 (2 basis points).</summary>
    public const double DefaultNoise = 2e-4;
    /// <summary>Default probability of a half day (the market closes after the first hour): 0.01.</summary>
    public const double DefaultHalfDayProbability = 0.01;

    /// <summary>Trading days (weekdays from <see cref="StartDate"/>).</summary>
    public int Days { get; init; } = DefaultDays;
    /// <summary>Seed of the random numbers (same seed, same data).</summary>
    public int Seed { get; init; } = DefaultSeed;
    /// <summary>First calendar date (weekends are skipped).</summary>
    public DateOnly StartDate { get; init; } = new(2015, 1, 2);
    /// <summary>Time zone of the session (default America/New_York; timestamps are written in UTC).</summary>
    public string TimeZone { get; init; } = "America/New_York";
    /// <summary>Local session open (default 09:30).</summary>
    public TimeSpan SessionOpen { get; init; } = new(9, 30, 0);
    /// <summary>Local session close (default 16:00).</summary>
    public TimeSpan SessionClose { get; init; } = new(16, 0, 0);
    /// <summary>Minutes between observed prices.</summary>
    public int IntervalMinutes { get; init; } = DefaultIntervalMinutes;
    /// <summary>Euler steps per observed interval.</summary>
    public int StepsPerInterval { get; init; } = DefaultStepsPerInterval;
    /// <summary>Mean daily variance (session plus overnight).</summary>
    public double MeanDailyVariance { get; init; } = DefaultMeanDailyVariance;
    /// <summary>Share of the daily variance overnight (0 for a market without an overnight gap).</summary>
    public double OvernightShare { get; init; } = DefaultOvernightShare;
    /// <summary>Mean reversion per day of the persistent log-variance factor.</summary>
    public double SlowReversion { get; init; } = DefaultSlowReversion;
    /// <summary>Volatility per √day of the persistent factor.</summary>
    public double SlowVolatility { get; init; } = DefaultSlowVolatility;
    /// <summary>Mean reversion per day of the fast factor.</summary>
    public double FastReversion { get; init; } = DefaultFastReversion;
    /// <summary>Volatility per √day of the fast factor.</summary>
    public double FastVolatility { get; init; } = DefaultFastVolatility;
    /// <summary>Correlation of price and fast-factor shocks.</summary>
    public double Leverage { get; init; } = DefaultLeverage;
    /// <summary>Intraday seasonality amplitude A, 0 ≤ A ≤ 1.</summary>
    public double Seasonality { get; init; } = DefaultSeasonality;
    /// <summary>Jumps per day (Poisson).</summary>
    public double JumpIntensity { get; init; } = DefaultJumpIntensity;
    /// <summary>Jump standard deviation as a multiple of the day's diffusive volatility.</summary>
    public double JumpScale { get; init; } = DefaultJumpScale;
    /// <summary>Standard deviation of the i.i.d. noise added to each observed log price.</summary>
    public double Noise { get; init; } = DefaultNoise;
    /// <summary>Probability that a day is a half day (only the first hour is traded).</summary>
    public double HalfDayProbability { get; init; } = DefaultHalfDayProbability;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule) { if (!ok) throw new ArgumentException($"{name} is {value}; {rule}.", name); }
        Check(Days >= 1, nameof(Days), Days, "it must be at least 1");
        Check(IntervalMinutes >= 1, nameof(IntervalMinutes), IntervalMinutes, "it must be at least 1");
        Check(StepsPerInterval >= 1, nameof(StepsPerInterval), StepsPerInterval, "it must be at least 1");
        Check(SessionClose > SessionOpen && SessionClose <= TimeSpan.FromHours(24), nameof(SessionClose), SessionClose, "it must be after SessionOpen, at most 24:00");
        Check((SessionClose - SessionOpen).TotalMinutes >= 2 * IntervalMinutes, nameof(IntervalMinutes), IntervalMinutes, "the session must hold at least two intervals");
        Check(MeanDailyVariance > 0 && double.IsFinite(MeanDailyVariance), nameof(MeanDailyVariance), MeanDailyVariance, "it must be positive and finite");
        Check(OvernightShare is >= 0 and < 1, nameof(OvernightShare), OvernightShare, "it must be in [0, 1)");
        Check(SlowReversion > 0 && FastReversion > 0, nameof(SlowReversion), $"{SlowReversion}/{FastReversion}", "mean reversions must be positive");
        Check(SlowVolatility >= 0 && FastVolatility >= 0, nameof(SlowVolatility), $"{SlowVolatility}/{FastVolatility}", "factor volatilities must be non-negative");
        Check(Leverage is >= -1 and <= 1, nameof(Leverage), Leverage, "it must be in [-1, 1]");
        Check(Seasonality is >= 0 and <= 1, nameof(Seasonality), Seasonality, "it must be in [0, 1]");
        Check(JumpIntensity >= 0 && JumpScale >= 0, nameof(JumpIntensity), $"{JumpIntensity}/{JumpScale}", "jump intensity and scale must be non-negative");
        Check(Noise >= 0, nameof(Noise), Noise, "it must be non-negative");
        Check(HalfDayProbability is >= 0 and < 1, nameof(HalfDayProbability), HalfDayProbability, "it must be in [0, 1)");
        try { TimeZoneInfo.FindSystemTimeZoneById(TimeZone); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { throw new ArgumentException($"TimeZone '{TimeZone}' is not a known time-zone id.", nameof(TimeZone)); }
    }
}
