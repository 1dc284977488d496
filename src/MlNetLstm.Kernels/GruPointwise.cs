// Fused GRU pointwise step. Suffixes: Scalar (MathF oracle) | Vector128 / Vector256 (portable) | Avx2 (explicit
// Avx/Fma through Avx2Simd) | Avx512 (explicit Avx512F through Avx512Simd).
// Layout: per batch row, xz / hz / gates / dxz / dhz hold [r | z | n] (each H), states hold H. One pass over H per
// row; the tail of H goes through stack staging (computed exactly like a full vector). All loads of a vector happen
// before its stores.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: ForwardCore<Avx512Simd, Vector512<float>>(batch, hidden, xz, hz, hPrev, gates, h); break;
            case IsaLevel.Avx2Fma: ForwardCore<Avx2Simd, Vector256<float>>(batch, hidden, xz, hz, hPrev, gates, h); break;
            case IsaLevel.Vector256: ForwardCore<V256Simd, Vector256<float>>(batch, hidden, xz, hz, hPrev, gates, h); break;
            case IsaLevel.Vector128: ForwardCore<V128Simd, Vector128<float>>(batch, hidden, xz, hz, hPrev, gates, h); break;
            default: ForwardScalar(batch, hidden, xz, hz, hPrev, gates, h); break;
        }
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
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: BackwardCore<Avx512Simd, Vector512<float>>(batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev); break;
            case IsaLevel.Avx2Fma: BackwardCore<Avx2Simd, Vector256<float>>(batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev); break;
            case IsaLevel.Vector256: BackwardCore<V256Simd, Vector256<float>>(batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev); break;
            case IsaLevel.Vector128: BackwardCore<V128Simd, Vector128<float>>(batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev); break;
            default: BackwardScalar(batch, hidden, gates, hz, hPrev, dh, dxz, dhz, dhPrev); break;
        }
    }

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

    internal static void ForwardVector128(int b, int hd, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, Span<float> g, Span<float> h) => ForwardCore<V128Simd, Vector128<float>>(b, hd, xz, hz, hp, g, h);
    internal static void ForwardVector256(int b, int hd, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, Span<float> g, Span<float> h) => ForwardCore<V256Simd, Vector256<float>>(b, hd, xz, hz, hp, g, h);
    internal static void ForwardAvx2(int b, int hd, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, Span<float> g, Span<float> h) => ForwardCore<Avx2Simd, Vector256<float>>(b, hd, xz, hz, hp, g, h);
    internal static void ForwardAvx512(int b, int hd, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, Span<float> g, Span<float> h) => ForwardCore<Avx512Simd, Vector512<float>>(b, hd, xz, hz, hp, g, h);

    internal static void BackwardVector128(int b, int hd, ReadOnlySpan<float> g, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhp) => BackwardCore<V128Simd, Vector128<float>>(b, hd, g, hz, hp, dh, dxz, dhz, dhp);
    internal static void BackwardVector256(int b, int hd, ReadOnlySpan<float> g, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhp) => BackwardCore<V256Simd, Vector256<float>>(b, hd, g, hz, hp, dh, dxz, dhz, dhp);
    internal static void BackwardAvx2(int b, int hd, ReadOnlySpan<float> g, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhp) => BackwardCore<Avx2Simd, Vector256<float>>(b, hd, g, hz, hp, dh, dxz, dhz, dhp);
    internal static void BackwardAvx512(int b, int hd, ReadOnlySpan<float> g, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhp) => BackwardCore<Avx512Simd, Vector512<float>>(b, hd, g, hz, hp, dh, dxz, dhz, dhp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardVector<TS, TV>(ref float xr, ref float xu, ref float xn, ref float hr, ref float hu, ref float hn, ref float hp,
        ref float gr, ref float gu, ref float gn, ref float hOut)
        where TS : struct, ISimd<TV> where TV : struct
    {
        TV r = SimdMath.Sigmoid<TS, TV>(TS.Add(TS.Load(ref xr), TS.Load(ref hr)));
        TV u = SimdMath.Sigmoid<TS, TV>(TS.Add(TS.Load(ref xu), TS.Load(ref hu)));
        TV n = SimdMath.Tanh<TS, TV>(TS.MulAdd(r, TS.Load(ref hn), TS.Load(ref xn)));
        TV hNew = TS.MulAdd(u, TS.Load(ref hp), TS.Mul(TS.Sub(TS.Broadcast(1f), u), n));
        TS.Store(r, ref gr); TS.Store(u, ref gu); TS.Store(n, ref gn); TS.Store(hNew, ref hOut);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardCore<TS, TV>(int batch, int hidden, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, Span<float> gates, Span<float> h)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, g3 = 3 * hidden;
        ref float xr = ref MemoryMarshal.GetReference(xz);
        ref float hzr = ref MemoryMarshal.GetReference(hz);
        ref float hpr = ref MemoryMarshal.GetReference(hPrev);
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float hr = ref MemoryMarshal.GetReference(h);
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g3, so = b * hidden, j = 0;
            for (; j <= hidden - w; j += w)
            {
                ForwardVector<TS, TV>(
                    ref Unsafe.Add(ref xr, zo + j), ref Unsafe.Add(ref xr, zo + hidden + j), ref Unsafe.Add(ref xr, zo + 2 * hidden + j),
                    ref Unsafe.Add(ref hzr, zo + j), ref Unsafe.Add(ref hzr, zo + hidden + j), ref Unsafe.Add(ref hzr, zo + 2 * hidden + j),
                    ref Unsafe.Add(ref hpr, so + j),
                    ref Unsafe.Add(ref gr, zo + j), ref Unsafe.Add(ref gr, zo + hidden + j), ref Unsafe.Add(ref gr, zo + 2 * hidden + j),
                    ref Unsafe.Add(ref hr, so + j));
            }
            int t = hidden - j;
            if (t > 0)
            {
                Staging16x11 st = default;
                Span<float> s = st;
                for (int q = 0; q < 3; q++)
                {
                    xz.Slice(zo + q * hidden + j, t).CopyTo(s.Slice(16 * q));
                    hz.Slice(zo + q * hidden + j, t).CopyTo(s.Slice(48 + 16 * q));
                }
                hPrev.Slice(so + j, t).CopyTo(s.Slice(96));
                ForwardVector<TS, TV>(ref s[0], ref s[16], ref s[32], ref s[48], ref s[64], ref s[80], ref s[96],
                    ref s[112], ref s[128], ref s[144], ref s[160]);
                for (int q = 0; q < 3; q++) s.Slice(112 + 16 * q, t).CopyTo(gates.Slice(zo + q * hidden + j));
                s.Slice(160, t).CopyTo(h.Slice(so + j));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardVector<TS, TV>(ref float gr, ref float gu, ref float gn, ref float hzn, ref float hp, ref float dhr,
        ref float dxr, ref float dxu, ref float dxn, ref float dhzr, ref float dhzu, ref float dhzn, ref float dhp)
        where TS : struct, ISimd<TV> where TV : struct
    {
        TV one = TS.Broadcast(1f);
        TV r = TS.Load(ref gr), u = TS.Load(ref gu), n = TS.Load(ref gn), hn = TS.Load(ref hzn), hPrev = TS.Load(ref hp), d = TS.Load(ref dhr);
        TV dn = TS.Mul(d, TS.Sub(one, u));
        TV du = TS.Mul(d, TS.Sub(hPrev, n));
        TV a = TS.Mul(dn, TS.Sub(one, TS.Mul(n, n)));
        TV dr = TS.Mul(TS.Mul(a, hn), TS.Mul(r, TS.Sub(one, r)));
        TV dzu = TS.Mul(du, TS.Mul(u, TS.Sub(one, u)));
        TV ar = TS.Mul(a, r);
        TV dhP = TS.Mul(d, u);
        TS.Store(dr, ref dxr); TS.Store(dr, ref dhzr);
        TS.Store(dzu, ref dxu); TS.Store(dzu, ref dhzu);
        TS.Store(a, ref dxn); TS.Store(ar, ref dhzn);
        TS.Store(dhP, ref dhp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BackwardCore<TS, TV>(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hz,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhPrev)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, g3 = 3 * hidden;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float hzr = ref MemoryMarshal.GetReference(hz);
        ref float hpr = ref MemoryMarshal.GetReference(hPrev);
        ref float dhr = ref MemoryMarshal.GetReference(dh);
        ref float dxr = ref MemoryMarshal.GetReference(dxz);
        ref float dhzr = ref MemoryMarshal.GetReference(dhz);
        ref float dhpr = ref MemoryMarshal.GetReference(dhPrev);
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g3, so = b * hidden, j = 0;
            for (; j <= hidden - w; j += w)
            {
                BackwardVector<TS, TV>(
                    ref Unsafe.Add(ref gr, zo + j), ref Unsafe.Add(ref gr, zo + hidden + j), ref Unsafe.Add(ref gr, zo + 2 * hidden + j),
                    ref Unsafe.Add(ref hzr, zo + 2 * hidden + j), ref Unsafe.Add(ref hpr, so + j), ref Unsafe.Add(ref dhr, so + j),
                    ref Unsafe.Add(ref dxr, zo + j), ref Unsafe.Add(ref dxr, zo + hidden + j), ref Unsafe.Add(ref dxr, zo + 2 * hidden + j),
                    ref Unsafe.Add(ref dhzr, zo + j), ref Unsafe.Add(ref dhzr, zo + hidden + j), ref Unsafe.Add(ref dhzr, zo + 2 * hidden + j),
                    ref Unsafe.Add(ref dhpr, so + j));
            }
            int t = hidden - j;
            if (t > 0)
            {
                Staging16x11 st = default;
                Span<float> s = st;
                for (int q = 0; q < 3; q++) gates.Slice(zo + q * hidden + j, t).CopyTo(s.Slice(16 * q));
                hz.Slice(zo + 2 * hidden + j, t).CopyTo(s.Slice(48));
                hPrev.Slice(so + j, t).CopyTo(s.Slice(64));
                dh.Slice(so + j, t).CopyTo(s.Slice(80));
                // Outputs: dxz in 96/112/128, dhz in 144/160 and slot 0 (n part), dhPrev in slot 16 (inputs already loaded).
                BackwardVector<TS, TV>(ref s[0], ref s[16], ref s[32], ref s[48], ref s[64], ref s[80],
                    ref s[96], ref s[112], ref s[128], ref s[144], ref s[160], ref s[0], ref s[16]);
                for (int q = 0; q < 3; q++) s.Slice(96 + 16 * q, t).CopyTo(dxz.Slice(zo + q * hidden + j));
                s.Slice(144, t).CopyTo(dhz.Slice(zo + j));
                s.Slice(160, t).CopyTo(dhz.Slice(zo + hidden + j));
                s.Slice(0, t).CopyTo(dhz.Slice(zo + 2 * hidden + j));
                s.Slice(16, t).CopyTo(dhPrev.Slice(so + j));
            }
        }
    }
}
