using MlNetLstm.Kernels;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// Gemm.Pack + Gemm.Multiply(..., packedB, ...): the same op(B) packed once and reused for many left-hand sides gives bitwise the
/// products of Gemm.Multiply on the active path (CI reruns this under DOTNET_EnableAVX512=0, so both packed kernels are covered).
/// </summary>
public class GemmPackedTests
{
    public static TheoryData<int, int, int, bool, bool, float, float> Shapes => new()
    {
        { 8, 256, 64, false, true, 1f, 1f },     // LSTM forward step, H 64: h_prev [8, 64] x W_hh^T
        { 8, 64, 256, false, false, 1f, 0f },    // LSTM backward step: dz [8, 256] x W_hh [256, 64]
        { 8, 1024, 256, false, true, 1f, 1f },   // H 256
        { 8, 256, 1024, false, false, 1f, 0f },  // H 256 backward: k > KC
        { 6, 200, 300, false, true, 0.5f, 2f },  // n not a multiple of NR, k > KC, alpha and beta not 1
        { 97, 40, 33, true, false, 1f, 1f },     // transposed A, more rows than one A block of panels
        { 13, 48, 129, false, false, -1f, 0.25f },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Prepacked_products_are_bitwise_the_plain_products(int m, int n, int k, bool transposeA, bool transposeB, float alpha, float beta)
    {
        float[] b = TestData.Uniform(11, n * k);
        int ldb = transposeB ? k : n;
        GemmPackedB packed = Gemm.Pack(transposeB, n, k, b, ldb);
        packed.Columns.Should().Be(n);
        packed.Depth.Should().Be(k);
        for (int rep = 0; rep < 3; rep++)
        {
            float[] a = TestData.Uniform(100 + rep, m * k);
            int lda = transposeA ? m : k;
            float[] c0 = TestData.Uniform(200 + rep, m * n);
            float[] expected = (float[])c0.Clone();
            float[] actual = (float[])c0.Clone();
            Gemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, expected, n);
            Gemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, packed, beta, actual, n);
            actual.Should().Equal(expected, $"rep {rep} on {KernelInfo.ActiveIsa}");
        }
    }

    [Fact]
    public void A_packed_operand_of_another_shape_or_transpose_is_not_used()
    {
        const int m = 8, n = 256, k = 64;
        float[] b = TestData.Uniform(3, n * k);
        float[] other = TestData.Uniform(4, n * k);
        GemmPackedB stale = Gemm.Pack(true, n / 2, k, other, k); // other shape
        float[] a = TestData.Uniform(5, m * k);
        float[] expected = new float[m * n], actual = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, stale, 0f, actual, n);
        actual.Should().Equal(expected);
        GemmPackedB transposed = Gemm.Pack(true, n, k, other, k); // same shape, other transpose
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, transposed, 0f, actual, n);
        actual.Should().Equal(expected);
    }

    [Fact]
    public void Pack_names_a_short_matrix()
    {
        Action act = () => Gemm.Pack(false, 16, 16, new float[100], 16);
        act.Should().Throw<ArgumentException>().WithParameterName("b");
    }
}

/// <summary>The AVX2 4x24 tile (chosen for few rows) against the 6x16 tile and the scalar oracle.</summary>
public class GemmAvx2TileTests
{
    [Theory]
    [InlineData(8, 256, 64)]
    [InlineData(8, 64, 256)]
    [InlineData(8, 1024, 300)]
    [InlineData(4, 24, 5)]
    [InlineData(9, 50, 31)]
    public void Tile_4x24_gives_bitwise_the_6x16_products_for_alpha_one(int m, int n, int k)
    {
        if (!KernelInfo.AvailableLevels.Contains(IsaLevel.Avx2Fma)) return; // nothing to compare on this machine
        Gemm.UseAvx2Tile4x24(8, 256).Should().BeTrue("8 rows fill two 4-row panels but pad to 12 with 6-row panels");
        Gemm.UseAvx2Tile4x24(96, 96).Should().BeFalse("96 rows fill 6-row panels exactly");
        foreach (float beta in new[] { 0f, 1f })
        {
            float[] a = TestData.Uniform(1, m * k), b = TestData.Uniform(2, k * n), c0 = TestData.Uniform(3, m * n);
            float[] x = (float[])c0.Clone(), y = (float[])c0.Clone(), z = (float[])c0.Clone();
            GemmDriver.Run<GemmAvx2Kernel4x24>(false, false, m, n, k, 1f, a, k, b, n, beta, x, n);
            GemmDriver.Run<GemmAvx2Kernel>(false, false, m, n, k, 1f, a, k, b, n, beta, y, n);
            x.Should().Equal(y, $"beta {beta}");
            Gemm.MultiplyScalar(false, false, m, n, k, 1f, a, k, b, n, beta, z, n);
            for (int i = 0; i < z.Length; i++) x[i].Should().BeApproximately(z[i], 1e-4f * (k + 4));
        }
    }
}
