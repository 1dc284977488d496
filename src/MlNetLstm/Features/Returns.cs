namespace MlNetLstm.Features;

/// <summary>Optional element-wise transform applied to a return.</summary>
public enum ReturnTransform
{
    /// <summary>The return itself.</summary>
    None,

    /// <summary>Squared return <c>r²</c> (a variance proxy).</summary>
    Squared,

    /// <summary>Absolute return <c>|r|</c>.</summary>
    Absolute,
}

/// <summary>
/// Batch return features over a regularly spaced price series. From n prices they write n - 1 returns
/// (element t-1 is the return from p_{t-1} to p_t). With <c>percent</c> the return is multiplied by 100
/// before any transform (so a squared percent return is <c>(100 r)²</c>).
/// </summary>
public static class Returns
{
    /// <summary>Simple returns <c>p_t / p_{t-1} - 1</c> (×100 when <paramref name="percent"/>).</summary>
    /// <param name="prices">Prices (n ≥ 2, finite, non-zero except possibly the last).</param>
    /// <param name="destination">Receives n - 1 returns.</param>
    /// <param name="percent">Express the returns in percent.</param>
    /// <returns>The number of values written, n - 1.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 prices, a non-finite or zero price, destination too short.</exception>
    public static int Simple(ReadOnlySpan<double> prices, Span<double> destination, bool percent = false)
        => Compute(ReturnKind.Simple, prices, destination, percent);

    /// <summary>Log returns <c>ln(p_t / p_{t-1})</c> (×100 when <paramref name="percent"/>).</summary>
    /// <param name="prices">Strictly positive, finite prices (n ≥ 2).</param>
    /// <param name="destination">Receives n - 1 returns.</param>
    /// <param name="percent">Express the returns in percent.</param>
    /// <returns>The number of values written, n - 1.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 prices, a non-positive or non-finite price, destination too short.</exception>
    public static int Log(ReadOnlySpan<double> prices, Span<double> destination, bool percent = false)
        => Compute(ReturnKind.Log, prices, destination, percent);

    /// <summary>Returns of the given kind, optionally transformed (squared or absolute).</summary>
    /// <param name="kind">Simple or log.</param>
    /// <param name="prices">Prices (n ≥ 2).</param>
    /// <param name="destination">Receives n - 1 values.</param>
    /// <param name="percent">Express the returns in percent (before the transform).</param>
    /// <param name="transform">Element-wise transform.</param>
    /// <returns>The number of values written, n - 1.</returns>
    public static int Compute(ReturnKind kind, ReadOnlySpan<double> prices, Span<double> destination, bool percent = false,
        ReturnTransform transform = ReturnTransform.None)
    {
        EvalGuard.MinLength(prices.Length, 2, nameof(prices));
        EvalGuard.Destination(destination.Length, prices.Length - 1, nameof(destination));
        CheckPrice(kind, prices[0], 0, nameof(prices));
        for (int t = 1; t < prices.Length; t++)
        {
            CheckPrice(kind, prices[t], t, nameof(prices));
            destination[t - 1] = Apply(OneReturn(kind, prices[t - 1], prices[t], percent), transform);
        }
        return prices.Length - 1;
    }

    /// <summary>Squared values <c>r_t²</c>.</summary>
    /// <param name="returns">Returns (finite).</param>
    /// <param name="destination">Receives one value per return.</param>
    /// <returns>The number of values written.</returns>
    public static int Squared(ReadOnlySpan<double> returns, Span<double> destination) => Transform(returns, destination, ReturnTransform.Squared);

    /// <summary>Absolute values <c>|r_t|</c>.</summary>
    /// <param name="returns">Returns (finite).</param>
    /// <param name="destination">Receives one value per return.</param>
    /// <returns>The number of values written.</returns>
    public static int Absolute(ReadOnlySpan<double> returns, Span<double> destination) => Transform(returns, destination, ReturnTransform.Absolute);

    private static int Transform(ReadOnlySpan<double> returns, Span<double> destination, ReturnTransform transform)
    {
        EvalGuard.Destination(destination.Length, returns.Length, nameof(destination));
        EvalGuard.Finite(returns, nameof(returns));
        for (int i = 0; i < returns.Length; i++) destination[i] = Apply(returns[i], transform);
        return returns.Length;
    }

    internal static double OneReturn(ReturnKind kind, double previous, double current, bool percent)
    {
        double r = kind == ReturnKind.Log ? Math.Log(current / previous) : current / previous - 1.0;
        return percent ? 100.0 * r : r;
    }

    internal static double Apply(double r, ReturnTransform transform) => transform switch
    {
        ReturnTransform.Squared => r * r,
        ReturnTransform.Absolute => Math.Abs(r),
        _ => r,
    };

    internal static void CheckPrice(ReturnKind kind, double price, int index, string name)
    {
        if (!double.IsFinite(price))
            throw new ArgumentException($"{name}[{index}] is {price}; prices must be finite.", name);
        if (kind == ReturnKind.Log && price <= 0)
            throw new ArgumentException($"{name}[{index}] is {price}; log returns require strictly positive prices.", name);
        if (kind == ReturnKind.Simple && price == 0)
            throw new ArgumentException($"{name}[{index}] is 0; simple returns divide by the previous price, which must be non-zero.", name);
    }
}

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

/// <summary>
/// Streaming element-wise transform of returns (squared or absolute returns, or the identity): the online
/// counterpart of <see cref="Returns.Squared"/> and <see cref="Returns.Absolute"/>. Ready after the first return.
/// </summary>
public sealed class OnlineReturnTransform : IOnlineFeature
{
    /// <summary>Creates the transform.</summary>
    /// <param name="transform">Squared, absolute or none.</param>
    public OnlineReturnTransform(ReturnTransform transform) => Transform = transform;

    /// <summary>The transform applied.</summary>
    public ReturnTransform Transform { get; }

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public bool IsReady => Count >= 1;

    /// <inheritdoc />
    public double Update(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"x is {x} at observation {Count}; returns must be finite.", nameof(x));
        Count++;
        return Returns.Apply(x, Transform);
    }

    /// <inheritdoc />
    public void Reset() => Count = 0;
}
