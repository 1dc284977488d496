// Dot: sum x[i] y[i]. Driver: ElementwiseDriver.Aggregate (eight accumulators, fixed combine order, sequential tail),
// deterministic per path; differs from the sequential scalar sum only by rounding.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>Returns sum_i x[i] * y[i] over i in [0, x.Length) (eight vector accumulators, fixed combine order).</summary>
    /// <param name="x">First vector, length N.</param>
    /// <param name="y">Second vector, length at least N.</param>
    /// <returns>The dot product.</returns>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        return ElementwiseDriver.Aggregate(KernelDispatch.Active, default(DotOperator), x, y);
    }

    /// <summary><see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> on the given path (no checks).</summary>
    internal static float Dot(IsaLevel isa, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        => ElementwiseDriver.Aggregate(isa, default(DotOperator), x, y);
}

/// <summary>acc + x y (fused on the FMA paths).</summary>
internal readonly struct DotOperator : IAccumulateOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float accumulator, float x, float y) => accumulator + x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV accumulator, TV x, TV y) where TS : struct, ISimd<TV> where TV : struct => TS.MulAdd(x, y, accumulator);
}
