namespace MlNetLstm.Features;

/// <summary>Streaming <see cref="HarComponents"/>; ready once the monthly window is full.</summary>
public sealed class OnlineHarComponents
{
    private readonly RingWindow _weekly, _monthly;

    /// <summary>Creates the streaming HAR components.</summary>
    /// <param name="weeklyWindow">Weekly window ≥ 1.</param>
    /// <param name="monthlyWindow">Monthly window ≥ weekly window.</param>
    public OnlineHarComponents(int weeklyWindow = HarComponents.DefaultWeeklyWindow, int monthlyWindow = HarComponents.DefaultMonthlyWindow)
    {
        HarComponents.CheckWindows(weeklyWindow, monthlyWindow);
        _weekly = new RingWindow(weeklyWindow);
        _monthly = new RingWindow(monthlyWindow);
    }

    /// <summary>Observations consumed.</summary>
    public int Count { get; private set; }

    /// <summary>True once the monthly window is full.</summary>
    public bool IsReady => Count >= _monthly.Capacity;

    /// <summary>Consumes the next proxy value and returns the components after it.</summary>
    /// <param name="x">Variance proxy value (finite, ≥ 0).</param>
    /// <returns>The components.</returns>
    public HarComponentValues Update(double x)
    {
        if (!double.IsFinite(x) || x < 0) throw new ArgumentException($"x is {x} at observation {Count}; a variance proxy must be finite and non-negative.", nameof(x));
        _weekly.Add(x);
        _monthly.Add(x);
        Count++;
        _weekly.Segments(out var wa, out var wb);
        _monthly.Segments(out var ma, out var mb);
        return new HarComponentValues(x, WindowStats.Mean(wa, wb), WindowStats.Mean(ma, mb));
    }

    /// <summary>Forgets all observations.</summary>
    public void Reset()
    {
        _weekly.Clear();
        _monthly.Clear();
        Count = 0;
    }
}
