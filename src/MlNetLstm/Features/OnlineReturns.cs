namespace MlNetLstm.Features;

/// <summary>
/// Streaming returns: <see cref="Update"/> takes the next price and returns the (transformed) return since the
/// previous price. The first price has no predecessor: <see cref="Update"/> then returns 0 and
/// <see cref="IsReady"/> stays false until the second price.
/// </summary>
public sealed class OnlineReturns : IOnlineFeature
{
    private double _previous;

    /// <summary>Creates the streaming return computation.</summary>
    /// <param name="kind">Simple or log returns.</param>
    /// <param name="percent">Express returns in percent.</param>
    /// <param name="transform">Element-wise transform (none, squared, absolute).</param>
    public OnlineReturns(ReturnKind kind = ReturnKind.Log, bool percent = false, ReturnTransform transform = ReturnTransform.None)
    {
        Kind = kind;
        Percent = percent;
        Transform = transform;
    }

    /// <summary>Return kind.</summary>
    public ReturnKind Kind { get; }

    /// <summary>Whether returns are in percent.</summary>
    public bool Percent { get; }

    /// <summary>Element-wise transform.</summary>
    public ReturnTransform Transform { get; }

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public bool IsReady => Count >= 2;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A non-finite price, a non-positive price for log returns, or a zero price for simple returns.</exception>
    public double Update(double x)
    {
        Returns.CheckPrice(Kind, x, Count, nameof(x));
        double value = Count == 0 ? 0.0 : Returns.Apply(Returns.OneReturn(Kind, _previous, x, Percent), Transform);
        _previous = x;
        Count++;
        return value;
    }

    /// <inheritdoc />
    public void Reset()
    {
        Count = 0;
        _previous = 0;
    }
}
