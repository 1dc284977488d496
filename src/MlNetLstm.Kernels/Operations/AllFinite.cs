// AllFinite: no NaN or infinity. Driver: ElementwiseDriver.All (flag register tested every 64 vectors).
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>Returns true when every element is finite (no NaN or infinity).</summary>
    /// <param name="x">Values.</param>
    /// <returns>False if any element is NaN or +-Inf.</returns>
    public static bool AllFinite(ReadOnlySpan<float> x) => ElementwiseDriver.All(KernelDispatch.Active, default(FiniteOperator), x);

    /// <summary><see cref="AllFinite(ReadOnlySpan{float})"/> on the given path.</summary>
    internal static bool AllFinite(IsaLevel isa, ReadOnlySpan<float> x) => ElementwiseDriver.All(isa, default(FiniteOperator), x);
}

/// <summary>x * 0 is 0 for finite x and NaN for NaN or +-Inf, so one register of x * 0 + flags tracks "any non-finite".</summary>
internal readonly struct FiniteOperator : IAllOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Invoke(float x) => float.IsFinite(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Accumulate<TS, TV>(TV flags, TV x) where TS : struct, ISimd<TV> where TV : struct => TS.MulAdd(x, default, flags);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Passes<TS, TV>(TV flags) where TS : struct, ISimd<TV> where TV : struct => !TS.AnyNaN(flags);
}
