namespace MlNetLstm.Features;

/// <summary>Fixed-capacity window of the most recent observations, iterated oldest first.</summary>
internal sealed class RingWindow
{
    private readonly double[] _buffer;
    private int _next;

    public RingWindow(int capacity) => _buffer = new double[capacity];

    public int Count { get; private set; }

    public int Capacity => _buffer.Length;

    public void Add(double x)
    {
        _buffer[_next] = x;
        _next = (_next + 1) % _buffer.Length;
        if (Count < _buffer.Length) Count++;
    }

    public void Clear()
    {
        Count = 0;
        _next = 0;
    }

    /// <summary>The window as (older segment, newer segment), together oldest first.</summary>
    public void Segments(out ReadOnlySpan<double> first, out ReadOnlySpan<double> second)
    {
        int start = (_next - Count + _buffer.Length) % _buffer.Length;
        if (start + Count <= _buffer.Length)
        {
            first = _buffer.AsSpan(start, Count);
            second = ReadOnlySpan<double>.Empty;
            return;
        }
        first = _buffer.AsSpan(start);
        second = _buffer.AsSpan(0, _next);
    }
}

/// <summary>Window statistics summed oldest first, so batch (one segment) and online (two segments) agree bit for bit.</summary>
internal static class WindowStats
{
    public static double Mean(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        foreach (double v in a) s += v;
        foreach (double v in b) s += v;
        return s / (a.Length + b.Length);
    }

    public static double MeanSquare(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        foreach (double v in a) s += v * v;
        foreach (double v in b) s += v * v;
        return s / (a.Length + b.Length);
    }

    public static double SampleVariance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length + b.Length;
        if (n < 2) return 0.0;
        double m = Mean(a, b), s = 0;
        foreach (double v in a) s += (v - m) * (v - m);
        foreach (double v in b) s += (v - m) * (v - m);
        return s / (n - 1);
    }
}
