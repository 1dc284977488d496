// Axpy: y += alpha x. Driver: ElementwiseDriver.Map (binary, destination y). Fused multiply-add on the FMA paths, so
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
        ElementwiseDriver.Map(KernelDispatch.Active, new AxpyOperator(alpha), x, y, y);
    }

    /// <summary><see cref="Axpy(float, ReadOnlySpan{float}, Span{float})"/> on the given path (no checks).</summary>
    internal static void Axpy(IsaLevel isa, float alpha, ReadOnlySpan<float> x, Span<float> y)
        => ElementwiseDriver.Map(isa, new AxpyOperator(alpha), x, y, y);
}

/// <summary>alpha x + y.</summary>
internal readonly struct AxpyOperator(float alpha) : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => y + alpha * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y) where TS : struct, ISimd<TV> where TV : struct => TS.MulAdd(TS.Broadcast(alpha), x, y);
}
