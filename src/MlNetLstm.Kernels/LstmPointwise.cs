// Fused LSTM pointwise step. Suffixes: Scalar (MathF oracle) | Vector128 / Vector256 (portable) | Avx2 (explicit
// Avx/Fma through Avx2Simd) | Avx512 (explicit Avx512F through Avx512Simd).
// Layout: per batch row, z / gates / dz hold [i | f | g | o] (each H), states hold H. One pass over H per row:
// load the four gate pre-activations, activate (SimdMath sigmoid/tanh), update c and h, store; the tail of H goes
// through stack staging so it is computed exactly like a full vector. Every vector is fully loaded before anything
// is stored, so the documented aliases (gates = z, dcPrev = dcNext) are safe.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: ForwardCore<Avx512Simd, Vector512<float>>(batch, hidden, z, cPrev, gates, c, h); break;
            case IsaLevel.Avx2Fma: ForwardCore<Avx2Simd, Vector256<float>>(batch, hidden, z, cPrev, gates, c, h); break;
            case IsaLevel.Vector256: ForwardCore<V256Simd, Vector256<float>>(batch, hidden, z, cPrev, gates, c, h); break;
            case IsaLevel.Vector128: ForwardCore<V128Simd, Vector128<float>>(batch, hidden, z, cPrev, gates, c, h); break;
            default: ForwardScalar(batch, hidden, z, cPrev, gates, c, h); break;
        }
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
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: BackwardCore<Avx512Simd, Vector512<float>>(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev); break;
            case IsaLevel.Avx2Fma: BackwardCore<Avx2Simd, Vector256<float>>(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev); break;
            case IsaLevel.Vector256: BackwardCore<V256Simd, Vector256<float>>(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev); break;
            case IsaLevel.Vector128: BackwardCore<V128Simd, Vector128<float>>(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev); break;
            default: BackwardScalar(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev); break;
        }
    }

    internal static void ForwardScalar(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float i = Activations.SigmoidScalar(z[zo + j]);
                float f = Activations.SigmoidScalar(z[zo + hidden + j]);
                float g = MathF.Tanh(z[zo + 2 * hidden + j]);
                float o = Activations.SigmoidScalar(z[zo + 3 * hidden + j]);
                float cn = f * cPrev[so + j] + i * g;
                gates[zo + j] = i; gates[zo + hidden + j] = f; gates[zo + 2 * hidden + j] = g; gates[zo + 3 * hidden + j] = o;
                c[so + j] = cn;
                h[so + j] = o * MathF.Tanh(cn);
            }
        }
    }

    internal static void BackwardScalar(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float i = gates[zo + j], f = gates[zo + hidden + j], g = gates[zo + 2 * hidden + j], o = gates[zo + 3 * hidden + j];
                float tc = MathF.Tanh(c[so + j]);
                float dhv = dh[so + j];
                float dct = (dcNext.IsEmpty ? 0f : dcNext[so + j]) + dhv * o * (1f - tc * tc);
                dz[zo + j] = dct * g * i * (1f - i);
                dz[zo + hidden + j] = dct * cPrev[so + j] * f * (1f - f);
                dz[zo + 2 * hidden + j] = dct * i * (1f - g * g);
                dz[zo + 3 * hidden + j] = dhv * tc * o * (1f - o);
                dcPrev[so + j] = dct * f;
            }
        }
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

    internal static void ForwardVector128(int b, int h, ReadOnlySpan<float> z, ReadOnlySpan<float> cp, Span<float> g, Span<float> c, Span<float> hs) => ForwardCore<V128Simd, Vector128<float>>(b, h, z, cp, g, c, hs);
    internal static void ForwardVector256(int b, int h, ReadOnlySpan<float> z, ReadOnlySpan<float> cp, Span<float> g, Span<float> c, Span<float> hs) => ForwardCore<V256Simd, Vector256<float>>(b, h, z, cp, g, c, hs);
    internal static void ForwardAvx2(int b, int h, ReadOnlySpan<float> z, ReadOnlySpan<float> cp, Span<float> g, Span<float> c, Span<float> hs) => ForwardCore<Avx2Simd, Vector256<float>>(b, h, z, cp, g, c, hs);
    internal static void ForwardAvx512(int b, int h, ReadOnlySpan<float> z, ReadOnlySpan<float> cp, Span<float> g, Span<float> c, Span<float> hs) => ForwardCore<Avx512Simd, Vector512<float>>(b, h, z, cp, g, c, hs);

    internal static void BackwardVector128(int b, int h, ReadOnlySpan<float> g, ReadOnlySpan<float> cp, ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcn, Span<float> dz, Span<float> dcp) => BackwardCore<V128Simd, Vector128<float>>(b, h, g, cp, c, dh, dcn, dz, dcp);
    internal static void BackwardVector256(int b, int h, ReadOnlySpan<float> g, ReadOnlySpan<float> cp, ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcn, Span<float> dz, Span<float> dcp) => BackwardCore<V256Simd, Vector256<float>>(b, h, g, cp, c, dh, dcn, dz, dcp);
    internal static void BackwardAvx2(int b, int h, ReadOnlySpan<float> g, ReadOnlySpan<float> cp, ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcn, Span<float> dz, Span<float> dcp) => BackwardCore<Avx2Simd, Vector256<float>>(b, h, g, cp, c, dh, dcn, dz, dcp);
    internal static void BackwardAvx512(int b, int h, ReadOnlySpan<float> g, ReadOnlySpan<float> cp, ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcn, Span<float> dz, Span<float> dcp) => BackwardCore<Avx512Simd, Vector512<float>>(b, h, g, cp, c, dh, dcn, dz, dcp);

    /// <summary>One vector of the forward step; all loads happen before the first store (alias-safe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardVector<TS, TV>(ref float zi, ref float zf, ref float zg, ref float zo, ref float cp,
        ref float gi, ref float gf, ref float gg, ref float go, ref float cOut, ref float hOut)
        where TS : struct, ISimd<TV> where TV : struct
    {
        TV i = SimdMath.Sigmoid<TS, TV>(TS.Load(ref zi));
        TV f = SimdMath.Sigmoid<TS, TV>(TS.Load(ref zf));
        TV g = SimdMath.Tanh<TS, TV>(TS.Load(ref zg));
        TV o = SimdMath.Sigmoid<TS, TV>(TS.Load(ref zo));
        TV cn = TS.MulAdd(f, TS.Load(ref cp), TS.Mul(i, g));
        TV hn = TS.Mul(o, SimdMath.Tanh<TS, TV>(cn));
        TS.Store(i, ref gi); TS.Store(f, ref gf); TS.Store(g, ref gg); TS.Store(o, ref go);
        TS.Store(cn, ref cOut); TS.Store(hn, ref hOut);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardCore<TS, TV>(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, g4 = 4 * hidden;
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float cpr = ref MemoryMarshal.GetReference(cPrev);
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float cr = ref MemoryMarshal.GetReference(c);
        ref float hr = ref MemoryMarshal.GetReference(h);
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden, j = 0;
            for (; j <= hidden - w; j += w)
            {
                ForwardVector<TS, TV>(
                    ref Unsafe.Add(ref zr, zo + j), ref Unsafe.Add(ref zr, zo + hidden + j), ref Unsafe.Add(ref zr, zo + 2 * hidden + j), ref Unsafe.Add(ref zr, zo + 3 * hidden + j),
                    ref Unsafe.Add(ref cpr, so + j),
                    ref Unsafe.Add(ref gr, zo + j), ref Unsafe.Add(ref gr, zo + hidden + j), ref Unsafe.Add(ref gr, zo + 2 * hidden + j), ref Unsafe.Add(ref gr, zo + 3 * hidden + j),
                    ref Unsafe.Add(ref cr, so + j), ref Unsafe.Add(ref hr, so + j));
            }
            int t = hidden - j;
            if (t > 0)
            {
                Staging16x11 st = default;
                Span<float> s = st;
                for (int q = 0; q < 4; q++) z.Slice(zo + q * hidden + j, t).CopyTo(s.Slice(16 * q));
                cPrev.Slice(so + j, t).CopyTo(s.Slice(64));
                ForwardVector<TS, TV>(ref s[0], ref s[16], ref s[32], ref s[48], ref s[64],
                    ref s[80], ref s[96], ref s[112], ref s[128], ref s[144], ref s[160]);
                for (int q = 0; q < 4; q++) s.Slice(80 + 16 * q, t).CopyTo(gates.Slice(zo + q * hidden + j));
                s.Slice(144, t).CopyTo(c.Slice(so + j));
                s.Slice(160, t).CopyTo(h.Slice(so + j));
            }
        }
    }

    /// <summary>One vector of the backward step; all loads happen before the first store (alias-safe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardVector<TS, TV>(ref float gi, ref float gf, ref float gg, ref float go, ref float cp, ref float cc,
        ref float dhr, ref float dcn, bool hasDcNext, ref float dzi, ref float dzf, ref float dzg, ref float dzo, ref float dcp)
        where TS : struct, ISimd<TV> where TV : struct
    {
        TV one = TS.Broadcast(1f);
        TV i = TS.Load(ref gi), f = TS.Load(ref gf), g = TS.Load(ref gg), o = TS.Load(ref go);
        TV cPrev = TS.Load(ref cp);
        TV tc = SimdMath.Tanh<TS, TV>(TS.Load(ref cc));
        TV dh = TS.Load(ref dhr);
        TV dNext = hasDcNext ? TS.Load(ref dcn) : default;
        TV dhO = TS.Mul(dh, o);
        TV dct = TS.MulAdd(dhO, TS.Sub(one, TS.Mul(tc, tc)), dNext);
        TV dzI = TS.Mul(TS.Mul(dct, g), TS.Mul(i, TS.Sub(one, i)));
        TV dzF = TS.Mul(TS.Mul(dct, cPrev), TS.Mul(f, TS.Sub(one, f)));
        TV dzG = TS.Mul(TS.Mul(dct, i), TS.Sub(one, TS.Mul(g, g)));
        TV dzO = TS.Mul(TS.Mul(dh, tc), TS.Mul(o, TS.Sub(one, o)));
        TV dcP = TS.Mul(dct, f);
        TS.Store(dzI, ref dzi); TS.Store(dzF, ref dzf); TS.Store(dzG, ref dzg); TS.Store(dzO, ref dzo);
        TS.Store(dcP, ref dcp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BackwardCore<TS, TV>(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, g4 = 4 * hidden;
        bool hasDc = !dcNext.IsEmpty;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float cpr = ref MemoryMarshal.GetReference(cPrev);
        ref float cr = ref MemoryMarshal.GetReference(c);
        ref float dhr = ref MemoryMarshal.GetReference(dh);
        ref float dcnr = ref MemoryMarshal.GetReference(dcNext);
        ref float dzr = ref MemoryMarshal.GetReference(dz);
        ref float dcpr = ref MemoryMarshal.GetReference(dcPrev);
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden, j = 0;
            for (; j <= hidden - w; j += w)
            {
                BackwardVector<TS, TV>(
                    ref Unsafe.Add(ref gr, zo + j), ref Unsafe.Add(ref gr, zo + hidden + j), ref Unsafe.Add(ref gr, zo + 2 * hidden + j), ref Unsafe.Add(ref gr, zo + 3 * hidden + j),
                    ref Unsafe.Add(ref cpr, so + j), ref Unsafe.Add(ref cr, so + j), ref Unsafe.Add(ref dhr, so + j),
                    ref hasDc ? ref Unsafe.Add(ref dcnr, so + j) : ref dcnr, hasDc,
                    ref Unsafe.Add(ref dzr, zo + j), ref Unsafe.Add(ref dzr, zo + hidden + j), ref Unsafe.Add(ref dzr, zo + 2 * hidden + j), ref Unsafe.Add(ref dzr, zo + 3 * hidden + j),
                    ref Unsafe.Add(ref dcpr, so + j));
            }
            int t = hidden - j;
            if (t > 0)
            {
                Staging16x11 st = default;
                Span<float> s = st;
                for (int q = 0; q < 4; q++) gates.Slice(zo + q * hidden + j, t).CopyTo(s.Slice(16 * q));
                cPrev.Slice(so + j, t).CopyTo(s.Slice(64));
                c.Slice(so + j, t).CopyTo(s.Slice(80));
                dh.Slice(so + j, t).CopyTo(s.Slice(96));
                if (hasDc) dcNext.Slice(so + j, t).CopyTo(s.Slice(112));
                // Outputs reuse the staging slots of gates (0..63) and of cPrev (64): everything is loaded first.
                BackwardVector<TS, TV>(ref s[0], ref s[16], ref s[32], ref s[48], ref s[64], ref s[80], ref s[96], ref s[112], hasDc,
                    ref s[128], ref s[144], ref s[160], ref s[0], ref s[16]);
                s.Slice(128, t).CopyTo(dz.Slice(zo + j));
                s.Slice(144, t).CopyTo(dz.Slice(zo + hidden + j));
                s.Slice(160, t).CopyTo(dz.Slice(zo + 2 * hidden + j));
                s.Slice(0, t).CopyTo(dz.Slice(zo + 3 * hidden + j));
                s.Slice(16, t).CopyTo(dcPrev.Slice(so + j));
            }
        }
    }
}
