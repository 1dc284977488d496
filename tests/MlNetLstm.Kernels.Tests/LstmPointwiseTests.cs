using MlNetLstm.Kernels;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// Fused LSTM pointwise forward/backward on every path against the MathF scalar oracle, for every hidden size
/// H in 0..257 (every tail), batch 1..3, spans at misaligned offsets, the documented aliases (gates = z,
/// dcPrev = dcNext), dcNext empty, and sentinels around every output.
/// Tolerances (absolute + relative): the vector sigmoid/tanh differ from MathF by at most ~3e-7 / ~6e-7 (documented
/// approximation bound + one ulp of the oracle); c = f c_prev + i g with |c_prev| &lt;= 2 and h = o tanh(c) amplify
/// that to ~2e-6, and FMA contraction changes the last bit of products: forward 3e-6 + 1e-6 |x|,
/// backward (products of up to four O(1) factors, one of them tanh(c) recomputed) 4e-6 + 1e-5 |x|.
/// </summary>
public class LstmPointwiseTests
{
    private const double FwdAbs = 3e-6, FwdRel = 1e-6, BwdAbs = 4e-6, BwdRel = 1e-5;

    public delegate void Fwd(int b, int h, ReadOnlySpan<float> z, ReadOnlySpan<float> cp, Span<float> g, Span<float> c, Span<float> hs);
    public delegate void Bwd(int b, int h, ReadOnlySpan<float> g, ReadOnlySpan<float> cp, ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcn, Span<float> dz, Span<float> dcp);

    public static Fwd ForwardOf(string path) => KernelPaths.Pick<Fwd>(path, LstmPointwise.Forward, l => (b, h, z, cp, g, c, hs) => LstmPointwise.Forward(l, b, h, z, cp, g, c, hs));

    public static Bwd BackwardOf(string path) => KernelPaths.Pick<Bwd>(path, LstmPointwise.Backward, l => (b, h, g, cp, c, dh, dcn, dz, dcp) => LstmPointwise.Backward(l, b, h, g, cp, c, dh, dcn, dz, dcp));

    /// <summary>Copies data into a sentinel-guarded buffer at the offset.</summary>
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
            float[] z = TestData.Uniform(hd, 4 * bh, -4f, 4f), cPrev = TestData.Uniform(hd + 7, bh, -2f, 2f);
            float[] eg = new float[4 * bh], ec = new float[bh], eh = new float[bh];
            LstmPointwise.Forward(IsaLevel.Scalar, batch, hd, z, cPrev, eg, ec, eh);

            bool alias = hd % 2 == 0;
            float[] zb = Place(z, off), cpb = Place(cPrev, (off + 3) % 8);
            float[] gb = alias ? zb : TestData.Guarded(off, 4 * bh);
            float[] cb = TestData.Guarded((off + 1) % 8, bh), hb = TestData.Guarded((off + 5) % 8, bh);
            fn(batch, hd, zb.AsSpan(off, 4 * bh), cpb.AsSpan((off + 3) % 8, bh), gb.AsSpan(off, 4 * bh),
                cb.AsSpan((off + 1) % 8, bh), hb.AsSpan((off + 5) % 8, bh));

            Check.Close(eg, gb.AsSpan(off, 4 * bh), FwdAbs, FwdRel, ctx + " gates");
            Check.Close(ec, cb.AsSpan((off + 1) % 8, bh), FwdAbs, FwdRel, ctx + " c");
            Check.Close(eh, hb.AsSpan((off + 5) % 8, bh), FwdAbs, FwdRel, ctx + " h");
            TestData.AssertGuardsIntact(gb, off, 4 * bh, ctx + " gates");
            TestData.AssertGuardsIntact(cb, (off + 1) % 8, bh, ctx + " c");
            TestData.AssertGuardsIntact(hb, (off + 5) % 8, bh, ctx + " h");
            TestData.AssertGuardsIntact(cpb, (off + 3) % 8, bh, ctx + " cPrev");
            Check.BitwiseEqual(cPrev, cpb.AsSpan((off + 3) % 8, bh), ctx + " cPrev is read-only");
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
            float[] z = TestData.Uniform(hd, 4 * bh, -4f, 4f), cPrev = TestData.Uniform(hd + 7, bh, -2f, 2f);
            float[] gates = new float[4 * bh], c = new float[bh], h = new float[bh];
            LstmPointwise.Forward(IsaLevel.Scalar, batch, hd, z, cPrev, gates, c, h);
            float[] dh = TestData.Uniform(hd + 11, bh);
            bool emptyDc = hd % 3 == 0;
            float[] dcNext = emptyDc ? Array.Empty<float>() : TestData.Uniform(hd + 13, bh);
            float[] edz = new float[4 * bh], edc = new float[bh];
            LstmPointwise.Backward(IsaLevel.Scalar, batch, hd, gates, cPrev, c, dh, dcNext, edz, edc);

            bool alias = !emptyDc && hd % 2 == 1;
            float[] dcnb = Place(dcNext, off);
            float[] dcpb = alias ? dcnb : TestData.Guarded(off, bh);
            float[] dzb = TestData.Guarded((off + 2) % 8, 4 * bh);
            fn(batch, hd, Place(gates, (off + 1) % 8).AsSpan((off + 1) % 8, 4 * bh), Place(cPrev, 3).AsSpan(3, bh),
                Place(c, 5).AsSpan(5, bh), Place(dh, 7).AsSpan(7, bh), emptyDc ? ReadOnlySpan<float>.Empty : dcnb.AsSpan(off, bh),
                dzb.AsSpan((off + 2) % 8, 4 * bh), dcpb.AsSpan(off, bh));

            Check.Close(edz, dzb.AsSpan((off + 2) % 8, 4 * bh), BwdAbs, BwdRel, ctx + " dz");
            Check.Close(edc, dcpb.AsSpan(off, bh), BwdAbs, BwdRel, ctx + " dcPrev");
            TestData.AssertGuardsIntact(dzb, (off + 2) % 8, 4 * bh, ctx + " dz");
            TestData.AssertGuardsIntact(dcpb, off, bh, ctx + " dcPrev");
        }
    }

    [Fact]
    public void ShortSpansThrowNamingTheArgument()
    {
        var ok = new float[8];
        ((Action)(() => LstmPointwise.Forward(1, 2, new float[7], ok, ok, ok, ok))).Should().Throw<ArgumentException>().WithParameterName("z");
        ((Action)(() => LstmPointwise.Forward(1, 2, ok, ok, new float[7], ok, new float[1]))).Should().Throw<ArgumentException>().WithParameterName("gates");
        ((Action)(() => LstmPointwise.Forward(-1, 2, ok, ok, ok, ok, ok))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batch");
        ((Action)(() => LstmPointwise.Backward(1, 2, ok, ok, ok, ok, new float[1], ok, ok))).Should().Throw<ArgumentException>().WithParameterName("dcNext");
        ((Action)(() => LstmPointwise.Backward(1, 2, ok, ok, ok, ok, default, new float[7], ok))).Should().Throw<ArgumentException>().WithParameterName("dz");
    }
}
