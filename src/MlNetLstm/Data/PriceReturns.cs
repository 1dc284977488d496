namespace MlNetLstm.Data;

/// <summary>Price-to-return conversion.</summary>
public static class PriceReturns
{
    /// <summary>
    /// Returns r_2..r_n from prices p_1..p_n (length n - 1), multiplied by 100 when <paramref name="percent"/>.
    /// Throws <see cref="ArgumentException"/> naming the index for non-positive or non-finite prices.
    /// </summary>
    /// <param name="prices">Prices, oldest first, at least 2.</param>
    /// <param name="kind">Log or simple returns (default log).</param>
    /// <param name="percent">Multiply by 100 (default false).</param>
    /// <returns>The returns.</returns>
    public static double[] FromPrices(ReadOnlySpan<double> prices, ReturnKind kind = ReturnKind.Log, bool percent = false)
    {
        if (prices.Length < 2)
        {
            throw new ArgumentException($"At least 2 prices are needed to compute returns, got {prices.Length}.", nameof(prices));
        }

        for (int i = 0; i < prices.Length; i++)
        {
            if (!double.IsFinite(prices[i]) || prices[i] <= 0)
            {
                throw new ArgumentException($"Price at index {i} is {prices[i]}; prices must be positive and finite.", nameof(prices));
            }
        }

        double scale = percent ? 100 : 1;
        var r = new double[prices.Length - 1];
        for (int t = 1; t < prices.Length; t++)
        {
            r[t - 1] = scale * (kind == ReturnKind.Log ? Math.Log(prices[t] / prices[t - 1]) : prices[t] / prices[t - 1] - 1);
        }

        return r;
    }
}
