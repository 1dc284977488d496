using System.Runtime.Intrinsics;
using MlNetLstm.Kernels;
using Xunit.Sdk;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// The paths a table-driven test runs: "Public" is the dispatched public API (whatever KernelInfo.ActiveIsa picked),
/// the others call one internal path directly and are only listed when the hardware/runtime can run them.
/// </summary>
public static class KernelPaths
{
    public const string Public = "Public";

    public static IEnumerable<string> Available()
    {
        yield return Public;
        var levels = KernelInfo.AvailableLevels;
        if (levels.Contains(IsaLevel.Vector128)) yield return nameof(IsaLevel.Vector128);
        if (levels.Contains(IsaLevel.Vector256)) yield return nameof(IsaLevel.Vector256);
        if (levels.Contains(IsaLevel.Avx2Fma)) yield return nameof(IsaLevel.Avx2Fma);
        if (levels.Contains(IsaLevel.Avx512)) yield return nameof(IsaLevel.Avx512);
    }

    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string p in Available()) data.Add(p);
            return data;
        }
    }

    /// <summary>The level a (non-Public) path name stands for; every kernel has an internal overload taking it.</summary>
    public static IsaLevel Level(string path) => Enum.Parse<IsaLevel>(path);

    /// <summary>The dispatched public API for "Public", otherwise the internal overload on that level.</summary>
    public static T Pick<T>(string path, T publicApi, Func<IsaLevel, T> onLevel) => path == Public ? publicApi : onLevel(Level(path));

    /// <summary>True when the path uses fused multiply-add or an approximation (so results may differ from the
    /// scalar oracle by rounding), false only for the scalar fallback behind the public API.</summary>
    public static bool IsScalar(string path) => path == Public && KernelInfo.ActiveIsa == IsaLevel.Scalar;
}

public static class TestData
{
    /// <summary>Deterministic values uniform in [lo, hi).</summary>
    public static float[] Uniform(int seed, int length, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (int i = 0; i < length; i++) a[i] = lo + (float)rng.NextDouble() * (hi - lo);
        return a;
    }

    /// <summary>Sentinel written around destinations to prove nothing outside them is touched.</summary>
    public const float Sentinel = -12345.678f;

    /// <summary>An array of offset + length + 9 sentinels; the destination is [offset, offset + length).</summary>
    public static float[] Guarded(int offset, int length)
    {
        var a = new float[offset + length + 9];
        Array.Fill(a, Sentinel);
        return a;
    }

    public static void AssertGuardsIntact(float[] buffer, int offset, int length, string context)
    {
        for (int i = 0; i < offset; i++)
            if (buffer[i] != Sentinel) throw new XunitException($"{context}: element {i - offset} before the destination was overwritten with {buffer[i]}.");
        for (int i = offset + length; i < buffer.Length; i++)
            if (buffer[i] != Sentinel) throw new XunitException($"{context}: element {i - offset - length} after the destination was overwritten with {buffer[i]}.");
    }
}

public static class Check
{
    /// <summary>|actual - expected| &lt;= abs + rel * |expected| for every element, NaN only where expected is NaN.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double abs, double rel, string context)
    {
        if (expected.Length != actual.Length) throw new XunitException($"{context}: length {actual.Length}, expected {expected.Length}.");
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], abs, rel, context, i);
    }

    public static void Close(double expected, double actual, double abs, double rel, string context, int index)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            if (double.IsNaN(expected) && double.IsNaN(actual)) return;
            throw new XunitException($"{context}[{index}]: expected {expected:R}, got {actual:R} (NaN mismatch).");
        }
        if (expected == actual) return;
        double err = Math.Abs(actual - expected);
        if (!(err <= abs + rel * Math.Abs(expected)))
            throw new XunitException($"{context}[{index}]: expected {expected:R}, got {actual:R}, |error| {err:E3} > {abs:E2} + {rel:E2}*|expected|.");
    }

    public static void BitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                throw new XunitException($"{context}[{i}]: {actual[i]:R} differs bitwise from {expected[i]:R}.");
    }
}
