namespace MlNetLstm.Features;

/// <summary>
/// Realised variance per period from intraday data: <c>RV_p = Σ_{i=1..m-1} (ln(P_{p,i} / P_{p,i-1}))²</c> for the
/// m prices of period p (only within-period returns; the overnight return between periods is excluded).
/// With <c>percent</c> the log returns are multiplied by 100 (RV by 10⁴).
/// </summary>
public static class RealizedVariance
{
    /// <summary>Realised variance from intraday prices laid out period after period.</summary>
    /// <param name="intradayPrices">Strictly positive prices; length must be a multiple of <paramref name="pricesPerPeriod"/>.</param>
    /// <param name="pricesPerPeriod">Prices per period m ≥ 2.</param>
    /// <param name="destination">Receives one RV per period.</param>
    /// <param name="percent">Use percent log returns.</param>
    /// <returns>The number of periods written.</returns>
    /// <exception cref="ArgumentException">Bad m, length not a multiple of m, a non-positive/non-finite price, destination too short.</exception>
    public static int FromPrices(ReadOnlySpan<double> intradayPrices, int pricesPerPeriod, Span<double> destination, bool percent = false)
    {
        if (pricesPerPeriod < 2) throw new ArgumentOutOfRangeException(nameof(pricesPerPeriod), pricesPerPeriod, "pricesPerPeriod must be at least 2.");
        if (intradayPrices.Length % pricesPerPeriod != 0)
            throw new ArgumentException($"intradayPrices has {intradayPrices.Length} elements, not a multiple of pricesPerPeriod = {pricesPerPeriod}.", nameof(intradayPrices));
        int periods = intradayPrices.Length / pricesPerPeriod;
        EvalGuard.Destination(destination.Length, periods, nameof(destination));
        for (int i = 0; i < intradayPrices.Length; i++) Returns.CheckPrice(ReturnKind.Log, intradayPrices[i], i, nameof(intradayPrices));
        for (int p = 0; p < periods; p++)
        {
            int o = p * pricesPerPeriod;
            double rv = 0;
            for (int i = 1; i < pricesPerPeriod; i++)
            {
                double r = Returns.OneReturn(ReturnKind.Log, intradayPrices[o + i - 1], intradayPrices[o + i], percent);
                rv += r * r;
            }
            destination[p] = rv;
        }
        return periods;
    }

    /// <summary>Realised variance from intraday returns: <c>RV_p = Σ r²</c> over each block of k returns.</summary>
    /// <param name="intradayReturns">Finite returns; length must be a multiple of <paramref name="returnsPerPeriod"/>.</param>
    /// <param name="returnsPerPeriod">Returns per period k ≥ 1.</param>
    /// <param name="destination">Receives one RV per period.</param>
    /// <returns>The number of periods written.</returns>
    public static int FromReturns(ReadOnlySpan<double> intradayReturns, int returnsPerPeriod, Span<double> destination)
    {
        if (returnsPerPeriod < 1) throw new ArgumentOutOfRangeException(nameof(returnsPerPeriod), returnsPerPeriod, "returnsPerPeriod must be at least 1.");
        if (intradayReturns.Length % returnsPerPeriod != 0)
            throw new ArgumentException($"intradayReturns has {intradayReturns.Length} elements, not a multiple of returnsPerPeriod = {returnsPerPeriod}.", nameof(intradayReturns));
        EvalGuard.Finite(intradayReturns, nameof(intradayReturns));
        int periods = intradayReturns.Length / returnsPerPeriod;
        EvalGuard.Destination(destination.Length, periods, nameof(destination));
        for (int p = 0; p < periods; p++)
        {
            double rv = 0;
            for (int i = 0; i < returnsPerPeriod; i++) { double r = intradayReturns[p * returnsPerPeriod + i]; rv += r * r; }
            destination[p] = rv;
        }
        return periods;
    }
}
