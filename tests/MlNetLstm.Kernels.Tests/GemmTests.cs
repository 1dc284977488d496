using MlNetLstm.Kernels;
using Xunit.Sdk;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// GEMM on every path against a double-precision reference. Tolerance per element:
/// |C - C_exact| &lt;= (k + 4) * 2^-23 * (|alpha| * sum_p |a_ip b_pj| + |beta c_ij|) + 1e-35, the classical
/// floating-point dot-product bound (gamma_k with unit roundoff 2^-24, doubled) which holds for any summation order,
/// fused or not; an indexing, packing or tail bug produces O(1) errors and fails it. The scalar oracle is held to the
/// same bound. Every n in 0..257, every k in 0..257, every m in 0..257, all four transpose combinations, leading
/// dimensions larger than minimal, sentinels between rows of C, beta = 0 with NaN in C, and block-crossing sizes.
/// </summary>
public class GemmTests
{
    public delegate void GemmFn(bool ta, bool tb, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

    public static GemmFn Of(string path) => path switch
    {
        KernelPaths.Public => Gemm.Multiply,
        "Vector128" => Gemm.MultiplyVector128,
        "Vector256" => Gemm.MultiplyVector256,
        "Avx2Fma" => Gemm.MultiplyAvx2,
        "Avx512" => Gemm.MultiplyAvx512,
        "Scalar" => Gemm.MultiplyScalar,
        "Vector128/packed" => Gemm.MultiplyPackedVector128,
        "Vector256/packed" => Gemm.MultiplyPackedVector256,
        "Avx2Fma/packed" => Gemm.MultiplyPackedAvx2,
        "Avx512/packed" => Gemm.MultiplyPackedAvx512,
        "Vector128/direct" => Gemm.MultiplyDirectVector128,
        "Vector256/direct" => Gemm.MultiplyDirectVector256,
        "Avx2Fma/direct" => Gemm.MultiplyDirectAvx2,
        "Avx512/direct" => Gemm.MultiplyDirectAvx512,
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    public static TheoryData<string> PathsAndOracle
    {
        get
        {
            var d = new TheoryData<string> { "Scalar" };
            foreach (string p in KernelPaths.Available())
            {
                d.Add(p);
                if (p != KernelPaths.Public) { d.Add(p + "/packed"); d.Add(p + "/direct"); }
            }
            return d;
        }
    }

    /// <summary>Runs one case with padded leading dimensions and sentinel padding, and checks it.</summary>
    internal static void RunCase(GemmFn fn, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad, int seed, string ctx)
    {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = Math.Max(1, aCols) + pad, ldb = Math.Max(1, bCols) + pad, ldc = Math.Max(1, n) + pad;
        float[] a = TestData.Uniform(seed, Math.Max(0, aRows * lda));
        float[] b = TestData.Uniform(seed + 1, Math.Max(0, bRows * ldb));
        int cOff = seed % 8;
        float[] c = TestData.Guarded(cOff, m * ldc);
        float[] c0 = TestData.Uniform(seed + 2, m * ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                c[cOff + i * ldc + j] = beta == 0f && (i + j) % 3 == 0 ? float.NaN : c0[i * ldc + j];
        float[] before = (float[])c.Clone();

        fn(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c.AsSpan(cOff), ldc);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = ta ? a[p * lda + i] : a[i * lda + p];
                    double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                    mag += Math.Abs(av * bv);
                }
                double cOld = before[cOff + i * ldc + j];
                double exact = alpha * s + (beta == 0f ? 0 : beta * cOld);
                double bound = Math.Abs(alpha) * mag + (beta == 0f ? 0 : Math.Abs(beta * cOld));
                Check.Close(exact, c[cOff + i * ldc + j], (k + 4) * Math.Pow(2, -23) * bound + 1e-35, 0, $"{ctx} C({i},{j})", i * ldc + j);
            }
            for (int j = n; j < ldc && i * ldc + j < m * ldc; j++)
                if (BitConverter.SingleToInt32Bits(c[cOff + i * ldc + j]) != BitConverter.SingleToInt32Bits(before[cOff + i * ldc + j]))
                    throw new XunitException($"{ctx}: padding C({i},{j}) beyond n was modified.");
        }
        for (int i = 0; i < cOff; i++) if (c[i] != TestData.Sentinel) throw new XunitException($"{ctx}: element before C modified.");
        for (int i = cOff + m * ldc; i < c.Length; i++) if (c[i] != TestData.Sentinel) throw new XunitException($"{ctx}: element after C modified.");
    }

    private static readonly (bool ta, bool tb)[] Transposes = { (false, false), (false, true), (true, false), (true, true) };

    [Theory]
    [MemberData(nameof(PathsAndOracle))]
    public void EveryNFrom0To257(string path)
    {
        var fn = Of(path);
        for (int n = 0; n <= 257; n++)
        {
            var (ta, tb) = Transposes[n % 4];
            RunCase(fn, ta, tb, 7, n, 13, 1f, 0f, n % 3, n, $"{path} n={n} tA={ta} tB={tb}");
            RunCase(fn, tb, ta, 2, n, 3, -0.5f, 1f, 0, n + 1000, $"{path} n={n} m=2 k=3");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndOracle))]
    public void EveryKFrom0To257(string path)
    {
        var fn = Of(path);
        for (int k = 0; k <= 257; k++)
        {
            var (ta, tb) = Transposes[k % 4];
            RunCase(fn, ta, tb, 7, 19, k, 1f, k % 2 == 0 ? 0f : 0.75f, k % 2, k, $"{path} k={k} tA={ta} tB={tb}");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndOracle))]
    public void EveryMFrom0To257(string path)
    {
        var fn = Of(path);
        for (int m = 0; m <= 257; m++)
        {
            var (ta, tb) = Transposes[m % 4];
            RunCase(fn, ta, tb, m, 17, 9, 1.25f, m % 3 == 0 ? 0f : -1f, 1, m, $"{path} m={m} tA={ta} tB={tb}");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndOracle))]
    public void AllTransposesAtLstmLikeShapes(string path)
    {
        var fn = Of(path);
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in new[] { (1, 128, 8), (5, 256, 64), (64, 128, 32), (33, 100, 70) })
                foreach (float beta in new[] { 0f, 1f, 0.5f })
                    RunCase(fn, ta, tb, m, n, k, 1f, beta, 2, m + n + k, $"{path} {m}x{n}x{k} tA={ta} tB={tb} beta={beta}");
    }

    /// <summary>Every SIMD path in its automatic, forced-packed and forced-direct variants (the automatic choice is
    /// <see cref="Gemm.UseDirect"/>), plus the public API.</summary>
    public static TheoryData<string> SimdVariants
    {
        get
        {
            var d = new TheoryData<string>();
            foreach (string p in KernelPaths.Available())
            {
                d.Add(p);
                if (p != KernelPaths.Public) { d.Add(p + "/packed"); d.Add(p + "/direct"); }
            }
            return d;
        }
    }

    [Theory]
    [MemberData(nameof(SimdVariants))]
    public void SizesCrossingEveryCacheBlock(string path)
    {
        // m > MC (144), k > KC (256), n > NC (2048): every blocking loop runs more than once with tails.
        RunCase(Of(path), false, false, 151, 40, 263, 1f, 0.5f, 3, 7, $"{path} big m,k NN");
        RunCase(Of(path), false, true, 7, 2070, 9, 1f, 0f, 3, 9, $"{path} big n NT");
        RunCase(Of(path), true, true, 150, 70, 300, -1f, 0f, 1, 8, $"{path} big TT");
    }

    [Theory]
    [MemberData(nameof(SimdVariants))]
    public void BitwiseDeterministicAcrossCalls(string path)
    {
        var fn = Of(path);
        float[] a = TestData.Uniform(1, 37 * 300), b = TestData.Uniform(2, 300 * 130);
        var c1 = new float[37 * 130];
        var c2 = new float[37 * 130];
        fn(false, false, 37, 130, 300, 1f, a, 300, b, 130, 0f, c1, 130);
        fn(false, false, 37, 130, 300, 1f, a, 300, b, 130, 0f, c2, 130);
        Check.BitwiseEqual(c1, c2, path);
    }

    [SkippableFact]
    public void Avx512EightRowTileGivesBitwiseTheResultsOfTheSixRowTile()
    {
        // The packed AVX-512 path runs an 8x32 tile; the 6x32 tile it replaced accumulates every element in the same order,
        // so a trained network does not change with the tile (alpha = 1, as the recurrent layers call it; beta 0 and 1).
        Skip.IfNot(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, "needs AVX-512 (this CPU or runtime has none)");
        for (int m = 0; m <= 40; m++)
            foreach (var (n, k) in new[] { (256, 64), (64, 256), (40, 17), (33, 300) })
                foreach (bool tb in new[] { false, true })
                    foreach (float beta in new[] { 0f, 1f })
                    {
                        float[] a = TestData.Uniform(m + n, m * k), b = TestData.Uniform(k + 1, k * n), c0 = TestData.Uniform(n, m * n);
                        float[] c8 = (float[])c0.Clone(), c6 = (float[])c0.Clone();
                        Gemm.MultiplyPackedAvx512(false, tb, m, n, k, 1f, a, k, b, tb ? k : n, beta, c8, n);
                        GemmDriver.Run<GemmSimdKernel<Avx512Simd, System.Runtime.Intrinsics.Vector512<float>>>(false, tb, m, n, k, 1f, a, k, b, tb ? k : n, beta, c6, n);
                        Check.BitwiseEqual(c8, c6, $"m {m} n {n} k {k} tb {tb} beta {beta}");
                    }
    }

    /// <summary>
    /// Every C element of the direct kernel is one sequential FMA sum over p whatever the row blocking (8 rows for narrow C,
    /// 2 rows, 1 row), so a product of many rows equals, bitwise, the same rows multiplied one at a time.
    /// </summary>
    public static TheoryData<string> DirectVariants
    {
        get
        {
            var d = new TheoryData<string>();
            foreach (string p in KernelPaths.Available())
                if (p != KernelPaths.Public) d.Add(p + "/direct");
            if (d.Count == 0) d.Add(KernelPaths.Public); // DOTNET_EnableHWIntrinsic=0: the scalar loop, one sum per element as well
            return d;
        }
    }

    [Theory]
    [MemberData(nameof(DirectVariants))]
    public void RowsTogetherAreBitwiseRowsAlone(string path)
    {
        var fn = Of(path);
        foreach (bool ta in new[] { false, true })
            foreach (int n in new[] { 8, 9, 16, 17, 24, 31, 33, 64, 70 })
                foreach (int k in new[] { 1, 7, 300 })
                    foreach (int m in new[] { 8, 13, 19 })
                    {
                        int lda = ta ? m : k;
                        float[] a = TestData.Uniform(m + n + k, m * k);
                        float[] b = TestData.Uniform(n * k, k * n);
                        float[] c0 = TestData.Uniform(7, m * n);
                        float[] together = (float[])c0.Clone(), alone = (float[])c0.Clone();
                        fn(ta, false, m, n, k, 1f, a, lda, b, n, 0.5f, together, n);
                        for (int i = 0; i < m; i++)
                        {
                            // Row i of op(A) as its own 1-row matrix.
                            float[] row = new float[k];
                            for (int p = 0; p < k; p++) row[p] = ta ? a[p * lda + i] : a[i * lda + p];
                            fn(false, false, 1, n, k, 1f, row, k, b, n, 0.5f, alone.AsSpan(i * n, n), n);
                        }
                        together.Should().Equal(alone, $"{path} m={m} n={n} k={k} tA={ta}");
                    }
    }

    [Fact]
    public void InvalidArgumentsThrowNamingTheArgument()
    {
        float[] a = new float[12], b = new float[12], c = new float[16];
        ((Action)(() => Gemm.Multiply(false, false, -1, 4, 3, 1f, a, 3, b, 4, 0f, c, 4))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("m");
        ((Action)(() => Gemm.Multiply(false, false, 4, 4, 3, 1f, a, 2, b, 4, 0f, c, 4))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("lda");
        ((Action)(() => Gemm.Multiply(false, true, 4, 4, 3, 1f, a, 3, b, 2, 0f, c, 4))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ldb");
        ((Action)(() => Gemm.Multiply(false, false, 4, 4, 3, 1f, a, 3, b, 4, 0f, c, 3))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ldc");
        ((Action)(() => Gemm.Multiply(false, false, 4, 4, 3, 1f, a.AsSpan(1), 3, b, 4, 0f, c, 4))).Should().Throw<ArgumentException>().WithParameterName("a");
        ((Action)(() => Gemm.Multiply(false, false, 4, 4, 3, 1f, a, 3, b.AsSpan(1), 4, 0f, c, 4))).Should().Throw<ArgumentException>().WithParameterName("b");
        ((Action)(() => Gemm.Multiply(false, false, 4, 4, 3, 1f, a, 3, b, 4, 0f, c.AsSpan(1), 4))).Should().Throw<ArgumentException>().WithParameterName("c");
    }
}
