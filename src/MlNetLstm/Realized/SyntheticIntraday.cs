namespace MlNetLstm.Realized;

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
