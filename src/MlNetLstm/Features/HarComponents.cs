namespace MlNetLstm.Features;

/// <summary>
/// HAR (Corsi 2009) components of a variance proxy v (squared returns or realised variance): daily <c>v_t</c>,
/// weekly and monthly trailing averages over <c>weeklyWindow</c> (default 5) and <c>monthlyWindow</c> (default 22)
/// periods, each including v_t. Warm-up: before a window is full the average uses the observations available.
/// </summary>
public static class HarComponents
{
    /// <summary>Default weekly window (5 trading days).</summary>
    public const int DefaultWeeklyWindow = 5;

    /// <summary>Default monthly window (22 trading days).</summary>
    public const int DefaultMonthlyWindow = 22;

    /// <summary>Computes the three components for every t.</summary>
    /// <param name="proxy">Variance proxy (finite, ≥ 0).</param>
    /// <param name="daily">Receives v_t (one value per input).</param>
    /// <param name="weekly">Receives the weekly averages.</param>
    /// <param name="monthly">Receives the monthly averages.</param>
    /// <param name="weeklyWindow">Weekly window ≥ 1.</param>
    /// <param name="monthlyWindow">Monthly window ≥ <paramref name="weeklyWindow"/>.</param>
    /// <returns>The number of values written to each destination.</returns>
    /// <exception cref="ArgumentException">Bad windows, negative or non-finite proxy, a destination too short.</exception>
    public static int Compute(ReadOnlySpan<double> proxy, Span<double> daily, Span<double> weekly, Span<double> monthly,
        int weeklyWindow = DefaultWeeklyWindow, int monthlyWindow = DefaultMonthlyWindow)
    {
        CheckWindows(weeklyWindow, monthlyWindow);
        EvalGuard.FiniteNonNegative(proxy, nameof(proxy));
        EvalGuard.Destination(daily.Length, proxy.Length, nameof(daily));
        EvalGuard.Destination(weekly.Length, proxy.Length, nameof(weekly));
        EvalGuard.Destination(monthly.Length, proxy.Length, nameof(monthly));
        for (int t = 0; t < proxy.Length; t++)
        {
            daily[t] = proxy[t];
            weekly[t] = WindowStats.Mean(proxy[Math.Max(0, t - weeklyWindow + 1)..(t + 1)], default);
            monthly[t] = WindowStats.Mean(proxy[Math.Max(0, t - monthlyWindow + 1)..(t + 1)], default);
        }
        return proxy.Length;
    }

    /// <summary>Components at the last time point of <paramref name="proxy"/> (which must hold at least one value).</summary>
    /// <param name="proxy">Variance proxy, oldest first.</param>
    /// <param name="weeklyWindow">Weekly window.</param>
    /// <param name="monthlyWindow">Monthly window.</param>
    /// <returns>The components at t = proxy.Length - 1.</returns>
    public static HarComponentValues Last(ReadOnlySpan<double> proxy, int weeklyWindow = DefaultWeeklyWindow, int monthlyWindow = DefaultMonthlyWindow)
    {
        CheckWindows(weeklyWindow, monthlyWindow);
        EvalGuard.MinLength(proxy.Length, 1, nameof(proxy));
        int t = proxy.Length - 1;
        return new HarComponentValues(proxy[t],
            WindowStats.Mean(proxy[Math.Max(0, t - weeklyWindow + 1)..], default),
            WindowStats.Mean(proxy[Math.Max(0, t - monthlyWindow + 1)..], default));
    }

    internal static void CheckWindows(int weeklyWindow, int monthlyWindow)
    {
        if (weeklyWindow < 1) throw new ArgumentOutOfRangeException(nameof(weeklyWindow), weeklyWindow, "weeklyWindow must be at least 1.");
        if (monthlyWindow < weeklyWindow)
            throw new ArgumentOutOfRangeException(nameof(monthlyWindow), monthlyWindow, $"monthlyWindow must be at least weeklyWindow ({weeklyWindow}).");
    }
}
