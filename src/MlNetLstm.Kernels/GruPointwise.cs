// Fused GRU pointwise step: the public API and its streams; the operator structs (scalar form and vector body) are
// in Operations/GruForward.cs and Operations/GruBackward.cs, the loops in ElementwiseDriver.Cell.
// Layout: per batch row, xz / hz / gates / dxz / dhz hold [r | z | n] (each H), states hold H. One pass over H per
// row; the tail of H goes through stack staging (computed exactly like a full vector). All loads of a vector happen
// before its stores.
using System.Runtime.CompilerServices;

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
    /// <exception cref="ArgumentOutOfRangeException">batch or hidden is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape ([B, 3H] or [B, H]).</exception>
    public static void Forward(int batch, int hidden, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, Span<float> gates, Span<float> h)
    {
        KernelGuard.NonNegative(batch, nameof(batch));
        KernelGuard.NonNegative(hidden, nameof(hidden));
        long bh = (long)batch * hidden;
        KernelGuard.Length(xz.Length, 3 * bh, nameof(xz));
        KernelGuard.Length(hz.Length, 3 * bh, nameof(hz));
        KernelGuard.Length(hPrev.Length, bh, nameof(hPrev));
        KernelGuard.Length(gates.Length, 3 * bh, nameof(gates));
        KernelGuard.Length(h.Length, bh, nameof(h));
        Forward(KernelDispatch.Active, batch, hidden, xz, hz, hPrev, gates, h);
    }

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
    /// <exception cref="ArgumentOutOfRangeException">batch or hidden is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape ([B, 3H] or [B, H]).</exception>
    public static void Backward(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhPrev)
    {
        KernelGuard.NonNegative(batch, nameof(batch));
        KernelGuard.NonNegative(hidden, nameof(hidden));
        long bh = (long)batch * hidden;
        KernelGuard.Length(gates.Length, 3 * bh, nameof(gates));
        KernelGuard.Length(hz.Length, 3 * bh, nameof(hz));
        KernelGuard.Length(hPrev.Length, bh, nameof(hPrev));
        KernelGuard.Length(dh.Length, bh, nameof(dh));
        KernelGuard.Length(dxz.Length, 3 * bh, nameof(dxz));
        KernelGuard.Length(dhz.Length, 3 * bh, nameof(dhz));
        KernelGuard.Length(dhPrev.Length, bh, nameof(dhPrev));
        Backward(KernelDispatch.Active, batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev);
    }

    /// <summary><see cref="Forward(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> on the given path (no checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(IsaLevel isa, int batch, int hidden, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, Span<float> gates, Span<float> h)
    {
        if (batch == 0 || hidden == 0) return;
        int g3 = 3 * hidden;
        CellStreams s = default;
        s.Set(0, xz, g3); s.Set(1, xz.Slice(hidden), g3); s.Set(2, xz.Slice(2 * hidden), g3);
        s.Set(3, hz, g3); s.Set(4, hz.Slice(hidden), g3); s.Set(5, hz.Slice(2 * hidden), g3);
        s.Set(6, hPrev, hidden);
        s.Set(7, gates, g3); s.Set(8, gates.Slice(hidden), g3); s.Set(9, gates.Slice(2 * hidden), g3);
        s.Set(10, h, hidden);
        ElementwiseDriver.Cell(isa, default(GruForwardOperator), batch, hidden, in s);
    }

    /// <summary><see cref="Backward(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/> on the given path (no checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Backward(IsaLevel isa, int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhPrev)
    {
        if (batch == 0 || hidden == 0) return;
        int g3 = 3 * hidden;
        CellStreams s = default;
        s.Set(0, gates, g3); s.Set(1, gates.Slice(hidden), g3); s.Set(2, gates.Slice(2 * hidden), g3);
        s.Set(3, hz.Slice(2 * hidden), g3);
        s.Set(4, hPrev, hidden);
        s.Set(5, dh, hidden);
        s.Set(6, dxz, g3); s.Set(7, dxz.Slice(hidden), g3); s.Set(8, dxz.Slice(2 * hidden), g3);
        s.Set(9, dhz, g3); s.Set(10, dhz.Slice(hidden), g3); s.Set(11, dhz.Slice(2 * hidden), g3);
        s.Set(12, dhPrev, hidden);
        ElementwiseDriver.Cell(isa, default(GruBackwardOperator), batch, hidden, in s);
    }
}
