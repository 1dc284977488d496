// Scale: x *= alpha in place. Driver: ElementwiseDriver.Map (span and scalar, destination x). Bitwise equal to the scalar loop
// on every path (one IEEE multiply per element, so the tail runs the scalar form).
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>x[i] *= alpha, in place.</summary>
    /// <param name="alpha">Scale.</param>
    /// <param name="x">Values, updated in place.</param>
    public static void Scale(float alpha, Span<float> x) => ElementwiseDriver.Map(KernelDispatch.Active, default(ScaleOperator), x, alpha, x);

    /// <summary><see cref="Scale(float, Span{float})"/> on the given path.</summary>
    internal static void Scale(IsaLevel isa, float alpha, Span<float> x) => ElementwiseDriver.Map(isa, default(ScaleOperator), x, alpha, x);
}

/// <summary>x alpha (alpha a broadcast scalar).</summary>
internal readonly struct ScaleOperator : IBinaryOperator
{
    public static bool ScalarTailIsExact => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float alpha) => x * alpha;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV alpha) where TS : struct, ISimd<TV> where TV : struct => TS.Mul(alpha, x);
}
