namespace MlNetLstm.Features;

/// <summary>Streaming <see cref="EwmaVariance"/>; ready after the first observation.</summary>
public sealed class OnlineEwmaVariance : IOnlineFeature
{
    private readonly double? _initial;
    private double _s;

    /// <summary>Creates the streaming EWMA variance.</summary>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <param name="initialVariance">Initial state; null uses the first squared observation (the start rule of <see cref="RiskMetrics"/>).</param>
    public OnlineEwmaVariance(double lambda, double? initialVariance = null)
    {
        EwmaVariance.CheckArgs(lambda, initialVariance);
        Lambda = lambda;
        _initial = initialVariance;
    }

    /// <summary>Decay λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public bool IsReady => Count >= 1;

    /// <summary>Current variance s_t (0 before the first observation).</summary>
    public double Value => Count == 0 ? 0.0 : _s;

    /// <inheritdoc />
    public double Update(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"x is {x} at observation {Count}; observations must be finite.", nameof(x));
        if (Count == 0) _s = _initial ?? RiskMetrics.StartVariance([x]);
        _s = RiskMetrics.Update(_s, x, Lambda);
        Count++;
        return _s;
    }

    /// <inheritdoc />
    public void Reset()
    {
        Count = 0;
        _s = 0;
    }
}
