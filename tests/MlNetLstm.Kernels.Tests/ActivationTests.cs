using MlNetLstm.Kernels;
using Xunit.Abstractions;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// Sigmoid and tanh on every path against the MathF oracle (every length 0..257, in place, misaligned offsets,
/// guards around the destination) and against double precision (maximum absolute error over a dense sweep).
/// Tolerance against the MathF oracle: the documented approximation bound plus 2^-23 (the oracle itself is within
/// one float ulp of the exact value, and an ulp is at most 2^-24 for |values| &lt;= 1).
/// </summary>
public class ActivationTests(ITestOutputHelper output)
{
    public delegate void Unary(ReadOnlySpan<float> x, Span<float> d);

    public static Unary SigmoidOf(string path) => KernelPaths.Pick<Unary>(path, Activations.Sigmoid, l => (x, d) => Activations.Sigmoid(l, x, d));

    public static Unary TanhOf(string path) => KernelPaths.Pick<Unary>(path, Activations.Tanh, l => (x, d) => Activations.Tanh(l, x, d));

    private static readonly double SigTol = Activations.SigmoidMaxAbsError + Math.Pow(2, -23);
    private static readonly double TanhTol = Activations.TanhMaxAbsError + Math.Pow(2, -23);

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void SigmoidMatchesOracleAtEveryLengthOffsetAndInPlace(string path)
        => EveryLength(SigmoidOf(path), (x, d) => Activations.Sigmoid(IsaLevel.Scalar, x, d), SigTol, $"sigmoid/{path}");

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void TanhMatchesOracleAtEveryLengthOffsetAndInPlace(string path)
        => EveryLength(TanhOf(path), (x, d) => Activations.Tanh(IsaLevel.Scalar, x, d), TanhTol, $"tanh/{path}");

    private static void EveryLength(Unary fn, Unary oracle, double tol, string name)
    {
        for (int len = 0; len <= 257; len++)
        {
            int offset = len % 8;  // 0..7 elements from the array start
            float[] x = TestData.Uniform(len, len, -12f, 12f);
            var expected = new float[len];
            oracle(x, expected);

            float[] dst = TestData.Guarded(offset, len);
            float[] xOff = new float[len + 7];
            x.CopyTo(xOff, 7 - offset);
            fn(xOff.AsSpan(7 - offset, len), dst.AsSpan(offset, len));
            Check.Close(expected, dst.AsSpan(offset, len), tol, 0, $"{name} len {len} offset {offset}");
            TestData.AssertGuardsIntact(dst, offset, len, $"{name} len {len}");

            // In place, same result bit for bit as out of place.
            float[] inPlace = TestData.Guarded(offset, len);
            x.CopyTo(inPlace, offset);
            Span<float> s = inPlace.AsSpan(offset, len);
            fn(s, s);
            Check.BitwiseEqual(dst.AsSpan(offset, len), s, $"{name} in place len {len}");
            TestData.AssertGuardsIntact(inPlace, offset, len, $"{name} in place len {len}");
        }
    }

    /// <summary>Dense sweep of [-20, 20] (step 2^-12, 163841 points) plus extremes, against double-precision exact values.</summary>
    private static float[] Sweep()
    {
        var list = new List<float>();
        for (int i = -20 * 4096; i <= 20 * 4096; i++) list.Add(i / 4096f);
        list.AddRange(new[] { 0f, -0f, 1e-30f, -1e-30f, 1e-8f, -1e-8f, 0.624999f, 0.625f, 0.6250001f, -0.625f, 30f, -30f, 44f, -44f,
            86.9f, -86.9f, 87f, -87f, 87.1f, -87.1f, 88.8f, -88.8f, 100f, -100f, 1e10f, -1e10f, float.MaxValue, float.MinValue,
            float.Epsilon, -float.Epsilon });
        return list.ToArray();
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void SigmoidMaxAbsErrorAgainstDoubleIsWithinDocumentedBound(string path)
    {
        float[] x = Sweep();
        var y = new float[x.Length];
        SigmoidOf(path)(x, y);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1.0 / (1.0 + Math.Exp(-(double)x[i]));
            if (!(y[i] >= 0f && y[i] <= 1f)) throw new Xunit.Sdk.XunitException($"sigmoid({x[i]:R}) = {y[i]:R} is NaN or outside [0, 1].");
            worst = Math.Max(worst, Math.Abs(y[i] - exact));
        }
        output.WriteLine($"sigmoid {path}: max abs error {worst:E3}");
        worst.Should().BeLessThanOrEqualTo(Activations.SigmoidMaxAbsError, $"max abs error of sigmoid on {path}");
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void TanhMaxAbsErrorAgainstDoubleIsWithinDocumentedBound(string path)
    {
        float[] x = Sweep();
        var y = new float[x.Length];
        TanhOf(path)(x, y);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            if (!(y[i] >= -1f && y[i] <= 1f)) throw new Xunit.Sdk.XunitException($"tanh({x[i]:R}) = {y[i]:R} is NaN or outside [-1, 1].");
            worst = Math.Max(worst, Math.Abs(y[i] - exact));
        }
        output.WriteLine($"tanh {path}: max abs error {worst:E3}");
        worst.Should().BeLessThanOrEqualTo(Activations.TanhMaxAbsError, $"max abs error of tanh on {path}");
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void SaturationSpecialValuesAndNaN(string path)
    {
        float[] x = { float.PositiveInfinity, float.NegativeInfinity, 1000f, -1000f, 90f, -90f, float.NaN, 0f, -0f };
        var s = new float[x.Length];
        var t = new float[x.Length];
        SigmoidOf(path)(x, s);
        TanhOf(path)(x, t);
        s[0].Should().Be(1f); s[1].Should().Be(0f); s[2].Should().Be(1f); s[3].Should().Be(0f);
        s[4].Should().Be(1f); s[5].Should().BeInRange(0f, 1e-38f);
        float.IsNaN(s[6]).Should().BeTrue("NaN in gives NaN out");
        s[7].Should().Be(0.5f); s[8].Should().Be(0.5f);
        t[0].Should().Be(1f); t[1].Should().Be(-1f); t[2].Should().Be(1f); t[3].Should().Be(-1f);
        t[4].Should().Be(1f); t[5].Should().Be(-1f);
        float.IsNaN(t[6]).Should().BeTrue("NaN in gives NaN out");
        t[7].Should().Be(0f);
        BitConverter.SingleToInt32Bits(t[8]).Should().Be(BitConverter.SingleToInt32Bits(-0f), "tanh(-0) = -0");
    }

    [Fact]
    public void ShortDestinationThrowsNamingTheArgument()
    {
        var act = () => Activations.Sigmoid(new float[5], new float[4]);
        act.Should().Throw<ArgumentException>().WithParameterName("destination");
        var act2 = () => Activations.Tanh(new float[5], new float[4]);
        act2.Should().Throw<ArgumentException>().WithParameterName("destination");
    }
}
