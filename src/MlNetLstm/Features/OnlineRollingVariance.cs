namespace MlNetLstm.Features;

/// <summary>Streaming <see cref="RollingVariance"/>; <see cref="IOnlineFeature.IsReady"/> once the window is full.</summary>
public sealed class OnlineRollingVariance : IOnlineFeature
{
    private readonly RingWindow _window;

    /// <summary>Creates the streaming rolling variance.</summary>
    /// <param name="window">Window length w ≥ 1 (≥ 2 when <paramref name="demean"/>).</param>
    /// <param name="demean">Sample variance instead of the zero-mean form.</param>
    public OnlineRollingVariance(int window, bool demean = false)
    {
        RollingVariance.CheckWindow(window, demean);
        _window = new RingWindow(window);
        Demean = demean;
    }

    /// <summary>Whether the window mean is subtracted.</summary>
    public bool Demean { get; }

    /// <summary>Window length.</summary>
    public int Window => _window.Capacity;

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public bool IsReady => Count >= _window.Capacity;

    /// <inheritdoc />
    public double Update(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"x is {x} at observation {Count}; observations must be finite.", nameof(x));
        _window.Add(x);
        Count++;
        _window.Segments(out var a, out var b);
        return Demean ? WindowStats.SampleVariance(a, b) : WindowStats.MeanSquare(a, b);
    }

    /// <inheritdoc />
    public void Reset()
    {
        _window.Clear();
        Count = 0;
    }
}
