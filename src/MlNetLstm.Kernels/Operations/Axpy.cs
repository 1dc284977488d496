// Axpy: y += alpha x. Driver: ElementwiseDriver.Map (two spans and a scalar, destination y). Fused multiply-add on the FMA paths, so
// the tail goes through staging.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

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
        ElementwiseDriver.Map(KernelDispatch.Active, default(AxpyOperator), x, y, alpha, y);
    }

    /// <summary><see cref="Axpy(float, ReadOnlySpan{float}, Span{float})"/> on the given path (no checks).</summary>
    internal static void Axpy(IsaLevel isa, float alpha, ReadOnlySpan<float> x, Span<float> y)
        => ElementwiseDriver.Map(isa, default(AxpyOperator), x, y, alpha, y);
}

/// <summary>alpha x + y (alpha a broadcast scalar).</summary>
internal readonly struct AxpyOperator : ITernaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y, float alpha) => y + alpha * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y, TV alpha) where TS : struct, ISimd<TV> where TV : struct => TS.MulAdd(alpha, x, y);
}
