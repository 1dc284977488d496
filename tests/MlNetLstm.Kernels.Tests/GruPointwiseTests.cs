using MlNetLstm.Kernels;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// Fused GRU pointwise forward/backward on every path against the MathF scalar oracle for every H in 0..257,
/// batch 1..3, misaligned offsets and sentinels around outputs. Tolerances as for the LSTM (same error sources:
/// the documented sigmoid/tanh approximation bound, FMA contraction): forward 3e-6 + 1e-6 |x|; backward, which only
/// multiplies the given (identical) gates, 1e-6 + 1e-6 |x| (a few roundings of O(1) products).
/// </summary>
public class GruPointwiseTests
{
    public delegate void Fwd(int b, int h, ReadOnlySpan<float> xz, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, Span<float> g, Span<float> hs);
    public delegate void Bwd(int b, int h, ReadOnlySpan<float> g, ReadOnlySpan<float> hz, ReadOnlySpan<float> hp, ReadOnlySpan<float> dh, Span<float> dxz, Span<float> dhz, Span<float> dhp);

    public static Fwd ForwardOf(string path) => KernelPaths.Pick<Fwd>(path, GruPointwise.Forward, l => (b, h, xz, hz, hp, g, hs) => GruPointwise.Forward(l, b, h, xz, hz, hp, g, hs));

    public static Bwd BackwardOf(string path) => KernelPaths.Pick<Bwd>(path, GruPointwise.Backward, l => (b, h, g, hz, hp, dh, dxz, dhz, dhp) => GruPointwise.Backward(l, b, h, g, hz, hp, dh, dxz, dhz, dhp));

    private static float[] Place(float[] data, int offset)
    {
        float[] buf = TestData.Guarded(offset, data.Length);
        data.CopyTo(buf, offset);
        return buf;
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void ForwardMatchesOracleForEveryHiddenSize(string path)
    {
        var fn = ForwardOf(path);
        for (int hd = 0; hd <= 257; hd++)
        {
            int batch = 1 + hd % 3, off = hd % 8, bh = batch * hd;
            string ctx = $"{path} H={hd} B={batch}";
            float[] xz = TestData.Uniform(hd, 3 * bh, -3f, 3f), hz = TestData.Uniform(hd + 1, 3 * bh, -3f, 3f), hp = TestData.Uniform(hd + 2, bh);
            float[] eg = new float[3 * bh], eh = new float[bh];
            GruPointwise.Forward(IsaLevel.Scalar, batch, hd, xz, hz, hp, eg, eh);
            float[] gb = TestData.Guarded(off, 3 * bh), hb = TestData.Guarded((off + 3) % 8, bh);
            fn(batch, hd, Place(xz, (off + 1) % 8).AsSpan((off + 1) % 8, 3 * bh), Place(hz, (off + 2) % 8).AsSpan((off + 2) % 8, 3 * bh),
                Place(hp, 5).AsSpan(5, bh), gb.AsSpan(off, 3 * bh), hb.AsSpan((off + 3) % 8, bh));
            Check.Close(eg, gb.AsSpan(off, 3 * bh), 3e-6, 1e-6, ctx + " gates");
            Check.Close(eh, hb.AsSpan((off + 3) % 8, bh), 3e-6, 1e-6, ctx + " h");
            TestData.AssertGuardsIntact(gb, off, 3 * bh, ctx + " gates");
            TestData.AssertGuardsIntact(hb, (off + 3) % 8, bh, ctx + " h");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void BackwardMatchesOracleForEveryHiddenSize(string path)
    {
        var fn = BackwardOf(path);
        for (int hd = 0; hd <= 257; hd++)
        {
            int batch = 1 + hd % 3, off = hd % 8, bh = batch * hd;
            string ctx = $"{path} H={hd} B={batch}";
            float[] xz = TestData.Uniform(hd, 3 * bh, -3f, 3f), hz = TestData.Uniform(hd + 1, 3 * bh, -3f, 3f), hp = TestData.Uniform(hd + 2, bh);
            float[] gates = new float[3 * bh], h = new float[bh];
            GruPointwise.Forward(IsaLevel.Scalar, batch, hd, xz, hz, hp, gates, h);
            float[] dh = TestData.Uniform(hd + 3, bh);
            float[] edx = new float[3 * bh], edhz = new float[3 * bh], edhp = new float[bh];
            GruPointwise.Backward(IsaLevel.Scalar, batch, hd, gates, hz, hp, dh, edx, edhz, edhp);
            float[] dxb = TestData.Guarded(off, 3 * bh), dhzb = TestData.Guarded((off + 1) % 8, 3 * bh), dhpb = TestData.Guarded((off + 2) % 8, bh);
            fn(batch, hd, Place(gates, 3).AsSpan(3, 3 * bh), Place(hz, 1).AsSpan(1, 3 * bh), Place(hp, 6).AsSpan(6, bh), Place(dh, off).AsSpan(off, bh),
                dxb.AsSpan(off, 3 * bh), dhzb.AsSpan((off + 1) % 8, 3 * bh), dhpb.AsSpan((off + 2) % 8, bh));
            Check.Close(edx, dxb.AsSpan(off, 3 * bh), 1e-6, 1e-6, ctx + " dxz");
            Check.Close(edhz, dhzb.AsSpan((off + 1) % 8, 3 * bh), 1e-6, 1e-6, ctx + " dhz");
            Check.Close(edhp, dhpb.AsSpan((off + 2) % 8, bh), 1e-6, 1e-6, ctx + " dhPrev");
            TestData.AssertGuardsIntact(dxb, off, 3 * bh, ctx + " dxz");
            TestData.AssertGuardsIntact(dhzb, (off + 1) % 8, 3 * bh, ctx + " dhz");
            TestData.AssertGuardsIntact(dhpb, (off + 2) % 8, bh, ctx + " dhPrev");
        }
    }

    [Fact]
    public void ShortSpansThrowNamingTheArgument()
    {
        var ok = new float[6];
        ((Action)(() => GruPointwise.Forward(1, 2, new float[5], ok, ok, ok, ok))).Should().Throw<ArgumentException>().WithParameterName("xz");
        ((Action)(() => GruPointwise.Forward(1, 2, ok, ok, ok, ok, new float[1]))).Should().Throw<ArgumentException>().WithParameterName("h");
        ((Action)(() => GruPointwise.Backward(1, -2, ok, ok, ok, ok, ok, ok, ok))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("hidden");
        ((Action)(() => GruPointwise.Backward(1, 2, ok, ok, ok, ok, ok, new float[5], ok))).Should().Throw<ArgumentException>().WithParameterName("dhz");
    }
}
