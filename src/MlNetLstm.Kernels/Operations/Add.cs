// Add: destination = x + y. Driver: ElementwiseDriver.Map (binary). Bitwise equal to the scalar loop on every path
// (one IEEE add per element, so the tail runs the scalar form).
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>destination[i] = x[i] + y[i] for i in [0, x.Length). destination may be x or y (same span).</summary>
    /// <param name="x">First operand, length N.</param>
    /// <param name="y">Second operand, length at least N.</param>
    /// <param name="destination">Output, length at least N.</param>
    /// <exception cref="ArgumentException">y or destination is shorter than x.</exception>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        ElementwiseDriver.Map(KernelDispatch.Active, default(AddOperator), x, y, destination);
    }

    /// <summary><see cref="Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on the given path (no checks).</summary>
    internal static void Add(IsaLevel isa, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        => ElementwiseDriver.Map(isa, default(AddOperator), x, y, destination);
}

/// <summary>x + y.</summary>
internal readonly struct AddOperator : IBinaryOperator
{
    public static bool ScalarTailIsExact => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y) where TS : struct, ISimd<TV> where TV : struct => TS.Add(x, y);
}
