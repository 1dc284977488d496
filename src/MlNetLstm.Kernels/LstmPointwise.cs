// Fused LSTM pointwise step: the public API and its streams; the operator structs (scalar form and vector body) are
// in Operations/LstmForward.cs and Operations/LstmBackward.cs, the loops in ElementwiseDriver.Cell.
// Layout: per batch row, z / gates / dz hold [i | f | g | o] (each H), states hold H. One pass over H per row:
// load the four gate pre-activations, activate (SimdMath sigmoid/tanh), update c and h, store; the tail of H goes
// through stack staging so it is computed exactly like a full vector. Every vector is fully loaded before anything
// is stored, so the documented aliases (gates = z, dcPrev = dcNext) are safe.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

/// <summary>
/// Fused LSTM gate activations and cell update, forward and backward, over a batch.
/// Layout (PyTorch): each batch row of pre-activations z holds [i | f | g | o], each of length H.
/// Forward: i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o),
/// c = f * c_prev + i * g, h = o * tanh(c).
/// </summary>
public static partial class LstmPointwise
{
    /// <summary>
    /// Forward step for <paramref name="batch"/> rows of hidden size <paramref name="hidden"/>.
    /// </summary>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="z">Pre-activations [B, 4H] in gate order i, f, g, o.</param>
    /// <param name="cPrev">Previous cell state [B, H].</param>
    /// <param name="gates">Output activations [B, 4H] (i, f, g, o); may alias <paramref name="z"/>.</param>
    /// <param name="c">Output cell state [B, H].</param>
    /// <param name="h">Output hidden state [B, H].</param>
    /// <exception cref="ArgumentOutOfRangeException">batch or hidden is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape ([B, 4H] or [B, H]).</exception>
    public static void Forward(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        ValidateForward(batch, hidden, z, cPrev, gates, c, h);
        Forward(KernelDispatch.Active, batch, hidden, z, cPrev, gates, c, h);
    }

    /// <summary>
    /// Backward step. With dc_total = dcNext + dh * o * (1 - tanh(c)^2):
    /// dz_i = dc_total * g * i(1-i), dz_f = dc_total * c_prev * f(1-f), dz_g = dc_total * i * (1-g^2),
    /// dz_o = dh * tanh(c) * o(1-o), dcPrev = dc_total * f.
    /// </summary>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="gates">Forward activations [B, 4H] (i, f, g, o).</param>
    /// <param name="cPrev">Previous cell state [B, H].</param>
    /// <param name="c">Cell state [B, H] produced by the forward step.</param>
    /// <param name="dh">Gradient of the loss with respect to h [B, H].</param>
    /// <param name="dcNext">Gradient flowing into c from the next step [B, H]; empty means zero.</param>
    /// <param name="dz">Output gradient with respect to the pre-activations [B, 4H].</param>
    /// <param name="dcPrev">Output gradient with respect to c_prev [B, H]; may alias <paramref name="dcNext"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">batch or hidden is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or dcNext is neither empty nor [B, H].</exception>
    public static void Backward(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
    {
        ValidateBackward(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev);
        Backward(KernelDispatch.Active, batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev);
    }

    private static void ValidateForward(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        KernelGuard.NonNegative(batch, nameof(batch));
        KernelGuard.NonNegative(hidden, nameof(hidden));
        long bh = (long)batch * hidden;
        KernelGuard.Length(z.Length, 4 * bh, nameof(z));
        KernelGuard.Length(cPrev.Length, bh, nameof(cPrev));
        KernelGuard.Length(gates.Length, 4 * bh, nameof(gates));
        KernelGuard.Length(c.Length, bh, nameof(c));
        KernelGuard.Length(h.Length, bh, nameof(h));
    }

    private static void ValidateBackward(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
    {
        KernelGuard.NonNegative(batch, nameof(batch));
        KernelGuard.NonNegative(hidden, nameof(hidden));
        long bh = (long)batch * hidden;
        KernelGuard.Length(gates.Length, 4 * bh, nameof(gates));
        KernelGuard.Length(cPrev.Length, bh, nameof(cPrev));
        KernelGuard.Length(c.Length, bh, nameof(c));
        KernelGuard.Length(dh.Length, bh, nameof(dh));
        if (!dcNext.IsEmpty) KernelGuard.Length(dcNext.Length, bh, nameof(dcNext));
        KernelGuard.Length(dz.Length, 4 * bh, nameof(dz));
        KernelGuard.Length(dcPrev.Length, bh, nameof(dcPrev));
    }

    /// <summary><see cref="Forward(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/> on the given path (no checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(IsaLevel isa, int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        if (batch == 0 || hidden == 0) return;
        int g4 = 4 * hidden;
        CellStreams s = default;
        s.Set(0, z, g4); s.Set(1, z.Slice(hidden), g4); s.Set(2, z.Slice(2 * hidden), g4); s.Set(3, z.Slice(3 * hidden), g4);
        s.Set(4, cPrev, hidden);
        s.Set(5, gates, g4); s.Set(6, gates.Slice(hidden), g4); s.Set(7, gates.Slice(2 * hidden), g4); s.Set(8, gates.Slice(3 * hidden), g4);
        s.Set(9, c, hidden);
        s.Set(10, h, hidden);
        ElementwiseDriver.Cell(isa, default(LstmForwardOperator), batch, hidden, in s);
    }

    /// <summary><see cref="Backward(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> on the given path (no checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Backward(IsaLevel isa, int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
    {
        if (batch == 0 || hidden == 0) return;
        int g4 = 4 * hidden;
        bool hasDcNext = !dcNext.IsEmpty;
        CellStreams s = default;
        s.Set(0, gates, g4); s.Set(1, gates.Slice(hidden), g4); s.Set(2, gates.Slice(2 * hidden), g4); s.Set(3, gates.Slice(3 * hidden), g4);
        s.Set(4, cPrev, hidden);
        s.Set(5, c, hidden);
        s.Set(6, dh, hidden);
        s.Set(7, hasDcNext ? dcNext : dh, hidden);  // without dc_next any valid [B, H] stream: the operator does not read it
        s.Set(8, dz, g4); s.Set(9, dz.Slice(hidden), g4); s.Set(10, dz.Slice(2 * hidden), g4); s.Set(11, dz.Slice(3 * hidden), g4);
        s.Set(12, dcPrev, hidden);
        ElementwiseDriver.Cell(isa, new LstmBackwardOperator(hasDcNext), batch, hidden, in s);
    }
}
