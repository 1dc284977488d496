// Direct (unpacked) SGEMM for small problems with row-major, non-transposed B: no packing, no scratch.
// C[i, :] = alpha * sum_p op(A)[i, p] * B[p, :] + beta * C[i, :], two rows of C at a time with 4 registers of
// columns each (8 accumulators sharing every B load), then 1-register column blocks, then a scalar column tail.
// Used when packing would cost as much as the product (few rows, or tiny k*n) — the LSTM's m = 1..64, n = 4H,
// k = 8..32 step shapes. Deterministic: each C element is one sequential sum over p.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

internal static unsafe class GemmSmall
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TS, TV>(TV acc, float* c, TV va, TV vb, bool hasBeta) where TS : struct, ISimd<TV> where TV : struct
    {
        TV r = hasBeta ? TS.MulAdd(va, acc, TS.Mul(vb, TS.Load(ref *c))) : TS.Mul(va, acc);
        TS.Store(r, ref *c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run<TS, TV>(bool transposeA, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc) where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count;
        nint sp = transposeA ? lda : 1;          // stride between consecutive p for a fixed row i
        nint si = transposeA ? 1 : lda;          // stride between rows i
        bool hasBeta = beta != 0f;
        TV va = TS.Broadcast(alpha), vb = TS.Broadcast(beta);
        int i = 0;
        if (n < 4 * w)
        {
            // Narrow C (fewer than 4 registers of columns, e.g. dW_ih = dZ^T X with n = the input width): 2 rows would leave only
            // 2 FMA chains per register of columns, bound by the FMA latency over a long k. 8 rows give 8 independent chains.
            // Each C element is still one sequential FMA sum over p, so the results are those of the 2-row loop below.
            for (; i + 7 < m; i += 8)
            {
                float* a0 = a + i * si;
                float* c0 = c + (long)i * ldc;
                int j = 0;
                for (; j <= n - w; j += w)
                {
                    TV x0 = default, x1 = default, x2 = default, x3 = default, x4 = default, x5 = default, x6 = default, x7 = default;
                    float* bp = b + j;
                    float* ap = a0;
                    for (int p = 0; p < k; p++, bp += ldb, ap += sp)
                    {
                        TV b0 = TS.Load(ref *bp);
                        x0 = TS.MulAdd(TS.Broadcast(ap[0]), b0, x0);
                        x1 = TS.MulAdd(TS.Broadcast(ap[si]), b0, x1);
                        x2 = TS.MulAdd(TS.Broadcast(ap[2 * si]), b0, x2);
                        x3 = TS.MulAdd(TS.Broadcast(ap[3 * si]), b0, x3);
                        x4 = TS.MulAdd(TS.Broadcast(ap[4 * si]), b0, x4);
                        x5 = TS.MulAdd(TS.Broadcast(ap[5 * si]), b0, x5);
                        x6 = TS.MulAdd(TS.Broadcast(ap[6 * si]), b0, x6);
                        x7 = TS.MulAdd(TS.Broadcast(ap[7 * si]), b0, x7);
                    }
                    Finish<TS, TV>(x0, c0 + j, va, vb, hasBeta); Finish<TS, TV>(x1, c0 + ldc + j, va, vb, hasBeta);
                    Finish<TS, TV>(x2, c0 + 2L * ldc + j, va, vb, hasBeta); Finish<TS, TV>(x3, c0 + 3L * ldc + j, va, vb, hasBeta);
                    Finish<TS, TV>(x4, c0 + 4L * ldc + j, va, vb, hasBeta); Finish<TS, TV>(x5, c0 + 5L * ldc + j, va, vb, hasBeta);
                    Finish<TS, TV>(x6, c0 + 6L * ldc + j, va, vb, hasBeta); Finish<TS, TV>(x7, c0 + 7L * ldc + j, va, vb, hasBeta);
                }
                for (int r = 0; r < 8; r++) ScalarColumns(j, n, k, alpha, a0 + r * si, sp, b, ldb, beta, c0 + (long)r * ldc);
            }
        }
        for (; i + 1 < m; i += 2)
        {
            float* a0 = a + i * si, a1 = a0 + si;
            float* c0 = c + (long)i * ldc, c1 = c0 + ldc;
            int j = 0;
            for (; j <= n - 4 * w; j += 4 * w)
            {
                TV x0 = default, x1 = default, x2 = default, x3 = default, y0 = default, y1 = default, y2 = default, y3 = default;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb)
                {
                    TV b0 = TS.Load(ref *bp), b1 = TS.Load(ref *(bp + w)), b2 = TS.Load(ref *(bp + 2 * w)), b3 = TS.Load(ref *(bp + 3 * w));
                    TV s0 = TS.Broadcast(a0[p * sp]), s1 = TS.Broadcast(a1[p * sp]);
                    x0 = TS.MulAdd(s0, b0, x0); x1 = TS.MulAdd(s0, b1, x1); x2 = TS.MulAdd(s0, b2, x2); x3 = TS.MulAdd(s0, b3, x3);
                    y0 = TS.MulAdd(s1, b0, y0); y1 = TS.MulAdd(s1, b1, y1); y2 = TS.MulAdd(s1, b2, y2); y3 = TS.MulAdd(s1, b3, y3);
                }
                Finish<TS, TV>(x0, c0 + j, va, vb, hasBeta); Finish<TS, TV>(x1, c0 + j + w, va, vb, hasBeta);
                Finish<TS, TV>(x2, c0 + j + 2 * w, va, vb, hasBeta); Finish<TS, TV>(x3, c0 + j + 3 * w, va, vb, hasBeta);
                Finish<TS, TV>(y0, c1 + j, va, vb, hasBeta); Finish<TS, TV>(y1, c1 + j + w, va, vb, hasBeta);
                Finish<TS, TV>(y2, c1 + j + 2 * w, va, vb, hasBeta); Finish<TS, TV>(y3, c1 + j + 3 * w, va, vb, hasBeta);
            }
            for (; j <= n - w; j += w)
            {
                TV x0 = default, y0 = default;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb)
                {
                    TV b0 = TS.Load(ref *bp);
                    x0 = TS.MulAdd(TS.Broadcast(a0[p * sp]), b0, x0);
                    y0 = TS.MulAdd(TS.Broadcast(a1[p * sp]), b0, y0);
                }
                Finish<TS, TV>(x0, c0 + j, va, vb, hasBeta);
                Finish<TS, TV>(y0, c1 + j, va, vb, hasBeta);
            }
            ScalarColumns(j, n, k, alpha, a0, sp, b, ldb, beta, c0);
            ScalarColumns(j, n, k, alpha, a1, sp, b, ldb, beta, c1);
        }
        if (i < m)
        {
            float* a0 = a + i * si;
            float* c0 = c + (long)i * ldc;
            int j = 0;
            for (; j <= n - 4 * w; j += 4 * w)
            {
                TV x0 = default, x1 = default, x2 = default, x3 = default;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb)
                {
                    TV s0 = TS.Broadcast(a0[p * sp]);
                    x0 = TS.MulAdd(s0, TS.Load(ref *bp), x0); x1 = TS.MulAdd(s0, TS.Load(ref *(bp + w)), x1);
                    x2 = TS.MulAdd(s0, TS.Load(ref *(bp + 2 * w)), x2); x3 = TS.MulAdd(s0, TS.Load(ref *(bp + 3 * w)), x3);
                }
                Finish<TS, TV>(x0, c0 + j, va, vb, hasBeta); Finish<TS, TV>(x1, c0 + j + w, va, vb, hasBeta);
                Finish<TS, TV>(x2, c0 + j + 2 * w, va, vb, hasBeta); Finish<TS, TV>(x3, c0 + j + 3 * w, va, vb, hasBeta);
            }
            for (; j <= n - w; j += w)
            {
                TV x0 = default;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb) x0 = TS.MulAdd(TS.Broadcast(a0[p * sp]), TS.Load(ref *bp), x0);
                Finish<TS, TV>(x0, c0 + j, va, vb, hasBeta);
            }
            ScalarColumns(j, n, k, alpha, a0, sp, b, ldb, beta, c0);
        }
    }

    private static void ScalarColumns(int j0, int n, int k, float alpha, float* a0, nint sp, float* b, int ldb, float beta, float* c0)
    {
        for (int j = j0; j < n; j++)
        {
            float s = 0f;
            for (int p = 0; p < k; p++) s += a0[p * sp] * b[(long)p * ldb + j];
            c0[j] = beta == 0f ? alpha * s : alpha * s + beta * c0[j];
        }
    }
}
