// Activations: sigmoid and tanh over spans.
// Suffixes: Scalar (MathF reference, the oracle) | Vector128 / Vector256 (portable) | Avx2 (explicit Avx/Fma) |
// Avx512 (explicit Avx512F). Layout: contiguous spans; destination may be the very same span as x (in place).
// Approximation (all vector paths): see SimdMath.cs. Maximum absolute error against double precision:
// sigmoid <= 2e-7, tanh <= 5e-7 (measured over [-20, 20] plus extremes by the tests); exact saturation to 0/1/+-1;
// NaN in gives NaN out; finite input never produces NaN.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetLstm.Kernels;

/// <summary>
/// Element-wise activations: <c>sigmoid(x) = 1 / (1 + exp(-x))</c> and <c>tanh(x)</c>.
/// The SIMD paths use an exp-based approximation with maximum absolute error 2e-7 (sigmoid) and 5e-7 (tanh).
/// </summary>
public static partial class Activations
{
    /// <summary>Maximum absolute error of the vectorised sigmoid against the exact function (enforced by tests).</summary>
    public const float SigmoidMaxAbsError = 2e-7f;

    /// <summary>Maximum absolute error of the vectorised tanh against the exact function (enforced by tests).</summary>
    public const float TanhMaxAbsError = 5e-7f;

    /// <summary>destination[i] = 1 / (1 + exp(-x[i])) for i in [0, x.Length). x and destination may be the same span.</summary>
    /// <param name="x">Input values.</param>
    /// <param name="destination">Output, length at least x.Length; elements beyond x.Length are untouched.</param>
    /// <exception cref="ArgumentException">destination is shorter than x.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
    {
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: Map<SigmoidOp, Avx512Simd, Vector512<float>>(x, destination); break;
            case IsaLevel.Avx2Fma: Map<SigmoidOp, Avx2Simd, Vector256<float>>(x, destination); break;
            case IsaLevel.Vector256: Map<SigmoidOp, V256Simd, Vector256<float>>(x, destination); break;
            case IsaLevel.Vector128: Map<SigmoidOp, V128Simd, Vector128<float>>(x, destination); break;
            default: SigmoidScalar(x, destination); break;
        }
    }

    /// <summary>destination[i] = tanh(x[i]) for i in [0, x.Length). x and destination may be the same span.</summary>
    /// <param name="x">Input values.</param>
    /// <param name="destination">Output, length at least x.Length; elements beyond x.Length are untouched.</param>
    /// <exception cref="ArgumentException">destination is shorter than x.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination)
    {
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: Map<TanhOp, Avx512Simd, Vector512<float>>(x, destination); break;
            case IsaLevel.Avx2Fma: Map<TanhOp, Avx2Simd, Vector256<float>>(x, destination); break;
            case IsaLevel.Vector256: Map<TanhOp, V256Simd, Vector256<float>>(x, destination); break;
            case IsaLevel.Vector128: Map<TanhOp, V128Simd, Vector128<float>>(x, destination); break;
            default: TanhScalar(x, destination); break;
        }
    }

    /// <summary>Scalar logistic sigmoid, the reference: <c>1 / (1 + MathF.Exp(-x))</c>.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>sigmoid(x) in [0, 1].</returns>
    public static float SigmoidScalar(float x) => 1f / (1f + MathF.Exp(-x));

    internal static void SigmoidScalar(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = SigmoidScalar(x[i]);
    }

    internal static void TanhScalar(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = MathF.Tanh(x[i]);
    }

    internal static void SigmoidVector128(ReadOnlySpan<float> x, Span<float> d) => Map<SigmoidOp, V128Simd, Vector128<float>>(x, d);
    internal static void SigmoidVector256(ReadOnlySpan<float> x, Span<float> d) => Map<SigmoidOp, V256Simd, Vector256<float>>(x, d);
    internal static void SigmoidAvx2(ReadOnlySpan<float> x, Span<float> d) => Map<SigmoidOp, Avx2Simd, Vector256<float>>(x, d);
    internal static void SigmoidAvx512(ReadOnlySpan<float> x, Span<float> d) => Map<SigmoidOp, Avx512Simd, Vector512<float>>(x, d);
    internal static void TanhVector128(ReadOnlySpan<float> x, Span<float> d) => Map<TanhOp, V128Simd, Vector128<float>>(x, d);
    internal static void TanhVector256(ReadOnlySpan<float> x, Span<float> d) => Map<TanhOp, V256Simd, Vector256<float>>(x, d);
    internal static void TanhAvx2(ReadOnlySpan<float> x, Span<float> d) => Map<TanhOp, Avx2Simd, Vector256<float>>(x, d);
    internal static void TanhAvx512(ReadOnlySpan<float> x, Span<float> d) => Map<TanhOp, Avx512Simd, Vector512<float>>(x, d);

    internal interface IUnaryOp
    {
        static abstract TV Invoke<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct;
    }

    internal readonly struct SigmoidOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct => SimdMath.Sigmoid<TS, TV>(x);
    }

    internal readonly struct TanhOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct => SimdMath.Tanh<TS, TV>(x);
    }

    /// <summary>The single loop driver: full vectors (unrolled by two), then one staged partial vector for the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Map<TOp, TS, TV>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : struct, IUnaryOp where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, len = x.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        for (; i <= len - 2 * w; i += 2 * w)
        {
            TV a = TS.Load(ref Unsafe.Add(ref xs, i));
            TV b = TS.Load(ref Unsafe.Add(ref xs, i + w));
            TS.Store(TOp.Invoke<TS, TV>(a), ref Unsafe.Add(ref ds, i));
            TS.Store(TOp.Invoke<TS, TV>(b), ref Unsafe.Add(ref ds, i + w));
        }
        for (; i <= len - w; i += w)
            TS.Store(TOp.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xs, i))), ref Unsafe.Add(ref ds, i));
        if (i < len)
        {
            Unsafe.SkipInit(out Staging16 st);  // SimdTail.Load clears it
            TV t = SimdTail.Load<TS, TV>(x, i, len - i, ref st[0]);
            SimdTail.Store<TS, TV>(TOp.Invoke<TS, TV>(t), destination, i, len - i, ref st[0]);
        }
    }
}
