namespace MlNetLstm.Features;

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
