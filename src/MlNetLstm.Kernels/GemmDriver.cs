// Packed SGEMM driver (BLIS loop order) shared by every SIMD path; the micro-kernel is a type parameter.
// Packed A block: ceil(mc/MR) panels, panel t holds rows [t*MR, t*MR+MR) as [kc][MR] (zero padded rows).
// Packed B block: ceil(nc/NR) panels, panel t holds columns [t*NR, t*NR+NR) as [kc][NR] (zero padded columns).
// Both live in per-thread pinned scratch aligned to 64 bytes: no allocation after a thread's first (largest) call.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetLstm.Kernels;

/// <summary>A register-blocked GEMM micro-kernel: C[MR, NR] (op)= alpha * Apanel[kc][MR]^T * Bpanel[kc][NR].</summary>
internal unsafe interface IGemmKernel
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }
    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }
    /// <summary>k block (packed panels of B of KC x NR stay in L1).</summary>
    static abstract int KC { get; }
    /// <summary>m block (packed A of MC x KC stays in L2).</summary>
    static abstract int MC { get; }
    /// <summary>n block (packed B of KC x NC stays in L2/L3).</summary>
    static abstract int NC { get; }

    /// <summary>
    /// c[i*ldc + j] = alpha * acc[i,j] (+ beta * c[i*ldc + j] unless beta == 0) for the full MR x NR tile, where
    /// acc[i,j] = sum_p a[p*MR + i] * b[p*NR + j]. a and b are packed panels; b is 64-byte aligned.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta);
}

internal static unsafe class GemmDriver
{
    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;
    [ThreadStatic] private static float[]? t_transB;

    /// <summary>Transposes B stored [n, k] (row stride ldb) into thread-local scratch laid out [k, n]; returns it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float* TransposeScratch(float* b, int ldb, int n, int k)
    {
        float* bT = Scratch(ref t_transB, k * n);
        int n8 = Avx.IsSupported ? n & ~7 : 0, k8 = Avx.IsSupported ? k & ~7 : 0;
        for (int j = 0; j < n8; j += 8)
        {
            for (int p = 0; p < k8; p += 8) Transpose8x8(b + (long)j * ldb + p, ldb, bT + (long)p * n + j, n);
            for (int r = 0; r < 8; r++)
                for (int p = k8; p < k; p++) bT[(long)p * n + j + r] = b[(long)(j + r) * ldb + p];
        }
        for (int j = n8; j < n; j++)
            for (int p = 0; p < k; p++) bT[(long)p * n + j] = b[(long)j * ldb + p];
        return bT;
    }

    /// <summary>Returns a 64-byte aligned pointer into a pinned thread-local array holding at least <paramref name="length"/> floats.</summary>
    private static float* Scratch(ref float[]? array, int length)
    {
        if (array is null || array.Length < length + 16)
            array = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        nuint p = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (float*)((p + 63) & ~(nuint)63);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run<TK>(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        where TK : struct, IGemmKernel
    {
        if (m == 0 || n == 0) return;
        fixed (float* pc = c)
        {
            if (k == 0)
            {
                ScaleC(m, n, beta, pc, ldc);
                return;
            }
            fixed (float* pa = a)
            fixed (float* pb = b)
            {
                Blocked<TK>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, null, beta, pc, ldc);
            }
        }
    }

    /// <summary>
    /// The blocked loop nest shared by <see cref="Run{TK}"/> and <see cref="RunPrepacked{TK}"/> (m, n, k &gt; 0). B panels come from
    /// <paramref name="prepacked"/> (the whole op(B) laid out by <see cref="PackAll{TK}"/>) when it is not null, else they are packed here:
    /// with few rows (m &lt;= 96, the LSTM batch case) every B panel is used by one short sweep over the A panels only, so it is packed
    /// just before use into a KC x NR buffer that stays in L1, instead of writing the whole KC x NC block out to L2/L3 and reading it back.
    /// Either way the micro-kernel calls and their order are the same, so both entry points give bitwise the same results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<TK>(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* pa, int lda, float* pb, int ldb, float* prepacked, float beta, float* pc, int ldc)
        where TK : struct, IGemmKernel
    {
        int mr = TK.MR, nr = TK.NR;
        int npad = RoundUp(n, nr);
        int kcMax = Math.Min(k, TK.KC);
        int ncMax = Math.Min(npad, TK.NC);
        int mcMax = Math.Min(RoundUp(m, mr), TK.MC);
        bool own = prepacked == null;
        bool panelAtATime = own && m <= 96;
        float* packB = own ? Scratch(ref t_packB, panelAtATime ? kcMax * nr : kcMax * ncMax) : null;
        float* packA = Scratch(ref t_packA, kcMax * mcMax);
        float* tile = stackalloc float[mr * nr + 16];
        float* tileAligned = (float*)(((nuint)tile + 63) & ~(nuint)63);

        for (int jc = 0; jc < n; jc += TK.NC)
        {
            int nc = Math.Min(TK.NC, n - jc);
            for (int pcol = 0; pcol < k; pcol += TK.KC)
            {
                int kc = Math.Min(TK.KC, k - pcol);
                float betaEff = pcol == 0 ? beta : 1f;
                if (own && !panelAtATime) PackB(transposeB, pb, ldb, pcol, kc, jc, nc, nr, packB);
                // Prepacked: block pcol holds all ceil(n/NR) panels; panel (jc + jr) / NR of it (NC is a multiple of NR).
                float* block = own ? packB : prepacked + (long)pcol * npad + (long)(jc / nr) * nr * kc;
                for (int ic = 0; ic < m; ic += TK.MC)
                {
                    int mc = Math.Min(TK.MC, m - ic);
                    PackA(transposeA, pa, lda, ic, mc, pcol, kc, mr, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrEff = Math.Min(nr, nc - jr);
                        float* bPanel;
                        if (panelAtATime)
                        {
                            PackB(transposeB, pb, ldb, pcol, kc, jc + jr, nrEff, nr, packB);
                            bPanel = packB;
                        }
                        else
                        {
                            bPanel = block + (long)(jr / nr) * nr * kc;
                        }
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrEff = Math.Min(mr, mc - ir);
                            float* aPanel = packA + (long)(ir / mr) * mr * kc;
                            float* cTile = pc + (long)(ic + ir) * ldc + jc + jr;
                            if (mrEff == mr && nrEff == nr)
                            {
                                TK.Run(kc, aPanel, bPanel, cTile, ldc, alpha, betaEff);
                            }
                            else
                            {
                                TK.Run(kc, aPanel, bPanel, tileAligned, nr, 1f, 0f);
                                StoreEdge(tileAligned, nr, cTile, ldc, mrEff, nrEff, alpha, betaEff);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Floats of a whole op(B) [k, n] packed for kernel TK: every KC block of k holds ceil(n/NR) panels of [kc][NR].</summary>
    internal static long PackedLength<TK>(int n, int k) where TK : struct, IGemmKernel => (long)RoundUp(n, TK.NR) * k;

    /// <summary>Packs all of op(B) [k, n] for kernel TK into <paramref name="dst"/> (64-byte aligned): block pc at dst + pc * RoundUp(n, NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackAll<TK>(bool transposeB, float* b, int ldb, int n, int k, float* dst) where TK : struct, IGemmKernel
    {
        int npad = RoundUp(n, TK.NR);
        for (int pcol = 0; pcol < k; pcol += TK.KC)
        {
            int kc = Math.Min(TK.KC, k - pcol);
            PackB(transposeB, b, ldb, pcol, kc, 0, n, TK.NR, dst + (long)pcol * npad);
        }
    }

    /// <summary>
    /// <see cref="Run{TK}"/> with op(B) already packed by <see cref="PackAll{TK}"/>: the same blocking, the same micro-kernel calls in the
    /// same order (<see cref="Blocked{TK}"/>), so the result is bitwise that of <see cref="Run{TK}"/>; only the per-call packing of B is skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunPrepacked<TK>(bool transposeA, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, float* packedB, float beta, Span<float> c, int ldc)
        where TK : struct, IGemmKernel
    {
        if (m == 0 || n == 0) return;
        fixed (float* pc = c)
        {
            if (k == 0)
            {
                ScaleC(m, n, beta, pc, ldc);
                return;
            }
            fixed (float* pa = a)
            {
                Blocked<TK>(transposeA, false, m, n, k, alpha, pa, lda, null, 0, packedB, beta, pc, ldc);
            }
        }
    }

    /// <summary>
    /// Writes the valid rows x cols of an edge tile: dst = alpha * t (+ beta * dst). Reads the tile back with full
    /// vectors where possible (a scalar reload of a just-stored vector defeats store-to-load forwarding); the vector and
    /// scalar parts round identically (separate multiply, multiply, add).
    /// </summary>
    private static void StoreEdge(float* t, int nr, float* c, int ldc, int rows, int cols, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* s = t + i * nr;
            float* d = c + (long)i * ldc;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> va = Vector256.Create(alpha), vb = Vector256.Create(beta);
                for (; j + 8 <= cols; j += 8)
                {
                    Vector256<float> v = va * Vector256.Load(s + j);
                    if (beta != 0f) v += vb * Vector256.Load(d + j);
                    Vector256.Store(v, d + j);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<float> va = Vector128.Create(alpha), vb = Vector128.Create(beta);
                for (; j + 4 <= cols; j += 4)
                {
                    Vector128<float> v = va * Vector128.Load(s + j);
                    if (beta != 0f) v += vb * Vector128.Load(d + j);
                    Vector128.Store(v, d + j);
                }
            }
            if (beta == 0f)
                for (; j < cols; j++) d[j] = alpha * s[j];
            else
                for (; j < cols; j++) d[j] = alpha * s[j] + beta * d[j];
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = new(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    /// <summary>Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels [kc][NR], zero padding the last panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(bool transposeB, float* b, int ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jp = 0; jp < nc; jp += nr)
        {
            int cols = Math.Min(nr, nc - jp);
            float* panel = dst + (long)(jp / nr) * nr * kc;
            if (!transposeB)
            {
                // op(B)[p, j] = b[p*ldb + j]: contiguous NR-float rows.
                float* src = b + (long)p0 * ldb + j0 + jp;
                if (cols == nr)
                {
                    // NR is a multiple of 8: copy with full vectors (no memmove call per 64-128 byte row).
                    if (Vector256.IsHardwareAccelerated)
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            float* s = src + (long)p * ldb, d = panel + p * nr;
                            for (int j = 0; j < nr; j += 8) Vector256.Store(Vector256.Load(s + j), d + j);
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            float* s = src + (long)p * ldb, d = panel + p * nr;
                            for (int j = 0; j < nr; j += 4) Vector128.Store(Vector128.Load(s + j), d + j);
                        }
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* d = panel + p * nr;
                        float* s = src + (long)p * ldb;
                        int j = 0;
                        for (; j < cols; j++) d[j] = s[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else if (Avx.IsSupported && cols == nr && kc >= 8)
            {
                // op(B)[p, j] = b[j*ldb + p]: 8x8 register transposes (8 stored rows x 8 k values at a time).
                int p8 = kc & ~7;
                for (int g = 0; g < nr; g += 8)
                {
                    float* s0 = b + (long)(j0 + jp + g) * ldb + p0;
                    for (int p = 0; p < p8; p += 8)
                        Transpose8x8(s0 + p, ldb, panel + p * nr + g, nr);
                    for (int j = 0; j < 8; j++)
                        for (int p = p8; p < kc; p++) panel[p * nr + g + j] = s0[(long)j * ldb + p];
                }
            }
            else
            {
                // op(B)[p, j] = b[j*ldb + p]: read each stored row contiguously, scatter with stride NR.
                for (int j = 0; j < cols; j++)
                {
                    float* s = b + (long)(j0 + jp + j) * ldb + p0;
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = s[p];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = 0f;
            }
        }
    }

    /// <summary>dst[i*ldd + r] = src[r*lds + i] for an 8x8 block (AVX unpack/shuffle/permute transpose).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int lds, float* dst, int ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2L * lds), r3 = Avx.LoadVector256(src + 3L * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4L * lds), r5 = Avx.LoadVector256(src + 5L * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6L * lds), r7 = Avx.LoadVector256(src + 7L * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row panels [kc][MR], zero padding the last panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(bool transposeA, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        if (transposeA)
        {
            // op(A)[i, p] = a[p*lda + i]: stored row p holds the mc values of every panel contiguously, so it is read once, in
            // order, and spread over the panels (panel by panel would read MR floats per row at a stride of lda, which leaves
            // L1 behind for the tall weight-gradient products, dW = dZ^T X with lda = 4H). Full panels of the common tile heights
            // use vector copies.
            int full = mc / mr * mr;
            long panelStride = (long)mr * kc;
            for (int p = 0; p < kc; p++)
            {
                float* s = a + (long)(p0 + p) * lda + i0;
                float* d = dst + p * mr;
                int ip = 0;
                if (mr == 6 && Vector128.IsHardwareAccelerated)
                {
                    for (; ip < full; ip += 6, d += panelStride)
                    {
                        Vector128.Store(Vector128.Load(s + ip), d);
                        *(long*)(d + 4) = *(long*)(s + ip + 4);
                    }
                }
                else if (mr == 8 && Vector256.IsHardwareAccelerated)
                {
                    for (; ip < full; ip += 8, d += panelStride) Vector256.Store(Vector256.Load(s + ip), d);
                }
                else if (mr == 4 && Vector128.IsHardwareAccelerated)
                {
                    for (; ip < full; ip += 4, d += panelStride) Vector128.Store(Vector128.Load(s + ip), d);
                }
                for (; ip < mc; ip += mr, d += panelStride)
                {
                    int rows = Math.Min(mr, mc - ip), r = 0;
                    for (; r < rows; r++) d[r] = s[ip + r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            return;
        }
        for (int ip = 0; ip < mc; ip += mr)
        {
            int rows = Math.Min(mr, mc - ip);
            float* panel = dst + (long)(ip / mr) * mr * kc;
            if (rows == 4 && mr == 4 && Sse.IsSupported)
            {
                // 4x4 register transposes (4 rows x 4 k values at a time), then a scalar k tail.
                float* s0 = a + (long)(i0 + ip) * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                int p4 = kc & ~3;
                for (int p = 0; p < p4; p += 4)
                {
                    Vector128<float> r0 = Sse.LoadVector128(s0 + p), r1 = Sse.LoadVector128(s1 + p), r2 = Sse.LoadVector128(s2 + p), r3 = Sse.LoadVector128(s3 + p);
                    Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1), t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
                    float* d = panel + p * 4;
                    Sse.Store(d, Sse.MoveLowToHigh(t0, t2));
                    Sse.Store(d + 4, Sse.MoveHighToLow(t2, t0));
                    Sse.Store(d + 8, Sse.MoveLowToHigh(t1, t3));
                    Sse.Store(d + 12, Sse.MoveHighToLow(t3, t1));
                }
                for (int p = p4; p < kc; p++)
                {
                    panel[p * 4] = s0[p]; panel[p * 4 + 1] = s1[p]; panel[p * 4 + 2] = s2[p]; panel[p * 4 + 3] = s3[p];
                }
                continue;
            }
            // op(A)[i, p] = a[i*lda + p]: read each row contiguously, scatter with stride MR.
            for (int r = 0; r < rows; r++)
            {
                float* s = a + (long)(i0 + ip + r) * lda + p0;
                float* d = panel + r;
                for (int p = 0; p < kc; p++) d[p * mr] = s[p];
            }
            for (int r = rows; r < mr; r++)
                for (int p = 0; p < kc; p++) panel[p * mr + r] = 0f;
        }
    }
}
