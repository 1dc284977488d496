namespace MlNetLstm.Models.Attention;

/// <summary>Immutable result of <see cref="LocalWindowAttention.Forward"/>.</summary>
public sealed class LocalWindowAttentionOutput
{
    private readonly float[] _values, _attention;

    internal LocalWindowAttentionOutput(float[] values, int batch, int rowsPerBatch, int width, int heads, int windowSize, float[] attention)
    {
        _values = values; _attention = attention;
        Batch = batch; RowsPerBatch = rowsPerBatch; Width = width; Heads = heads; WindowSize = windowSize;
    }

    /// <summary>Output [B, RowsPerBatch, Width] batch-major (RowsPerBatch = 1 for a last-step head, else T).</summary>
    public ReadOnlySpan<float> Values => _values;
    /// <summary>B.</summary>
    public int Batch { get; }
    /// <summary>1 for a last-step head, T otherwise.</summary>
    public int RowsPerBatch { get; }
    /// <summary>O.</summary>
    public int Width { get; }
    /// <summary>Attention heads n_h.</summary>
    public int Heads { get; }
    /// <summary>Window length w.</summary>
    public int WindowSize { get; }
    /// <summary>True when the attention weights were captured.</summary>
    public bool HasAttention => _attention.Length > 0;

    /// <summary>
    /// Attention weights a [B, RowsPerBatch, n_h, w] when captured (else empty): entry (b, r, h, j) is the weight head h of
    /// output row r (step t = r, or T-1 for a last-step head) puts on step t - j; each (b, r, h) row sums to 1, and offsets
    /// j &gt; t (before the sequence start) are 0.
    /// </summary>
    public ReadOnlySpan<float> AttentionWeights => _attention;

    /// <summary>The attention weight of batch row b, output row r, head h on offset j (step t - j).</summary>
    /// <param name="b">Batch row in [0, B).</param>
    /// <param name="row">Output row in [0, RowsPerBatch).</param>
    /// <param name="head">Head in [0, n_h).</param>
    /// <param name="offset">Offset j in [0, w).</param>
    public float Attention(int b, int row, int head, int offset)
    {
        if (!HasAttention) throw new InvalidOperationException("Attention weights were not captured; call Forward with captureAttention: true.");
        if ((uint)b >= (uint)Batch) throw new ArgumentOutOfRangeException(nameof(b), b, $"Must be in [0, {Batch}).");
        if ((uint)row >= (uint)RowsPerBatch) throw new ArgumentOutOfRangeException(nameof(row), row, $"Must be in [0, {RowsPerBatch}).");
        if ((uint)head >= (uint)Heads) throw new ArgumentOutOfRangeException(nameof(head), head, $"Must be in [0, {Heads}).");
        if ((uint)offset >= (uint)WindowSize) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Must be in [0, {WindowSize}).");
        return _attention[((b * RowsPerBatch + row) * Heads + head) * WindowSize + offset];
    }
}
