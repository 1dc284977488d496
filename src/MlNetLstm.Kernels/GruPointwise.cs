namespace MlNetLstm.Kernels;

/// <summary>
/// Fused GRU gate activations and state update, forward and backward, over a batch (PyTorch nn.GRU semantics).
/// Each batch row of the input projections xz = W_ih x + b_ih and the hidden projections hz = W_hh h + b_hh
/// holds [r | z | n], each of length H. Forward: r = sigmoid(xz_r + hz_r), u = sigmoid(xz_z + hz_z),
/// n = tanh(xz_n + r * hz_n), h = (1 - u) * n + u * h_prev.
/// </summary>
public static partial class GruPointwise
{
    /// <summary>Forward step.</summary>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="xz">Input projections [B, 3H] (r, z, n) including b_ih.</param>
    /// <param name="hz">Hidden projections [B, 3H] (r, z, n) including b_hh.</param>
    /// <param name="hPrev">Previous hidden state [B, H].</param>
    /// <param name="gates">Output activations [B, 3H]: r, u (update gate z), n.</param>
    /// <param name="h">Output hidden state [B, H].</param>
    public static void Forward(int batch, int hidden, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, Span<float> gates, Span<float> h)
        => ForwardScalar(batch, hidden, xz, hz, hPrev, gates, h);

    /// <summary>
    /// Backward step: dn = dh (1 - u), du = dh (h_prev - n), a = dn (1 - n^2);
    /// dxz_n = a, dhz_n = a r, dr = a hz_n; dxz_r = dhz_r = dr r (1 - r); dxz_z = dhz_z = du u (1 - u);
    /// dhPrev = dh u (the direct path only: the caller adds W_hh^T dhz).
    /// </summary>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="gates">Forward activations [B, 3H] (r, u, n).</param>
    /// <param name="hz">Hidden projections [B, 3H] from the forward step.</param>
    /// <param name="hPrev">Previous hidden state [B, H].</param>
    /// <param name="dh">Gradient with respect to h [B, H].</param>
    /// <param name="dxz">Output gradient with respect to xz [B, 3H].</param>
    /// <param name="dhz">Output gradient with respect to hz [B, 3H].</param>
    /// <param name="dhPrev">Output direct gradient with respect to h_prev [B, H].</param>
    public static void Backward(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhPrev)
        => BackwardScalar(batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev);

    internal static void ForwardScalar(int batch, int hidden, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, Span<float> gates, Span<float> h)
    {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g3, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float r = Activations.SigmoidScalar(xz[zo + j] + hz[zo + j]);
                float u = Activations.SigmoidScalar(xz[zo + hidden + j] + hz[zo + hidden + j]);
                float n = MathF.Tanh(xz[zo + 2 * hidden + j] + r * hz[zo + 2 * hidden + j]);
                gates[zo + j] = r; gates[zo + hidden + j] = u; gates[zo + 2 * hidden + j] = n;
                h[so + j] = (1f - u) * n + u * hPrev[so + j];
            }
        }
    }

    internal static void BackwardScalar(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhPrev)
    {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g3, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float r = gates[zo + j], u = gates[zo + hidden + j], n = gates[zo + 2 * hidden + j];
                float d = dh[so + j];
                float dn = d * (1f - u);
                float du = d * (hPrev[so + j] - n);
                float a = dn * (1f - n * n);
                float dr = a * hz[zo + 2 * hidden + j] * r * (1f - r);
                float dzu = du * u * (1f - u);
                dxz[zo + j] = dr; dhz[zo + j] = dr;
                dxz[zo + hidden + j] = dzu; dhz[zo + hidden + j] = dzu;
                dxz[zo + 2 * hidden + j] = a; dhz[zo + 2 * hidden + j] = a * r;
                dhPrev[so + j] = d * u;
            }
        }
    }
}
