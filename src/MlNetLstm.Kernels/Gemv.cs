// GEMV for batch-1 streaming steps: y[j] += sum_p x[p] * wT[p*n + j].
// Paths through KernelDispatch.Run: Scalar (oracle) | V128Simd / V256Simd (portable) | Avx2Simd | Avx512Simd.
// Layout: wT is [k, n] row-major (one row per input element). Register blocking: 8 accumulators of W lanes
// along n (64 columns on AVX2, 128 on AVX-512) kept in registers over the whole k loop, then single-register
// blocks, then a scalar column tail (same summation order as the scalar reference for those columns).
// No horizontal sums, no allocation; deterministic for a given path and shape.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetLstm.Kernels;

/// <summary>
/// Matrix-vector products for batch-1 (streaming) recurrent steps. The weight is stored transposed,
/// <c>wT[k, n]</c> row-major (one row per input element), so the loop runs along the outputs and
/// needs no horizontal sums: <c>y[j] += sum_p x[p] * wT[p, j]</c>.
/// </summary>
public static partial class Gemv
{
    /// <summary>
    /// Accumulates <c>y[j] += sum_{p &lt; k} x[p] * wT[p * n + j]</c> for j in [0, n).
    /// </summary>
    /// <param name="wT">Transposed weight, [k, n] row-major (length at least k * n).</param>
    /// <param name="k">Number of inputs (rows of wT).</param>
    /// <param name="n">Number of outputs (columns of wT).</param>
    /// <param name="x">Input vector, length k.</param>
    /// <param name="y">Output vector, length n; accumulated into.</param>
    /// <exception cref="ArgumentOutOfRangeException">k or n is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires.</exception>
    public static void MultiplyTransposedAdd(ReadOnlySpan<float> wT, int k, int n, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelGuard.NonNegative(k, nameof(k));
        KernelGuard.NonNegative(n, nameof(n));
        KernelGuard.Length(wT.Length, (long)k * n, nameof(wT));
        KernelGuard.Length(x.Length, k, nameof(x));
        KernelGuard.Length(y.Length, n, nameof(y));
        MultiplyTransposedAdd(KernelDispatch.Active, wT, k, n, x, y);
    }

    /// <summary><see cref="MultiplyTransposedAdd(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float})"/> on the given path (no checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyTransposedAdd(IsaLevel isa, ReadOnlySpan<float> wT, int k, int n, ReadOnlySpan<float> x, Span<float> y)
    {
        var invoker = new Kernel(wT, k, n, x, y);
        KernelDispatch.Run(isa, ref invoker);
    }

    /// <summary>The GEMV body per path: its own register blocking along n (it is not element-wise, so it has no driver).</summary>
    private readonly ref struct Kernel(ReadOnlySpan<float> wT, int k, int n, ReadOnlySpan<float> x, Span<float> y) : IIsaInvoker
    {
        private readonly ReadOnlySpan<float> _wT = wT, _x = x;
        private readonly Span<float> _y = y;

        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => Core<TS, TV>(_wT, k, n, _x, _y);

        public void InvokeScalar()
        {
            for (int p = 0; p < k; p++)
            {
                float xp = _x[p];
                ReadOnlySpan<float> row = _wT.Slice(p * n, n);
                for (int j = 0; j < n; j++) _y[j] += xp * row[j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Core<TS, TV>(ReadOnlySpan<float> wT, int k, int n, ReadOnlySpan<float> x, Span<float> y)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, j = 0;
        ref float wr = ref MemoryMarshal.GetReference(wT);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; j <= n - 8 * w; j += 8 * w)
        {
            ref float yj = ref Unsafe.Add(ref yr, j);
            TV a0 = TS.Load(ref yj), a1 = TS.Load(ref Unsafe.Add(ref yj, w)), a2 = TS.Load(ref Unsafe.Add(ref yj, 2 * w)), a3 = TS.Load(ref Unsafe.Add(ref yj, 3 * w));
            TV a4 = TS.Load(ref Unsafe.Add(ref yj, 4 * w)), a5 = TS.Load(ref Unsafe.Add(ref yj, 5 * w)), a6 = TS.Load(ref Unsafe.Add(ref yj, 6 * w)), a7 = TS.Load(ref Unsafe.Add(ref yj, 7 * w));
            ref float col = ref Unsafe.Add(ref wr, j);
            for (int p = 0; p < k; p++)
            {
                TV xp = TS.Broadcast(Unsafe.Add(ref xr, p));
                ref float row = ref Unsafe.Add(ref col, (nint)p * n);
                a0 = TS.MulAdd(xp, TS.Load(ref row), a0);
                a1 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, w)), a1);
                a2 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, 2 * w)), a2);
                a3 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, 3 * w)), a3);
                a4 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, 4 * w)), a4);
                a5 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, 5 * w)), a5);
                a6 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, 6 * w)), a6);
                a7 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, 7 * w)), a7);
            }
            TS.Store(a0, ref yj); TS.Store(a1, ref Unsafe.Add(ref yj, w)); TS.Store(a2, ref Unsafe.Add(ref yj, 2 * w)); TS.Store(a3, ref Unsafe.Add(ref yj, 3 * w));
            TS.Store(a4, ref Unsafe.Add(ref yj, 4 * w)); TS.Store(a5, ref Unsafe.Add(ref yj, 5 * w)); TS.Store(a6, ref Unsafe.Add(ref yj, 6 * w)); TS.Store(a7, ref Unsafe.Add(ref yj, 7 * w));
        }
        for (; j <= n - 2 * w; j += 2 * w)
        {
            ref float yj = ref Unsafe.Add(ref yr, j);
            TV a0 = TS.Load(ref yj), a1 = TS.Load(ref Unsafe.Add(ref yj, w));
            ref float col = ref Unsafe.Add(ref wr, j);
            for (int p = 0; p < k; p++)
            {
                TV xp = TS.Broadcast(Unsafe.Add(ref xr, p));
                ref float row = ref Unsafe.Add(ref col, (nint)p * n);
                a0 = TS.MulAdd(xp, TS.Load(ref row), a0);
                a1 = TS.MulAdd(xp, TS.Load(ref Unsafe.Add(ref row, w)), a1);
            }
            TS.Store(a0, ref yj); TS.Store(a1, ref Unsafe.Add(ref yj, w));
        }
        for (; j <= n - w; j += w)
        {
            ref float yj = ref Unsafe.Add(ref yr, j);
            TV a0 = TS.Load(ref yj);
            ref float col = ref Unsafe.Add(ref wr, j);
            for (int p = 0; p < k; p++)
                a0 = TS.MulAdd(TS.Broadcast(Unsafe.Add(ref xr, p)), TS.Load(ref Unsafe.Add(ref col, (nint)p * n)), a0);
            TS.Store(a0, ref yj);
        }
        for (; j < n; j++)
        {
            float s = Unsafe.Add(ref yr, j);
            for (int p = 0; p < k; p++) s += Unsafe.Add(ref xr, p) * Unsafe.Add(ref wr, (nint)p * n + j);
            Unsafe.Add(ref yr, j) = s;
        }
    }
}
