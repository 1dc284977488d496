// Tanh: destination = tanh(x). Driver: ElementwiseDriver.Map (unary); vector body SimdMath.Tanh, scalar form MathF.Tanh.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

public static partial class Activations
{
    /// <summary>destination[i] = tanh(x[i]) for i in [0, x.Length). x and destination may be the same span.</summary>
    /// <param name="x">Input values.</param>
    /// <param name="destination">Output, length at least x.Length; elements beyond x.Length are untouched.</param>
    /// <exception cref="ArgumentException">destination is shorter than x.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination)
    {
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        ElementwiseDriver.Map(KernelDispatch.Active, default(TanhOperator), x, destination);
    }

    /// <summary><see cref="Tanh(ReadOnlySpan{float}, Span{float})"/> on the given path (no checks).</summary>
    internal static void Tanh(IsaLevel isa, ReadOnlySpan<float> x, Span<float> destination)
        => ElementwiseDriver.Map(isa, default(TanhOperator), x, destination);
}

/// <summary>Hyperbolic tangent.</summary>
internal readonly struct TanhOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x) => MathF.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct => SimdMath.Tanh<TS, TV>(x);
}
