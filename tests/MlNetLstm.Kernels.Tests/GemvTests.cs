using MlNetLstm.Kernels;
using Xunit.Sdk;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// GEMV y += x·wT on every path against a double-precision reference: every n in 0..257 (every register block and
/// column tail) for a few k, every k in 0..257 for a few n, misaligned spans, sentinels after y.
/// Tolerance: (k + 2) * 2^-23 * (|y0| + sum_p |x_p w_pj|) — the dot-product rounding bound (doubled), valid for fused
/// or unfused, any order; the scalar oracle is held to the same bound.
/// </summary>
public class GemvTests
{
    public delegate void GemvFn(ReadOnlySpan<float> w, int k, int n, ReadOnlySpan<float> x, Span<float> y);

    private static GemvFn Of(string path) => KernelPaths.Pick<GemvFn>(path, Gemv.MultiplyTransposedAdd, l => (w, k, n, x, y) => Gemv.MultiplyTransposedAdd(l, w, k, n, x, y));

    public static TheoryData<string> PathsAndOracle
    {
        get
        {
            var d = new TheoryData<string> { "Scalar" };
            foreach (string p in KernelPaths.Available()) d.Add(p);
            return d;
        }
    }

    private static void RunCase(GemvFn fn, int k, int n, int seed, string ctx)
    {
        int off = seed % 8;
        float[] w = TestData.Uniform(seed, k * n), x = TestData.Uniform(seed + 1, k), y0 = TestData.Uniform(seed + 2, n);
        float[] wb = new float[k * n + 7];
        w.CopyTo(wb, 7 - off);
        float[] yb = TestData.Guarded(off, n);
        y0.CopyTo(yb, off);
        fn(wb.AsSpan(7 - off, k * n), k, n, x, yb.AsSpan(off, n));
        for (int j = 0; j < n; j++)
        {
            double s = y0[j], mag = Math.Abs(y0[j]);
            for (int p = 0; p < k; p++) { s += (double)x[p] * w[p * n + j]; mag += Math.Abs((double)x[p] * w[p * n + j]); }
            Check.Close(s, yb[off + j], (k + 2) * Math.Pow(2, -23) * mag, 0, ctx, j);
        }
        TestData.AssertGuardsIntact(yb, off, n, ctx);
    }

    [Theory]
    [MemberData(nameof(PathsAndOracle))]
    public void EveryNFrom0To257(string path)
    {
        var fn = Of(path);
        for (int n = 0; n <= 257; n++)
            foreach (int k in new[] { 1, 8, 19 })
                RunCase(fn, k, n, n * 3 + k, $"gemv {path} k={k} n={n}");
    }

    [Theory]
    [MemberData(nameof(PathsAndOracle))]
    public void EveryKFrom0To257(string path)
    {
        var fn = Of(path);
        for (int k = 0; k <= 257; k++)
            foreach (int n in new[] { 5, 64, 200 })
                RunCase(fn, k, n, k * 7 + n, $"gemv {path} k={k} n={n}");
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void BitwiseDeterministic(string path)
    {
        var fn = Of(path);
        float[] w = TestData.Uniform(1, 70 * 300), x = TestData.Uniform(2, 70);
        var y1 = new float[300];
        var y2 = new float[300];
        fn(w, 70, 300, x, y1);
        fn(w, 70, 300, x, y2);
        Check.BitwiseEqual(y1, y2, path);
    }

    [Fact]
    public void ShortSpansThrowNamingTheArgument()
    {
        ((Action)(() => Gemv.MultiplyTransposedAdd(new float[5], 2, 3, new float[2], new float[3]))).Should().Throw<ArgumentException>().WithParameterName("wT");
        ((Action)(() => Gemv.MultiplyTransposedAdd(new float[6], 2, 3, new float[1], new float[3]))).Should().Throw<ArgumentException>().WithParameterName("x");
        ((Action)(() => Gemv.MultiplyTransposedAdd(new float[6], 2, 3, new float[2], new float[2]))).Should().Throw<ArgumentException>().WithParameterName("y");
        ((Action)(() => Gemv.MultiplyTransposedAdd(new float[6], -2, 3, new float[2], new float[3]))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("k");
    }
}
