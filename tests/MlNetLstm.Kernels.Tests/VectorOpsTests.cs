using MlNetLstm.Kernels;
using Xunit.Sdk;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// VectorOps and Adam on every path against the scalar oracle at every length 0..257, misaligned offsets, in place
/// where the API allows, with sentinels after the destination.
/// Tolerances: Add, Scale, AddColumnSums, AddRowBroadcast perform the same IEEE operations in the same order, so they
/// must match bit for bit. Axpy is one FMA vs a multiply then add (one extra rounding): 2^-23 (|y| + |alpha x|).
/// Dot reorders the sum (8 accumulators) and fuses: |error| &lt;= (n + 2) 2^-23 sum|x y| (gamma_n bound, doubled).
/// SumOfSquares accumulates in double: relative 1e-12. Adam: FMA contraction and reciprocal-multiply instead of a
/// divide: relative 1e-5 + absolute 1e-7 on parameters and moments.
/// </summary>
public class VectorOpsTests
{
    private static IEnumerable<(int Len, int Off)> Lengths()
    {
        for (int len = 0; len <= 257; len++) yield return (len, len % 8);
    }

    private static float[] At(float[] data, int off)
    {
        float[] buf = TestData.Guarded(off, data.Length);
        data.CopyTo(buf, off);
        return buf;
    }

    public delegate void AxpyFn(float a, ReadOnlySpan<float> x, Span<float> y);
    public delegate void AddFn(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d);
    public delegate float DotFn(ReadOnlySpan<float> x, ReadOnlySpan<float> y);
    public delegate void ScaleFn(float a, Span<float> x);
    public delegate bool FiniteFn(ReadOnlySpan<float> x);
    public delegate double SsqFn(ReadOnlySpan<float> x);
    public delegate void ColSumFn(ReadOnlySpan<float> m, int rows, Span<float> d);

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void Axpy(string path)
    {
        AxpyFn fn = KernelPaths.Pick<AxpyFn>(path, VectorOps.Axpy, l => (a, x, y) => VectorOps.Axpy(l, a, x, y));
        foreach (var (len, off) in Lengths())
        {
            float[] x = TestData.Uniform(len, len), y = TestData.Uniform(len + 1, len);
            float[] expected = (float[])y.Clone();
            VectorOps.Axpy(IsaLevel.Scalar, -1.75f, x, expected);
            float[] yb = At(y, off);
            fn(-1.75f, At(x, 7 - off).AsSpan(7 - off, len), yb.AsSpan(off, len));
            for (int i = 0; i < len; i++)
                Check.Close(expected[i], yb[off + i], Math.Pow(2, -23) * (Math.Abs(y[i]) + Math.Abs(1.75 * x[i])), 0, $"axpy {path} len {len}", i);
            TestData.AssertGuardsIntact(yb, off, len, $"axpy {path} len {len}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void AddOutOfPlaceAndInPlace(string path)
    {
        AddFn fn = KernelPaths.Pick<AddFn>(path, VectorOps.Add, l => (x, y, d) => VectorOps.Add(l, x, y, d));
        foreach (var (len, off) in Lengths())
        {
            float[] x = TestData.Uniform(len, len), y = TestData.Uniform(len + 1, len);
            var expected = new float[len];
            VectorOps.Add(IsaLevel.Scalar, x, y, expected);
            float[] d = TestData.Guarded(off, len);
            fn(At(x, 3).AsSpan(3, len), At(y, 5).AsSpan(5, len), d.AsSpan(off, len));
            Check.BitwiseEqual(expected, d.AsSpan(off, len), $"add {path} len {len}");
            TestData.AssertGuardsIntact(d, off, len, $"add {path} len {len}");
            float[] xb = At(x, off);
            fn(xb.AsSpan(off, len), y, xb.AsSpan(off, len));
            Check.BitwiseEqual(expected, xb.AsSpan(off, len), $"add in place {path} len {len}");
            TestData.AssertGuardsIntact(xb, off, len, $"add in place {path} len {len}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void Dot(string path)
    {
        DotFn fn = KernelPaths.Pick<DotFn>(path, VectorOps.Dot, l => (x, y) => VectorOps.Dot(l, x, y));
        foreach (var (len, off) in Lengths())
        {
            float[] x = TestData.Uniform(len, len), y = TestData.Uniform(len + 1, len);
            double exact = 0, mag = 0;
            for (int i = 0; i < len; i++) { exact += (double)x[i] * y[i]; mag += Math.Abs((double)x[i] * y[i]); }
            float got = fn(At(x, off).AsSpan(off, len), At(y, 7 - off).AsSpan(7 - off, len));
            Check.Close(exact, got, (len + 2) * Math.Pow(2, -23) * mag, 0, $"dot {path} len {len}", 0);
            Check.Close(exact, VectorOps.Dot(IsaLevel.Scalar, x, y), (len + 2) * Math.Pow(2, -23) * mag, 0, $"dot oracle len {len}", 0);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void ScaleInPlace(string path)
    {
        ScaleFn fn = KernelPaths.Pick<ScaleFn>(path, VectorOps.Scale, l => (a, x) => VectorOps.Scale(l, a, x));
        foreach (var (len, off) in Lengths())
        {
            float[] x = TestData.Uniform(len, len);
            float[] expected = (float[])x.Clone();
            VectorOps.Scale(IsaLevel.Scalar, 0.3f, expected);
            float[] xb = At(x, off);
            fn(0.3f, xb.AsSpan(off, len));
            Check.BitwiseEqual(expected, xb.AsSpan(off, len), $"scale {path} len {len}");
            TestData.AssertGuardsIntact(xb, off, len, $"scale {path} len {len}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void AllFiniteFindsEveryNonFiniteAtEveryPosition(string path)
    {
        FiniteFn fn = KernelPaths.Pick<FiniteFn>(path, VectorOps.AllFinite, l => x => VectorOps.AllFinite(l, x));
        float[] bad = { float.NaN, float.PositiveInfinity, float.NegativeInfinity };
        foreach (var (len, off) in Lengths())
        {
            float[] big0 = TestData.Uniform(len, len);
            for (int i = 0; i < len; i++) big0[i] *= 3e38f;  // large but finite
            float[] xb = At(big0, off);
            fn(xb.AsSpan(off, len)).Should().BeTrue($"all finite, {path} len {len}");
            for (int pos = 0; pos < len; pos += 1 + len / 17)
            {
                float keep = xb[off + pos];
                xb[off + pos] = bad[pos % 3];
                if (fn(xb.AsSpan(off, len))) throw new XunitException($"{path} len {len}: {bad[pos % 3]} at {pos} not detected.");
                xb[off + pos] = keep;
            }
        }
        // Long input: a NaN after the early-exit block boundary.
        float[] big = TestData.Uniform(3, 5000);
        fn(big).Should().BeTrue();
        big[4321] = float.NaN;
        fn(big).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void SumOfSquares(string path)
    {
        SsqFn fn = KernelPaths.Pick<SsqFn>(path, VectorOps.SumOfSquares, l => x => VectorOps.SumOfSquares(l, x));
        foreach (var (len, off) in Lengths())
        {
            float[] x = TestData.Uniform(len, len, -100f, 100f);
            double expected = VectorOps.SumOfSquares(IsaLevel.Scalar, x);
            Check.Close(expected, fn(At(x, off).AsSpan(off, len)), 1e-300, 1e-12, $"ssq {path} len {len}", 0);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void AddColumnSumsIsBitwiseTheScalarOrder(string path)
    {
        ColSumFn fn = KernelPaths.Pick<ColSumFn>(path, VectorOps.AddColumnSums, l => (m, rows, d) => VectorOps.AddColumnSums(l, m, rows, d));
        foreach (var (len, off) in Lengths())
        {
            int rows = 1 + len % 5;
            float[] m = TestData.Uniform(len, rows * len), d = TestData.Uniform(len + 1, len);
            float[] expected = (float[])d.Clone();
            VectorOps.AddColumnSums(IsaLevel.Scalar, m, rows, expected);
            float[] db = At(d, off);
            fn(At(m, 7 - off).AsSpan(7 - off, rows * len), rows, db.AsSpan(off, len));
            Check.BitwiseEqual(expected, db.AsSpan(off, len), $"colsums {path} len {len}");
            TestData.AssertGuardsIntact(db, off, len, $"colsums {path} len {len}");
        }
    }

    [Fact]
    public void AddRowBroadcastMatchesScalarBitwise()
    {
        foreach (var (len, off) in Lengths())
        {
            int rows = 1 + len % 4;
            float[] bias = TestData.Uniform(len, len), m = TestData.Uniform(len + 2, rows * len);
            float[] expected = (float[])m.Clone();
            for (int r = 0; r < rows; r++) for (int j = 0; j < len; j++) expected[r * len + j] += bias[j];
            float[] mb = At(m, off);
            VectorOps.AddRowBroadcast(bias, mb.AsSpan(off, rows * len), rows);
            Check.BitwiseEqual(expected, mb.AsSpan(off, rows * len), $"rowbroadcast len {len}");
            TestData.AssertGuardsIntact(mb, off, rows * len, $"rowbroadcast len {len}");
        }
    }

    [Fact]
    public void ShortSpansThrowNamingTheArgument()
    {
        ((Action)(() => VectorOps.Axpy(1f, new float[3], new float[2]))).Should().Throw<ArgumentException>().WithParameterName("y");
        ((Action)(() => VectorOps.Add(new float[3], new float[2], new float[3]))).Should().Throw<ArgumentException>().WithParameterName("y");
        ((Action)(() => VectorOps.Add(new float[3], new float[3], new float[2]))).Should().Throw<ArgumentException>().WithParameterName("destination");
        ((Action)(() => VectorOps.Dot(new float[3], new float[2]))).Should().Throw<ArgumentException>().WithParameterName("y");
        ((Action)(() => VectorOps.AddRowBroadcast(new float[3], new float[5], 2))).Should().Throw<ArgumentException>().WithParameterName("matrix");
        ((Action)(() => VectorOps.AddColumnSums(new float[5], 2, new float[3]))).Should().Throw<ArgumentException>().WithParameterName("matrix");
        ((Action)(() => VectorOps.AddColumnSums(new float[5], -1, new float[3]))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rows");
    }
}

public class AdamTests
{
    internal delegate void StepFn(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Adam.Hyper h);

    private static StepFn Of(string path) => path switch
    {
        KernelPaths.Public => (p, g, m, v, h) => Adam.Step(p, g, m, v, h.LearningRate, h.Beta1, h.Beta2, h.Epsilon, h.BiasCorrection1, h.BiasCorrection2, h.DecoupledWeightDecay),
        _ => (p, g, m, v, h) => Adam.Step(KernelPaths.Level(path), p, g, m, v, h),
    };

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void ThreeStepsMatchScalarAtEveryLength(string path)
    {
        var fn = Of(path);
        for (int len = 0; len <= 257; len++)
        {
            int off = len % 8;
            float[] p0 = TestData.Uniform(len, len), m0 = TestData.Uniform(len + 1, len, -0.1f, 0.1f), v0 = TestData.Uniform(len + 2, len, 0f, 0.01f);
            float[] pe = (float[])p0.Clone(), me = (float[])m0.Clone(), ve = (float[])v0.Clone();
            float[] pb = TestData.Guarded(off, len), mb = TestData.Guarded(7 - off, len), vb = TestData.Guarded((off + 3) % 8, len);
            p0.CopyTo(pb, off); m0.CopyTo(mb, 7 - off); v0.CopyTo(vb, (off + 3) % 8);
            for (int t = 1; t <= 3; t++)
            {
                float[] g = TestData.Uniform(len * 10 + t, len);
                var h = new Adam.Hyper(1e-3f, 0.9f, 0.999f, 1e-8f, 1f - MathF.Pow(0.9f, t), 1f - MathF.Pow(0.999f, t), t == 2 ? 0.01f : 0f);
                Adam.Step(IsaLevel.Scalar, pe, g, me, ve, h);
                fn(pb.AsSpan(off, len), g, mb.AsSpan(7 - off, len), vb.AsSpan((off + 3) % 8, len), h);
            }
            string ctx = $"adam {path} len {len}";
            Check.Close(pe, pb.AsSpan(off, len), 1e-7, 1e-5, ctx + " p");
            Check.Close(me, mb.AsSpan(7 - off, len), 1e-7, 1e-5, ctx + " m");
            Check.Close(ve, vb.AsSpan((off + 3) % 8, len), 1e-7, 1e-5, ctx + " v");
            TestData.AssertGuardsIntact(pb, off, len, ctx);
            TestData.AssertGuardsIntact(mb, 7 - off, len, ctx);
            TestData.AssertGuardsIntact(vb, (off + 3) % 8, len, ctx);
            for (int i = 0; i < len; i++) if (pb[off + i] == p0[i] && len > 0 && MathF.Abs(pe[i] - p0[i]) > 1e-6f) throw new Xunit.Sdk.XunitException($"{ctx}: parameter {i} did not move.");
        }
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        var p = new float[4];
        ((Action)(() => Adam.Step(p, new float[3], new float[4], new float[4], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.001f, 0f))).Should().Throw<ArgumentException>().WithParameterName("gradients");
        ((Action)(() => Adam.Step(p, new float[4], new float[4], new float[3], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.001f, 0f))).Should().Throw<ArgumentException>().WithParameterName("v");
        ((Action)(() => Adam.Step(p, new float[4], new float[4], new float[4], 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0.001f, 0f))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("biasCorrection1");
    }
}
