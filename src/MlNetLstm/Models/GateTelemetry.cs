namespace MlNetLstm.Models;

/// <summary>
/// Immutable per-step gate telemetry of one batched forward pass: for every layer l, direction d and available
/// <see cref="GateSignal"/>, a [B, T, H] row-major array (batch, actual time step, unit).
/// </summary>
public sealed class GateTelemetry
{
    private readonly Dictionary<(GateSignal, int), float[]> _data;

    internal GateTelemetry(CellType cell, int layers, int directions, int batch, int steps, int hidden, Dictionary<(GateSignal, int), float[]> data)
    {
        Cell = cell; Layers = layers; Directions = directions; Batch = batch; Steps = steps; HiddenSize = hidden; _data = data;
    }

    /// <summary>Cell type that produced the telemetry.</summary>
    public CellType Cell { get; }
    /// <summary>Layers L.</summary>
    public int Layers { get; }
    /// <summary>Directions D.</summary>
    public int Directions { get; }
    /// <summary>Batch rows B.</summary>
    public int Batch { get; }
    /// <summary>Steps T.</summary>
    public int Steps { get; }
    /// <summary>Hidden units H.</summary>
    public int HiddenSize { get; }

    /// <summary>True when <paramref name="signal"/> was recorded (depends on the cell type and modifier).</summary>
    /// <param name="signal">The signal.</param>
    public bool Has(GateSignal signal) => _data.ContainsKey((signal, 0));

    /// <summary>The [B, T, H] values of <paramref name="signal"/> for a layer and direction.</summary>
    /// <param name="signal">Which gate or state.</param>
    /// <param name="layer">Layer index in [0, L).</param>
    /// <param name="direction">0 forward, 1 reverse.</param>
    public ReadOnlySpan<float> Get(GateSignal signal, int layer = 0, int direction = 0)
    {
        if ((uint)layer >= (uint)Layers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layer must be in [0, {Layers}).");
        if ((uint)direction >= (uint)Directions) throw new ArgumentOutOfRangeException(nameof(direction), direction, $"Direction must be in [0, {Directions}).");
        return _data.TryGetValue((signal, layer * Directions + direction), out var a)
            ? a
            : throw new ArgumentException($"Signal {signal} is not recorded for a {Cell} network.", nameof(signal));
    }

    /// <summary>Value of one element: batch row b, step t, unit j.</summary>
    /// <param name="signal">Which gate or state.</param>
    /// <param name="layer">Layer.</param>
    /// <param name="direction">Direction.</param>
    /// <param name="b">Batch row.</param>
    /// <param name="t">Time step.</param>
    /// <param name="j">Unit.</param>
    public float Value(GateSignal signal, int layer, int direction, int b, int t, int j) =>
        Get(signal, layer, direction)[(b * Steps + t) * HiddenSize + j];
}
