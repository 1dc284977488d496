// SGEMM on row-major storage: C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C.
// Suffixes: Scalar (triple loop, the oracle) | Vector128 / Vector256 (portable micro-kernels) | Avx2 (explicit
// Avx/Fma 6x16 micro-kernel) | Avx512 (explicit Avx512F 8x32 micro-kernel).
// Layouts: A is [m, k] (lda >= k), or [k, m] when transposeA (lda >= m); B is [k, n] (ldb >= n), or [n, k] when
// transposeB (ldb >= k); C is [m, n] (ldc >= n). Packed panels (see GemmPacking.cs): A in MR-row panels
// [kc][MR], B in NR-column panels [kc][NR], zero padded, 64-byte aligned, in [ThreadStatic] pinned scratch.
// Blocking (BLIS loop order): jc over n by NC -> pc over k by KC (pack B) -> ic over m by MC (pack A)
// -> jr over NR panels -> ir over MR panels -> micro-kernel (MR x NR register tile, k loop of FMAs).
// Summation order depends on KC only, so results are bitwise reproducible for a given path and shape.
using System.Runtime.Intrinsics;

namespace MlNetLstm.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// <c>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C[m,n]</c>, where op(X) is X or X^T.
/// Packed, register-blocked micro-kernels (AVX-512 8x32, AVX2/FMA 6x16, portable) with cache blocking;
/// single-threaded, allocation-free after the first call on a thread, deterministic for a given path and shape.
/// </summary>
public static partial class Gemm
{
    /// <summary>
    /// Computes <c>C = alpha * op(A) * op(B) + beta * C</c> on row-major matrices.
    /// </summary>
    /// <param name="transposeA">When true, op(A) = A^T and A is stored as [k, m] with leading dimension <paramref name="lda"/>.</param>
    /// <param name="transposeB">When true, op(B) = B^T and B is stored as [n, k] with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">Matrix A.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">Matrix B.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the existing C (0 overwrites, NaN in C is then ignored).</param>
    /// <param name="c">Matrix C, [m, n] with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short for its shape and leading dimension.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: MultiplyAvx512(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
            case IsaLevel.Avx2Fma: MultiplyAvx2(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
            case IsaLevel.Vector256: MultiplyVector256(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
            case IsaLevel.Vector128: MultiplyVector128(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
            default: MultiplyScalar(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
        }
    }

    internal static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        KernelGuard.NonNegative(m, nameof(m));
        KernelGuard.NonNegative(n, nameof(n));
        KernelGuard.NonNegative(k, nameof(k));
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        if (lda < Math.Max(1, aCols)) throw new ArgumentOutOfRangeException(nameof(lda), lda, $"lda must be at least max(1, {aCols}) (columns of A as stored).");
        if (ldb < Math.Max(1, bCols)) throw new ArgumentOutOfRangeException(nameof(ldb), ldb, $"ldb must be at least max(1, {bCols}) (columns of B as stored).");
        if (ldc < Math.Max(1, n)) throw new ArgumentOutOfRangeException(nameof(ldc), ldc, $"ldc must be at least max(1, {n}) (columns of C).");
        if (m == 0 || n == 0) return;
        if (k > 0)
        {
            KernelGuard.Length(a.Length, (long)(aRows - 1) * lda + aCols, nameof(a));
            KernelGuard.Length(b.Length, (long)(bRows - 1) * ldb + bCols, nameof(b));
        }
        KernelGuard.Length(c.Length, (long)(m - 1) * ldc + n, nameof(c));
    }

    /// <summary>Scalar reference (the test oracle and the fallback).</summary>
    internal static void MultiplyScalar(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                }
                ref float cij = ref c[i * ldc + j];
                cij = beta == 0f ? alpha * s : alpha * s + beta * cij;
            }
        }
    }

    /// <summary>
    /// Problems with at least one full register of columns (n &gt;= lanes) and either at most 4 rows, or a small B
    /// (k * n &lt;= 8192 floats = 32 KB, L1 resident) and at most 256 rows, take the direct path (GemmSmall.cs: no packing,
    /// 2 rows x 4 registers of accumulators); the rest the packed path. Measured on AVX-512 hardware (gemm-small mode):
    /// 2..20x faster than packing for m = 1..64, n = 128, k = 8..32; slower once B leaves L1 or A is a tall transposed panel.
    /// </summary>
    internal static bool UseDirect(int m, int n, int k, int lanes) => n >= lanes && (m <= 4 || ((long)k * n <= 8192 && m <= 256));

    /// <summary>Explicit AVX2/FMA path: direct kernel for small problems, else packed 6x16 micro-kernel (12 ymm accumulators), or 4x24 for few rows (see <see cref="UseAvx2Tile4x24"/>).</summary>
    internal static void MultiplyAvx2(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (UseDirect(m, n, k, 8)) MultiplyDirect<Avx2Simd, Vector256<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else MultiplyPackedAvx2(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Explicit AVX-512F path: direct kernel for small problems, else packed 8x32 micro-kernel (16 zmm accumulators; bitwise the results of the 6x32 tile it replaced).</summary>
    internal static void MultiplyAvx512(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (UseDirect(m, n, k, 16)) MultiplyDirect<Avx512Simd, Vector512<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else if (UseDirect(m, n, k, 8)) MultiplyDirect<Avx2Simd, Vector256<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); // 8 <= n < 16: ymm columns
        else MultiplyPackedAvx512(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Portable Vector256 path: direct kernel for small problems, else packed 6x16 micro-kernel.</summary>
    internal static void MultiplyVector256(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (UseDirect(m, n, k, Vector256<float>.Count)) MultiplyDirect<V256Simd, Vector256<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else MultiplyPackedVector256(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Portable Vector128 path: direct kernel for small problems, else packed 6x8 micro-kernel.</summary>
    internal static void MultiplyVector128(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (UseDirect(m, n, k, Vector128<float>.Count)) MultiplyDirect<V128Simd, Vector128<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else MultiplyPackedVector128(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    internal static void MultiplyPackedAvx2(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (UseAvx2Tile4x24(m, n)) GemmDriver.Run<GemmAvx2Kernel4x24>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else GemmDriver.Run<GemmAvx2Kernel>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// The AVX2 packed path's tile: 4x24 instead of 6x16 when, for at most 96 rows (the per-step products of a recurrent layer),
    /// it wastes fewer padded multiply-adds: m n / (ceil(m/4) 4 ceil(n/24) 24) &gt; m n / (ceil(m/6) 6 ceil(n/16) 16).
    /// E.g. 8 rows: 6x16 pads them to 12, 4x24 to 8.
    /// </summary>
    internal static bool UseAvx2Tile4x24(int m, int n)
        => m <= 96 && (long)((m + 5) / 6 * 6) * ((n + 15) / 16 * 16) > (long)((m + 3) / 4 * 4) * ((n + 23) / 24 * 24);

    internal static void MultiplyPackedAvx512(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => GemmDriver.Run<GemmAvx512Kernel>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void MultiplyPackedVector256(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => GemmDriver.Run<GemmSimdKernel<V256Simd, Vector256<float>>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void MultiplyPackedVector128(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => GemmDriver.Run<GemmSimdKernel<V128Simd, Vector128<float>>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void MultiplyDirectAvx2(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => MultiplyDirect<Avx2Simd, Vector256<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void MultiplyDirectAvx512(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => MultiplyDirect<Avx512Simd, Vector512<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void MultiplyDirectVector256(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => MultiplyDirect<V256Simd, Vector256<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal static void MultiplyDirectVector128(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => MultiplyDirect<V128Simd, Vector128<float>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Direct (unpacked) path; a transposed B is first transposed into thread-local scratch [k, n].</summary>
    internal static unsafe void MultiplyDirect<TS, TV>(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        where TS : struct, ISimd<TV> where TV : struct
    {
        if (m == 0 || n == 0) return;
        if (k == 0) { GemmDriver.Run<GemmSimdKernel<TS, TV>>(transposeA, transposeB, m, n, 0, alpha, a, lda, b, ldb, beta, c, ldc); return; }
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
        {
            if (!transposeB)
            {
                GemmSmall.Run<TS, TV>(transposeA, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
            else
            {
                float* bT = GemmDriver.TransposeScratch(pb, ldb, n, k);
                GemmSmall.Run<TS, TV>(transposeA, m, n, k, alpha, pa, lda, bT, n, beta, pc, ldc);
            }
        }
    }
}
