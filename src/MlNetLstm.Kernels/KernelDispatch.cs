// Kernel dispatch. KernelDispatch.Run is the one place that maps an IsaLevel to a width struct (Simd.cs):
//   Scalar     - plain C# loops, MathF-based; the test oracle (and the fallback when no SIMD is accelerated)
//   Vector128  - V128Simd: portable System.Runtime.Intrinsics Vector128<float> (SSE on x64, AdvSimd on ARM64)
//   Vector256  - V256Simd: portable Vector256<float>
//   Avx2Fma    - Avx2Simd: explicit System.Runtime.Intrinsics.X86 Avx/Avx2/Fma intrinsics on Vector256<float>
//   Avx512     - Avx512Simd: explicit Avx512F intrinsics on Vector512<float>
// Element-wise kernels reach it through the loop drivers (ElementwiseDriver.cs); public entry points pass
// KernelDispatch.Active (a static readonly field that the JIT folds to a constant after tiering), tests pass a level.
// The fused LSTM/GRU cell steps run on ElementwiseDriver.Cell; only GEMM still switches on KernelDispatch.Active itself.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

// Hot kernels must not pay for zeroing stack scratch they fully overwrite (explicit `= default` still zeroes).
[module: SkipLocalsInit]

namespace MlNetLstm.Kernels;

/// <summary>Instruction-set level a kernel path is written for, in increasing order of preference.</summary>
public enum IsaLevel
{
    /// <summary>Plain scalar C# (MathF); the reference implementation.</summary>
    Scalar = 0,
    /// <summary>Portable 128-bit <see cref="Vector128{T}"/> code (SSE2+ on x64, AdvSimd on ARM64).</summary>
    Vector128 = 1,
    /// <summary>Portable 256-bit <see cref="Vector256{T}"/> code.</summary>
    Vector256 = 2,
    /// <summary>Explicit x86 AVX2 + FMA3 intrinsics (8 floats per register, fused multiply-add).</summary>
    Avx2Fma = 3,
    /// <summary>Explicit x86 AVX-512F intrinsics (16 floats per register).</summary>
    Avx512 = 4,
}

/// <summary>Public, read-only view of what the kernel dispatcher selected on this machine and process.</summary>
public static class KernelInfo
{
    /// <summary>The path every kernel uses in this process (decided once, at type initialisation).</summary>
    public static IsaLevel ActiveIsa => KernelDispatch.Active;

    /// <summary>The best level the hardware and runtime currently report (re-evaluated on each call; equals <see cref="ActiveIsa"/> in a normal process).</summary>
    public static IsaLevel BestSupported => KernelDispatch.Detect();

    /// <summary>
    /// Every level that can run in this process, lowest first (always contains <see cref="IsaLevel.Scalar"/>).
    /// Useful for benchmarks and tests that compare paths.
    /// </summary>
    public static IReadOnlyList<IsaLevel> AvailableLevels
    {
        get
        {
            var list = new List<IsaLevel> { IsaLevel.Scalar };
            if (Vector128.IsHardwareAccelerated) list.Add(IsaLevel.Vector128);
            if (Vector256.IsHardwareAccelerated) list.Add(IsaLevel.Vector256);
            if (KernelDispatch.HasAvx2Fma) list.Add(IsaLevel.Avx2Fma);
            if (KernelDispatch.HasAvx512) list.Add(IsaLevel.Avx512);
            return list;
        }
    }

    /// <summary>
    /// One line describing the active path and the relevant hardware flags, e.g.
    /// <c>"Avx512 (AVX-512F=True, AVX2=True, FMA=True, V128=True, V256=True, V512=True)"</c>.
    /// </summary>
    public static string Description =>
        $"{ActiveIsa} (AVX-512F={Avx512F.IsSupported}, AVX2={Avx2.IsSupported}, FMA={Fma.IsSupported}, " +
        $"V128={Vector128.IsHardwareAccelerated}, V256={Vector256.IsHardwareAccelerated}, V512={Vector512.IsHardwareAccelerated})";
}

/// <summary>The single dispatcher: AVX-512F → AVX2+FMA → portable Vector256 → portable Vector128 → scalar.</summary>
internal static partial class KernelDispatch
{
    /// <summary>True when the explicit AVX2 + FMA paths can run.</summary>
    internal static bool HasAvx2Fma => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>True when the explicit AVX-512 paths can run (they also use AVX2/FMA for scalars and halves).</summary>
    internal static bool HasAvx512 => Avx512F.IsSupported && Avx512F.VL.IsSupported && HasAvx2Fma;

    /// <summary>The selected path; a static readonly so tiered JIT treats it as a constant.</summary>
    internal static readonly IsaLevel Active = Detect();

    internal static IsaLevel Detect()
    {
        if (HasAvx512) return IsaLevel.Avx512;
        if (HasAvx2Fma) return IsaLevel.Avx2Fma;
        if (Vector256.IsHardwareAccelerated) return IsaLevel.Vector256;
        if (Vector128.IsHardwareAccelerated) return IsaLevel.Vector128;
        return IsaLevel.Scalar;
    }
}

/// <summary>
/// One kernel invocation whose path is chosen by <see cref="KernelDispatch.Run{TInvoker}(IsaLevel, ref TInvoker)"/>:
/// a vector path instantiated with the width struct of the level, or the scalar reference.
/// </summary>
internal interface IIsaInvoker
{
    /// <summary>Runs the vector path with width struct <typeparamref name="TS"/> over registers <typeparamref name="TV"/>.</summary>
    void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct;

    /// <summary>Runs the scalar reference path.</summary>
    void InvokeScalar();
}

/// <summary>The single ISA switch of the element-wise kernels (adding an ISA: a width struct and one case here).</summary>
internal static partial class KernelDispatch
{
    /// <summary>Runs <paramref name="invoker"/> on the path of <paramref name="isa"/> (which must be available in this process).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run<TInvoker>(IsaLevel isa, ref TInvoker invoker) where TInvoker : struct, IIsaInvoker, allows ref struct
    {
        switch (isa)
        {
            case IsaLevel.Avx512: invoker.Invoke<Avx512Simd, Vector512<float>>(); break;
            case IsaLevel.Avx2Fma: invoker.Invoke<Avx2Simd, Vector256<float>>(); break;
            case IsaLevel.Vector256: invoker.Invoke<V256Simd, Vector256<float>>(); break;
            case IsaLevel.Vector128: invoker.Invoke<V128Simd, Vector128<float>>(); break;
            default: invoker.InvokeScalar(); break;
        }
    }
}

/// <summary>Argument checks shared by the kernels (clear messages naming the argument).</summary>
internal static class KernelGuard
{
    internal static void Length(int actual, long required, string paramName)
    {
        if (actual < required)
            throw new ArgumentException($"Span '{paramName}' has length {actual} but at least {required} elements are required.", paramName);
    }

    internal static void SameLength(int actual, int expected, string paramName, string otherName)
    {
        if (actual != expected)
            throw new ArgumentException($"Span '{paramName}' has length {actual} but '{otherName}' has length {expected}; they must be equal.", paramName);
    }

    internal static void NonNegative(int value, string paramName)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(paramName, value, $"'{paramName}' must be non-negative.");
    }
}
