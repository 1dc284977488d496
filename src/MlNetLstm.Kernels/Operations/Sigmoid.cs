// Sigmoid: destination = 1 / (1 + exp(-x)). Driver: ElementwiseDriver.Map (unary); vector body SimdMath.Sigmoid,
// scalar form the MathF reference.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

public static partial class Activations
{
    /// <summary>destination[i] = 1 / (1 + exp(-x[i])) for i in [0, x.Length). x and destination may be the same span.</summary>
    /// <param name="x">Input values.</param>
    /// <param name="destination">Output, length at least x.Length; elements beyond x.Length are untouched.</param>
    /// <exception cref="ArgumentException">destination is shorter than x.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
    {
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        ElementwiseDriver.Map(KernelDispatch.Active, default(SigmoidOperator), x, destination);
    }

    /// <summary><see cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/> on the given path (no checks).</summary>
    internal static void Sigmoid(IsaLevel isa, ReadOnlySpan<float> x, Span<float> destination)
        => ElementwiseDriver.Map(isa, default(SigmoidOperator), x, destination);
}

/// <summary>Logistic sigmoid.</summary>
internal readonly struct SigmoidOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => Activations.SigmoidScalar(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct => SimdMath.Sigmoid<TS, TV>(x);
}
