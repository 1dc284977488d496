namespace MlNetLstm.Features;

/// <summary>
/// Streaming <see cref="RealizedVariance.FromPrices"/>: <see cref="Update"/> takes the next intraday price and
/// returns the realised variance of the current period so far. After the m-th price of a period
/// <see cref="PeriodComplete"/> is true and the returned value equals the batch RV of that period; the next price
/// starts a new period.
/// </summary>
public sealed class OnlineRealizedVariance : IOnlineFeature
{
    private double _previous, _sum;
    private int _inPeriod;

    /// <summary>Creates the streaming realised variance.</summary>
    /// <param name="pricesPerPeriod">Prices per period m ≥ 2.</param>
    /// <param name="percent">Use percent log returns.</param>
    public OnlineRealizedVariance(int pricesPerPeriod, bool percent = false)
    {
        if (pricesPerPeriod < 2) throw new ArgumentOutOfRangeException(nameof(pricesPerPeriod), pricesPerPeriod, "pricesPerPeriod must be at least 2.");
        PricesPerPeriod = pricesPerPeriod;
        Percent = percent;
    }

    /// <summary>Prices per period m.</summary>
    public int PricesPerPeriod { get; }

    /// <summary>Whether percent log returns are used.</summary>
    public bool Percent { get; }

    /// <summary>True right after the last price of a period.</summary>
    public bool PeriodComplete => _inPeriod == PricesPerPeriod;

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <summary>True once at least one full period has been seen.</summary>
    public bool IsReady => Count >= PricesPerPeriod;

    /// <inheritdoc />
    public double Update(double x)
    {
        Returns.CheckPrice(ReturnKind.Log, x, Count, nameof(x));
        if (_inPeriod == PricesPerPeriod) { _inPeriod = 0; _sum = 0; }
        if (_inPeriod > 0)
        {
            double r = Returns.OneReturn(ReturnKind.Log, _previous, x, Percent);
            _sum += r * r;
        }
        _previous = x;
        _inPeriod++;
        Count++;
        return _sum;
    }

    /// <inheritdoc />
    public void Reset()
    {
        Count = 0;
        _inPeriod = 0;
        _sum = 0;
        _previous = 0;
    }
}
