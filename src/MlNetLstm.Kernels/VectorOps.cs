// Small element-wise vector kernels. Suffixes: Scalar (oracle) | Vector128 / Vector256 (portable) | Avx2 (explicit
// Avx/Fma through Avx2Simd, and explicit Avx/Fma double widening for SumOfSquares) | Avx512 (explicit Avx512F).
// Layout: contiguous spans, destination last; tails go through a stack staging vector (same arithmetic as full
// vectors). Reductions (Dot: 8, SumOfSquares: 2-4 independent accumulators) and a fixed combine order, so they are
// deterministic per path; they differ from the sequential scalar sum only by rounding (see tests for bounds).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetLstm.Kernels;

/// <summary>
/// Small element-wise vector kernels used by layers and optimizers. Spans at the boundary, destination last.
/// </summary>
public static partial class VectorOps
{
    /// <summary>y[i] += alpha * x[i] for i in [0, x.Length) (fused multiply-add on FMA paths).</summary>
    /// <param name="alpha">Scale of x.</param>
    /// <param name="x">Input, length N.</param>
    /// <param name="y">Accumulator, length at least N.</param>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: AxpyCore<Avx512Simd, Vector512<float>>(alpha, x, y); break;
            case IsaLevel.Avx2Fma: AxpyCore<Avx2Simd, Vector256<float>>(alpha, x, y); break;
            case IsaLevel.Vector256: AxpyCore<V256Simd, Vector256<float>>(alpha, x, y); break;
            case IsaLevel.Vector128: AxpyCore<V128Simd, Vector128<float>>(alpha, x, y); break;
            default: AxpyScalar(alpha, x, y); break;
        }
    }

    /// <summary>destination[i] = x[i] + y[i] for i in [0, x.Length). destination may be x or y (same span).</summary>
    /// <param name="x">First operand, length N.</param>
    /// <param name="y">Second operand, length at least N.</param>
    /// <param name="destination">Output, length at least N.</param>
    /// <exception cref="ArgumentException">y or destination is shorter than x.</exception>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: AddCore<Avx512Simd, Vector512<float>>(x, y, destination); break;
            case IsaLevel.Avx2Fma: AddCore<Avx2Simd, Vector256<float>>(x, y, destination); break;
            case IsaLevel.Vector256: AddCore<V256Simd, Vector256<float>>(x, y, destination); break;
            case IsaLevel.Vector128: AddCore<V128Simd, Vector128<float>>(x, y, destination); break;
            default: AddScalar(x, y, destination); break;
        }
    }

    /// <summary>Adds <paramref name="bias"/> (length N) to every row of the row-major [rows, N] matrix: matrix[r, j] += bias[j].</summary>
    /// <param name="bias">Row vector, length N.</param>
    /// <param name="matrix">Row-major [rows, N], updated in place.</param>
    /// <param name="rows">Number of rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">rows is negative.</exception>
    /// <exception cref="ArgumentException">matrix is shorter than rows * N.</exception>
    public static void AddRowBroadcast(ReadOnlySpan<float> bias, Span<float> matrix, int rows)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Length(matrix.Length, (long)rows * bias.Length, nameof(matrix));
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = matrix.Slice(r * n, n);
            switch (KernelDispatch.Active)
            {
                case IsaLevel.Avx512: AddCore<Avx512Simd, Vector512<float>>(row, bias, row); break;
                case IsaLevel.Avx2Fma: AddCore<Avx2Simd, Vector256<float>>(row, bias, row); break;
                case IsaLevel.Vector256: AddCore<V256Simd, Vector256<float>>(row, bias, row); break;
                case IsaLevel.Vector128: AddCore<V128Simd, Vector128<float>>(row, bias, row); break;
                default: AddScalar(row, bias, row); break;
            }
        }
    }

    /// <summary>
    /// destination[j] += sum over rows of matrix[r, j] (column sums of a row-major [rows, N] matrix, N = destination
    /// length). The rows are added in order 0..rows-1 on every path, so the result equals the scalar loop bit for bit.
    /// </summary>
    /// <param name="matrix">Row-major [rows, N].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="destination">Accumulator, length N.</param>
    /// <exception cref="ArgumentOutOfRangeException">rows is negative.</exception>
    /// <exception cref="ArgumentException">matrix is shorter than rows * N.</exception>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, int rows, Span<float> destination)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Length(matrix.Length, (long)rows * destination.Length, nameof(matrix));
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: ColumnSumsCore<Avx512Simd, Vector512<float>>(matrix, rows, destination); break;
            case IsaLevel.Avx2Fma: ColumnSumsCore<Avx2Simd, Vector256<float>>(matrix, rows, destination); break;
            case IsaLevel.Vector256: ColumnSumsCore<V256Simd, Vector256<float>>(matrix, rows, destination); break;
            case IsaLevel.Vector128: ColumnSumsCore<V128Simd, Vector128<float>>(matrix, rows, destination); break;
            default: ColumnSumsScalar(matrix, rows, destination); break;
        }
    }

    /// <summary>Returns sum_i x[i] * y[i] over i in [0, x.Length) (eight vector accumulators, fixed combine order).</summary>
    /// <param name="x">First vector, length N.</param>
    /// <param name="y">Second vector, length at least N.</param>
    /// <returns>The dot product.</returns>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        return KernelDispatch.Active switch
        {
            IsaLevel.Avx512 => DotCore<Avx512Simd, Vector512<float>>(x, y),
            IsaLevel.Avx2Fma => DotCore<Avx2Simd, Vector256<float>>(x, y),
            IsaLevel.Vector256 => DotCore<V256Simd, Vector256<float>>(x, y),
            IsaLevel.Vector128 => DotCore<V128Simd, Vector128<float>>(x, y),
            _ => DotScalar(x, y),
        };
    }

    /// <summary>Returns sum_i x[i]^2 accumulated in double precision (used for gradient-norm clipping).</summary>
    /// <param name="x">Values.</param>
    /// <returns>The sum of squares as a double.</returns>
    public static double SumOfSquares(ReadOnlySpan<float> x) => KernelDispatch.Active switch
    {
        IsaLevel.Avx512 => SumOfSquaresAvx512(x),
        IsaLevel.Avx2Fma => SumOfSquaresAvx2(x),
        IsaLevel.Vector256 => SumOfSquaresVector256(x),
        IsaLevel.Vector128 => SumOfSquaresVector128(x),
        _ => SumOfSquaresScalar(x),
    };

    /// <summary>x[i] *= alpha, in place.</summary>
    /// <param name="alpha">Scale.</param>
    /// <param name="x">Values, updated in place.</param>
    public static void Scale(float alpha, Span<float> x)
    {
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: ScaleCore<Avx512Simd, Vector512<float>>(alpha, x); break;
            case IsaLevel.Avx2Fma: ScaleCore<Avx2Simd, Vector256<float>>(alpha, x); break;
            case IsaLevel.Vector256: ScaleCore<V256Simd, Vector256<float>>(alpha, x); break;
            case IsaLevel.Vector128: ScaleCore<V128Simd, Vector128<float>>(alpha, x); break;
            default: ScaleScalar(alpha, x); break;
        }
    }

    /// <summary>Returns true when every element is finite (no NaN or infinity).</summary>
    /// <param name="x">Values.</param>
    /// <returns>False if any element is NaN or +-Inf.</returns>
    public static bool AllFinite(ReadOnlySpan<float> x) => KernelDispatch.Active switch
    {
        IsaLevel.Avx512 => AllFiniteCore<Avx512Simd, Vector512<float>>(x),
        IsaLevel.Avx2Fma => AllFiniteCore<Avx2Simd, Vector256<float>>(x),
        IsaLevel.Vector256 => AllFiniteCore<V256Simd, Vector256<float>>(x),
        IsaLevel.Vector128 => AllFiniteCore<V128Simd, Vector128<float>>(x),
        _ => AllFiniteScalar(x),
    };

    // ---------------- scalar references ----------------

    internal static void AxpyScalar(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }

    internal static void AddScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] + y[i];
    }

    internal static void ColumnSumsScalar(ReadOnlySpan<float> matrix, int rows, Span<float> destination)
    {
        int n = destination.Length;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = matrix.Slice(r * n, n);
            for (int j = 0; j < n; j++) destination[j] += row[j];
        }
    }

    internal static float DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    internal static double SumOfSquaresScalar(ReadOnlySpan<float> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * x[i];
        return s;
    }

    internal static void ScaleScalar(float alpha, Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }

    internal static bool AllFiniteScalar(ReadOnlySpan<float> x)
    {
        for (int i = 0; i < x.Length; i++) if (!float.IsFinite(x[i])) return false;
        return true;
    }

    // ---------------- generic SIMD cores ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AxpyCore<TS, TV>(float alpha, ReadOnlySpan<float> x, Span<float> y) where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        TV va = TS.Broadcast(alpha);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - 4 * w; i += 4 * w)
        {
            TV y0 = TS.MulAdd(va, TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)));
            TV y1 = TS.MulAdd(va, TS.Load(ref Unsafe.Add(ref xr, i + w)), TS.Load(ref Unsafe.Add(ref yr, i + w)));
            TV y2 = TS.MulAdd(va, TS.Load(ref Unsafe.Add(ref xr, i + 2 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 2 * w)));
            TV y3 = TS.MulAdd(va, TS.Load(ref Unsafe.Add(ref xr, i + 3 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 3 * w)));
            TS.Store(y0, ref Unsafe.Add(ref yr, i)); TS.Store(y1, ref Unsafe.Add(ref yr, i + w));
            TS.Store(y2, ref Unsafe.Add(ref yr, i + 2 * w)); TS.Store(y3, ref Unsafe.Add(ref yr, i + 3 * w));
        }
        for (; i <= n - w; i += w)
            TS.Store(TS.MulAdd(va, TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i))), ref Unsafe.Add(ref yr, i));
        if (i < n)
        {
            Unsafe.SkipInit(out Staging16 s1);  // SimdTail.Load clears them
            Unsafe.SkipInit(out Staging16 s2);
            TV xv = SimdTail.Load<TS, TV>(x, i, n - i, ref s1[0]);
            TV yv = SimdTail.Load<TS, TV>(y, i, n - i, ref s2[0]);
            SimdTail.Store<TS, TV>(TS.MulAdd(va, xv, yv), y, i, n - i, ref s1[0]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddCore<TS, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 4 * w; i += 4 * w)
        {
            // All four loads before the stores: d may be x or y exactly (same offset), never a shifted overlap.
            TV s0 = TS.Add(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)));
            TV s1 = TS.Add(TS.Load(ref Unsafe.Add(ref xr, i + w)), TS.Load(ref Unsafe.Add(ref yr, i + w)));
            TV s2 = TS.Add(TS.Load(ref Unsafe.Add(ref xr, i + 2 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 2 * w)));
            TV s3 = TS.Add(TS.Load(ref Unsafe.Add(ref xr, i + 3 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 3 * w)));
            TS.Store(s0, ref Unsafe.Add(ref dr, i)); TS.Store(s1, ref Unsafe.Add(ref dr, i + w));
            TS.Store(s2, ref Unsafe.Add(ref dr, i + 2 * w)); TS.Store(s3, ref Unsafe.Add(ref dr, i + 3 * w));
        }
        for (; i <= n - w; i += w)
            TS.Store(TS.Add(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i))), ref Unsafe.Add(ref dr, i));
        for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref xr, i) + Unsafe.Add(ref yr, i);  // exact same IEEE add
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ColumnSumsCore<TS, TV>(ReadOnlySpan<float> matrix, int rows, Span<float> d) where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = d.Length, j = 0;
        ref float mr = ref MemoryMarshal.GetReference(matrix);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; j <= n - 4 * w; j += 4 * w)
        {
            ref float dj = ref Unsafe.Add(ref dr, j);
            TV a0 = TS.Load(ref dj), a1 = TS.Load(ref Unsafe.Add(ref dj, w)), a2 = TS.Load(ref Unsafe.Add(ref dj, 2 * w)), a3 = TS.Load(ref Unsafe.Add(ref dj, 3 * w));
            for (int r = 0; r < rows; r++)
            {
                ref float row = ref Unsafe.Add(ref mr, (nint)r * n + j);
                a0 = TS.Add(a0, TS.Load(ref row));
                a1 = TS.Add(a1, TS.Load(ref Unsafe.Add(ref row, w)));
                a2 = TS.Add(a2, TS.Load(ref Unsafe.Add(ref row, 2 * w)));
                a3 = TS.Add(a3, TS.Load(ref Unsafe.Add(ref row, 3 * w)));
            }
            TS.Store(a0, ref dj); TS.Store(a1, ref Unsafe.Add(ref dj, w)); TS.Store(a2, ref Unsafe.Add(ref dj, 2 * w)); TS.Store(a3, ref Unsafe.Add(ref dj, 3 * w));
        }
        for (; j <= n - w; j += w)
        {
            ref float dj = ref Unsafe.Add(ref dr, j);
            TV a0 = TS.Load(ref dj);
            for (int r = 0; r < rows; r++) a0 = TS.Add(a0, TS.Load(ref Unsafe.Add(ref mr, (nint)r * n + j)));
            TS.Store(a0, ref dj);
        }
        for (; j < n; j++)
        {
            float s = Unsafe.Add(ref dr, j);
            for (int r = 0; r < rows; r++) s += Unsafe.Add(ref mr, (nint)r * n + j);
            Unsafe.Add(ref dr, j) = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float DotCore<TS, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TS : struct, ISimd<TV> where TV : struct
    {
        // 8 independent accumulators: two FMA pipes x 4-cycle latency need 8 chains in flight.
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (; i <= n - 8 * w; i += 8 * w)
        {
            ref float xi = ref Unsafe.Add(ref xr, i);
            ref float yi = ref Unsafe.Add(ref yr, i);
            a0 = TS.MulAdd(TS.Load(ref xi), TS.Load(ref yi), a0);
            a1 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, w)), TS.Load(ref Unsafe.Add(ref yi, w)), a1);
            a2 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, 2 * w)), TS.Load(ref Unsafe.Add(ref yi, 2 * w)), a2);
            a3 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, 3 * w)), TS.Load(ref Unsafe.Add(ref yi, 3 * w)), a3);
            a4 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, 4 * w)), TS.Load(ref Unsafe.Add(ref yi, 4 * w)), a4);
            a5 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, 5 * w)), TS.Load(ref Unsafe.Add(ref yi, 5 * w)), a5);
            a6 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, 6 * w)), TS.Load(ref Unsafe.Add(ref yi, 6 * w)), a6);
            a7 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xi, 7 * w)), TS.Load(ref Unsafe.Add(ref yi, 7 * w)), a7);
        }
        for (; i <= n - w; i += w)
            a0 = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)), a0);
        float tail = 0f;  // fewer than one register of elements: sequential scalar sum (no staging on the hot path)
        for (; i < n; i++) tail += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        TV s = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
        return TS.Sum(s) + tail;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleCore<TS, TV>(float alpha, Span<float> x) where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        TV va = TS.Broadcast(alpha);
        ref float xr = ref MemoryMarshal.GetReference(x);
        for (; i <= n - w; i += w)
            TS.Store(TS.Mul(va, TS.Load(ref Unsafe.Add(ref xr, i))), ref Unsafe.Add(ref xr, i));
        for (; i < n; i++) Unsafe.Add(ref xr, i) *= alpha;  // exact same IEEE multiply
    }

    /// <summary>x * 0 is 0 for finite x and NaN for NaN/Inf, so one accumulator tracks "any non-finite" cheaply;
    /// it is checked every 64 vectors for an early exit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool AllFiniteCore<TS, TV>(ReadOnlySpan<float> x) where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        TV zero = default, acc = default;
        while (i <= n - w)
        {
            int stop = Math.Min(n - w, i + 64 * w);
            for (; i <= stop; i += w) acc = TS.MulAdd(TS.Load(ref Unsafe.Add(ref xr, i)), zero, acc);
            if (TS.AnyNaN(acc)) return false;
        }
        for (; i < n; i++) if (!float.IsFinite(Unsafe.Add(ref xr, i))) return false;
        return true;
    }

    // ---------------- SumOfSquares: float -> double widening per path ----------------

    internal static double SumOfSquaresVector128(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        Vector128<double> a0 = default, a1 = default;
        for (; i <= n - 4; i += 4)
        {
            var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)i));
            a0 += lo * lo;
            a1 += hi * hi;
        }
        double s = Vector128.Sum(a0 + a1);
        for (; i < n; i++) s += (double)Unsafe.Add(ref xr, i) * Unsafe.Add(ref xr, i);
        return s;
    }

    internal static double SumOfSquaresVector256(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        Vector256<double> a0 = default, a1 = default;
        for (; i <= n - 8; i += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
            a0 += lo * lo;
            a1 += hi * hi;
        }
        double s = Vector256.Sum(a0 + a1);
        for (; i < n; i++) s += (double)Unsafe.Add(ref xr, i) * Unsafe.Add(ref xr, i);
        return s;
    }

    internal static unsafe double SumOfSquaresAvx2(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        fixed (float* p = x)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 16; i += 16)
            {
                Vector256<double> d0 = Avx.ConvertToVector256Double(Sse.LoadVector128(p + i));
                Vector256<double> d1 = Avx.ConvertToVector256Double(Sse.LoadVector128(p + i + 4));
                Vector256<double> d2 = Avx.ConvertToVector256Double(Sse.LoadVector128(p + i + 8));
                Vector256<double> d3 = Avx.ConvertToVector256Double(Sse.LoadVector128(p + i + 12));
                a0 = Fma.MultiplyAdd(d0, d0, a0); a1 = Fma.MultiplyAdd(d1, d1, a1);
                a2 = Fma.MultiplyAdd(d2, d2, a2); a3 = Fma.MultiplyAdd(d3, d3, a3);
            }
            for (; i <= n - 4; i += 4)
            {
                Vector256<double> d0 = Avx.ConvertToVector256Double(Sse.LoadVector128(p + i));
                a0 = Fma.MultiplyAdd(d0, d0, a0);
            }
            Vector256<double> t = Avx.Add(Avx.Add(a0, a1), Avx.Add(a2, a3));
            Vector128<double> h = Sse2.Add(t.GetLower(), t.GetUpper());
            double s = h.GetElement(0) + h.GetElement(1);
            for (; i < n; i++) s += (double)p[i] * p[i];
            return s;
        }
    }

    internal static unsafe double SumOfSquaresAvx512(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        fixed (float* p = x)
        {
            Vector512<double> a0 = default, a1 = default;
            for (; i <= n - 16; i += 16)
            {
                Vector512<double> d0 = Avx512F.ConvertToVector512Double(Avx.LoadVector256(p + i));
                Vector512<double> d1 = Avx512F.ConvertToVector512Double(Avx.LoadVector256(p + i + 8));
                a0 = Avx512F.FusedMultiplyAdd(d0, d0, a0);
                a1 = Avx512F.FusedMultiplyAdd(d1, d1, a1);
            }
            Vector512<double> t = Avx512F.Add(a0, a1);
            Vector256<double> q = Avx.Add(t.GetLower(), t.GetUpper());
            Vector128<double> h = Sse2.Add(q.GetLower(), q.GetUpper());
            double s = h.GetElement(0) + h.GetElement(1);
            for (; i < n; i++) s += (double)p[i] * p[i];
            return s;
        }
    }

    // ---------------- per-path entry points for tests and benchmarks ----------------

    internal static void AxpyVector128(float a, ReadOnlySpan<float> x, Span<float> y) => AxpyCore<V128Simd, Vector128<float>>(a, x, y);
    internal static void AxpyVector256(float a, ReadOnlySpan<float> x, Span<float> y) => AxpyCore<V256Simd, Vector256<float>>(a, x, y);
    internal static void AxpyAvx2(float a, ReadOnlySpan<float> x, Span<float> y) => AxpyCore<Avx2Simd, Vector256<float>>(a, x, y);
    internal static void AxpyAvx512(float a, ReadOnlySpan<float> x, Span<float> y) => AxpyCore<Avx512Simd, Vector512<float>>(a, x, y);
    internal static void AddVector128(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => AddCore<V128Simd, Vector128<float>>(x, y, d);
    internal static void AddVector256(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => AddCore<V256Simd, Vector256<float>>(x, y, d);
    internal static void AddAvx2(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => AddCore<Avx2Simd, Vector256<float>>(x, y, d);
    internal static void AddAvx512(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => AddCore<Avx512Simd, Vector512<float>>(x, y, d);
    internal static float DotVector128(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => DotCore<V128Simd, Vector128<float>>(x, y);
    internal static float DotVector256(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => DotCore<V256Simd, Vector256<float>>(x, y);
    internal static float DotAvx2(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => DotCore<Avx2Simd, Vector256<float>>(x, y);
    internal static float DotAvx512(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => DotCore<Avx512Simd, Vector512<float>>(x, y);
    internal static void ScaleVector128(float a, Span<float> x) => ScaleCore<V128Simd, Vector128<float>>(a, x);
    internal static void ScaleVector256(float a, Span<float> x) => ScaleCore<V256Simd, Vector256<float>>(a, x);
    internal static void ScaleAvx2(float a, Span<float> x) => ScaleCore<Avx2Simd, Vector256<float>>(a, x);
    internal static void ScaleAvx512(float a, Span<float> x) => ScaleCore<Avx512Simd, Vector512<float>>(a, x);
    internal static bool AllFiniteVector128(ReadOnlySpan<float> x) => AllFiniteCore<V128Simd, Vector128<float>>(x);
    internal static bool AllFiniteVector256(ReadOnlySpan<float> x) => AllFiniteCore<V256Simd, Vector256<float>>(x);
    internal static bool AllFiniteAvx2(ReadOnlySpan<float> x) => AllFiniteCore<Avx2Simd, Vector256<float>>(x);
    internal static bool AllFiniteAvx512(ReadOnlySpan<float> x) => AllFiniteCore<Avx512Simd, Vector512<float>>(x);
    internal static void ColumnSumsVector128(ReadOnlySpan<float> m, int rows, Span<float> d) => ColumnSumsCore<V128Simd, Vector128<float>>(m, rows, d);
    internal static void ColumnSumsVector256(ReadOnlySpan<float> m, int rows, Span<float> d) => ColumnSumsCore<V256Simd, Vector256<float>>(m, rows, d);
    internal static void ColumnSumsAvx2(ReadOnlySpan<float> m, int rows, Span<float> d) => ColumnSumsCore<Avx2Simd, Vector256<float>>(m, rows, d);
    internal static void ColumnSumsAvx512(ReadOnlySpan<float> m, int rows, Span<float> d) => ColumnSumsCore<Avx512Simd, Vector512<float>>(m, rows, d);
}
