using System.Globalization;

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

/// <summary>A simulated intraday price path with its true daily variances. Immutable.</summary>
public sealed class SyntheticIntradayData
{
    internal SyntheticIntradayData(DateTime[] times, double[] prices, DateOnly[] days, double[] iv, double[] jumps, double[] overnight, bool[] halfDay, SyntheticIntradayOptions options)
    {
        TimesUtc = times; Prices = prices; Days = days; IntegratedVariance = iv; JumpVariation = jumps; OvernightVariance = overnight; HalfDay = halfDay; Options = options;
    }

    /// <summary>Observation times in UTC.</summary>
    public IReadOnlyList<DateTime> TimesUtc { get; }
    /// <summary>Observed prices (with microstructure noise).</summary>
    public IReadOnlyList<double> Prices { get; }
    /// <summary>Trading dates, one per day.</summary>
    public IReadOnlyList<DateOnly> Days { get; }
    /// <summary>Integrated variance of the day's session ∫σ²(t)dt (the diffusive part, exact on the simulation grid).</summary>
    public IReadOnlyList<double> IntegratedVariance { get; }
    /// <summary>Sum of the squared jumps of the day's session (quadratic variation = IV + this).</summary>
    public IReadOnlyList<double> JumpVariation { get; }
    /// <summary>Variance of the overnight return that opens the day (its conditional variance, known to the simulator).</summary>
    public IReadOnlyList<double> OvernightVariance { get; }
    /// <summary>Whether the day was a half day (only its first hour traded).</summary>
    public IReadOnlyList<bool> HalfDay { get; }
    /// <summary>The options used.</summary>
    public SyntheticIntradayOptions Options { get; }

    /// <summary>Writes "time,price" CSV lines (ISO-8601 UTC times, prices with 6 decimals) after a header "time,price".</summary>
    public void WriteCsv(TextWriter writer)
    {
        writer.Write("time,price\n");
        for (int i = 0; i < Prices.Count; i++)
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{TimesUtc[i]:yyyy-MM-ddTHH:mm}Z,{Prices[i]:F6}\n"));
    }

    /// <summary>Writes the true daily variances: "day,integrated_variance,jump_variation,overnight_variance,half_day" (round-trip numbers).</summary>
    public void WriteTruthCsv(TextWriter writer)
    {
        writer.Write("day,integrated_variance,jump_variation,overnight_variance,half_day\n");
        for (int d = 0; d < Days.Count; d++)
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{Days[d]:yyyy-MM-dd},{IntegratedVariance[d]:R},{JumpVariation[d]:R},{OvernightVariance[d]:R},{(HalfDay[d] ? 1 : 0)}\n"));
    }
}

/// <summary>
/// Synthetic intraday prices with known integrated variance: a two-factor stochastic-volatility diffusion with intraday seasonality,
/// leverage, jumps, an overnight gap and microstructure noise. Time is measured in session days.
/// <para>
/// Log variance rate: <c>σ²(t) = v̄ exp(f₁ + f₂ - (V₁ + V₂)/2) s(τ)</c>, with OU factors <c>df_i = -κ_i f_i dt + η_i dW_i</c> (exact
/// discretisation, stationary variances V_i = η_i²/(2κ_i), started from their stationary law) and the U-shaped seasonality
/// <c>s(τ) = 1 + A (3(2τ - 1)² - 1)</c> normalised to mean 1 on the step grid. Log price <c>dX = -σ²/2 dt + σ dB + dJ</c>,
/// corr(dB, dW₂) = ρ, J compound Poisson with N(0, (c·√(v̄ e^{f₁+f₂-…}))²) sizes. Overnight: a normal return with variance
/// share/(1 - share) × the session's expected variance at the open. Observed log price = X + ε, ε ~ N(0, ω²) i.i.d.
/// </para>
/// <para>Deterministic: the same options give the same data (System.Random with the seed, Box-Muller normals).</para>
/// </summary>
public static class SyntheticIntraday
{
    /// <summary>Simulates the path.</summary>
    /// <param name="options">Options (null: the defaults).</param>
    /// <returns>Prices, times and the true daily variances.</returns>
    public static SyntheticIntradayData Generate(SyntheticIntradayOptions? options = null)
    {
        var o = options ?? new SyntheticIntradayOptions();
        o.Validate();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone);
        var rng = new Random(o.Seed);
        double Normal()
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        int intervals = (int)((o.SessionClose - o.SessionOpen).TotalMinutes / o.IntervalMinutes);
        int steps = intervals * o.StepsPerInterval;
        double dt = 1.0 / steps;
        var season = new double[steps];
        double sMean = 0;
        for (int j = 0; j < steps; j++) { double tau = (j + 0.5) * dt, z = 2 * tau - 1; season[j] = 1 + o.Seasonality * (3 * z * z - 1); sMean += season[j]; }
        sMean /= steps;
        for (int j = 0; j < steps; j++) season[j] /= sMean;

        double v1 = o.SlowVolatility * o.SlowVolatility / (2 * o.SlowReversion), v2 = o.FastVolatility * o.FastVolatility / (2 * o.FastReversion);
        double sessionMean = o.MeanDailyVariance * (1 - o.OvernightShare);
        double a1 = Math.Exp(-o.SlowReversion * dt), a2 = Math.Exp(-o.FastReversion * dt);
        double s1 = Math.Sqrt(v1 * (1 - a1 * a1)), s2 = Math.Sqrt(v2 * (1 - a2 * a2));
        double f1 = Math.Sqrt(v1) * Normal(), f2 = Math.Sqrt(v2) * Normal();
        double rho = o.Leverage, rhoC = Math.Sqrt(1 - rho * rho);
        int halfDayIntervals = Math.Min(intervals, Math.Max(1, 60 / o.IntervalMinutes));

        var times = new List<DateTime>(o.Days * (intervals + 1));
        var prices = new List<double>(o.Days * (intervals + 1));
        var days = new DateOnly[o.Days];
        var iv = new double[o.Days];
        var jv = new double[o.Days];
        var on = new double[o.Days];
        var half = new bool[o.Days];
        double x = Math.Log(100.0);
        DateOnly date = o.StartDate;
        for (int d = 0; d < o.Days; d++)
        {
            while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) date = date.AddDays(1);
            days[d] = date;
            double level = sessionMean * Math.Exp(f1 + f2 - 0.5 * (v1 + v2));
            bool isHalf = rng.NextDouble() < o.HalfDayProbability;
            half[d] = isHalf;
            if (d > 0)
            {
                on[d] = o.OvernightShare / (1 - o.OvernightShare) * level;
                x += -0.5 * on[d] + Math.Sqrt(on[d]) * Normal();
            }
            int lastInterval = isHalf ? halfDayIntervals : intervals;
            double dayJumpSd = o.JumpScale * Math.Sqrt(level);
            double jumpProbability = o.JumpIntensity * dt;
            DateTime localOpen = date.ToDateTime(TimeOnly.MinValue) + o.SessionOpen;
            void Observe(int interval)
            {
                DateTime local = localOpen.AddMinutes(interval * o.IntervalMinutes);
                times.Add(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone));
                prices.Add(Math.Exp(x + o.Noise * Normal()));
            }
            Observe(0);
            for (int j = 0; j < steps; j++)
            {
                double z1 = Normal(), z2 = Normal();
                double zPrice = rho * z2 + rhoC * Normal();
                double sigma2 = sessionMean * Math.Exp(f1 + f2 - 0.5 * (v1 + v2)) * season[j];
                iv[d] += sigma2 * dt;
                x += -0.5 * sigma2 * dt + Math.Sqrt(sigma2 * dt) * zPrice;
                if (rng.NextDouble() < jumpProbability)
                {
                    double jump = dayJumpSd * Normal();
                    x += jump;
                    jv[d] += jump * jump;
                }
                f1 = a1 * f1 + s1 * z1;
                f2 = a2 * f2 + s2 * z2;
                int interval = (j + 1) / o.StepsPerInterval;
                if ((j + 1) % o.StepsPerInterval == 0 && interval <= lastInterval) Observe(interval);
            }
            date = date.AddDays(1);
        }
        return new SyntheticIntradayData(times.ToArray(), prices.ToArray(), days, iv, jv, on, half, o);
    }
}
