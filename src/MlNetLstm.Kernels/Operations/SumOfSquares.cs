// SumOfSquares: sum x[i]^2 in double precision. It widens float to double, which the float-register drivers do not
// model, so it supplies its own body per width (as TensorPrimitives' operators supply Vector128/256/512 overloads)
// and reaches the path through the one dispatcher (KernelDispatch.Run). A new width struct falls back to the
// portable Vector128 body until it gets its own.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>Returns sum_i x[i]^2 accumulated in double precision (used for gradient-norm clipping).</summary>
    /// <param name="x">Values.</param>
    /// <returns>The sum of squares as a double.</returns>
    public static double SumOfSquares(ReadOnlySpan<float> x) => SumOfSquares(KernelDispatch.Active, x);

    /// <summary><see cref="SumOfSquares(ReadOnlySpan{float})"/> on the given path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SumOfSquares(IsaLevel isa, ReadOnlySpan<float> x)
    {
        var invoker = new SumOfSquaresKernel(x);
        KernelDispatch.Run(isa, ref invoker);
        return invoker.Result;
    }
}

/// <summary>Sum of squares in double; one body per register width.</summary>
internal ref struct SumOfSquaresKernel(ReadOnlySpan<float> x) : IIsaInvoker
{
    private readonly ReadOnlySpan<float> _x = x;
    public double Result;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct
    {
        if (typeof(TS) == typeof(Avx512Simd)) Result = Avx512(_x);
        else if (typeof(TS) == typeof(Avx2Simd)) Result = Avx2(_x);
        else if (typeof(TS) == typeof(V256Simd)) Result = Vector256Body(_x);
        else Result = Vector128Body(_x);
    }

    public void InvokeScalar()
    {
        double s = 0;
        for (int i = 0; i < _x.Length; i++) s += (double)_x[i] * _x[i];
        Result = s;
    }

    private static double Vector128Body(ReadOnlySpan<float> x)
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

    private static double Vector256Body(ReadOnlySpan<float> x)
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

    private static unsafe double Avx2(ReadOnlySpan<float> x)
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

    private static unsafe double Avx512(ReadOnlySpan<float> x)
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
}
