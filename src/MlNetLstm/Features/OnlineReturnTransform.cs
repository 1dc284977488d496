namespace MlNetLstm.Features;

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
