// GEMM micro-kernels. Suffix legend: GemmAvx2Kernel = explicit Avx/Fma 6x16 (12 ymm accumulators + 2 B registers
// + 1 broadcast = 15 of 16 ymm); GemmSimdKernel<TS,TV> = the same 6 x (2 registers) tile written over ISimd:
// Avx512Simd gives 6x32 (explicit Avx512F FMAs), V256Simd 6x16 and V128Simd 6x8 (portable); GemmAvx512Kernel =
// explicit Avx512F 8x32 (16 zmm accumulators + 2 B registers + 1 broadcast = 19 of 32 zmm), the AVX-512 packed path's
// kernel: a chunk of 8 sequences (the trainer's default) fills one A panel instead of a full and a 2/6 empty one.
// Every kernel accumulates each C element over p in the same order with FMAs, so the tile shape never changes a result.
// Packed panel layouts: a[p*MR + i], b[p*NR + j] (see GemmDriver.cs).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetLstm.Kernels;

/// <summary>Explicit AVX2 + FMA3 6x16 micro-kernel.</summary>
internal readonly unsafe struct GemmAvx2Kernel : IGemmKernel
{
    public static int MR => 6;
    public static int NR => 16;
    public static int KC => 256;
    public static int MC => 144;
    public static int NC => 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a += 6;
            b += 16;
        }
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Avx.Store(c, Avx.Multiply(va, c00)); Avx.Store(c + 8, Avx.Multiply(va, c01)); c += ldc;
            Avx.Store(c, Avx.Multiply(va, c10)); Avx.Store(c + 8, Avx.Multiply(va, c11)); c += ldc;
            Avx.Store(c, Avx.Multiply(va, c20)); Avx.Store(c + 8, Avx.Multiply(va, c21)); c += ldc;
            Avx.Store(c, Avx.Multiply(va, c30)); Avx.Store(c + 8, Avx.Multiply(va, c31)); c += ldc;
            Avx.Store(c, Avx.Multiply(va, c40)); Avx.Store(c + 8, Avx.Multiply(va, c41)); c += ldc;
            Avx.Store(c, Avx.Multiply(va, c50)); Avx.Store(c + 8, Avx.Multiply(va, c51));
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, c00, c01, va, vb); c += ldc;
            Update(c, c10, c11, va, vb); c += ldc;
            Update(c, c20, c21, va, vb); c += ldc;
            Update(c, c30, c31, va, vb); c += ldc;
            Update(c, c40, c41, va, vb); c += ldc;
            Update(c, c50, c51, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> va, Vector256<float> vb)
    {
        Avx.Store(c, Fma.MultiplyAdd(va, x0, Avx.Multiply(vb, Avx.LoadVector256(c))));
        Avx.Store(c + 8, Fma.MultiplyAdd(va, x1, Avx.Multiply(vb, Avx.LoadVector256(c + 8))));
    }
}

/// <summary>
/// Explicit AVX2 + FMA3 4x24 micro-kernel (12 ymm accumulators + 3 B registers + 1 broadcast = 16 ymm). For the LSTM's per-step
/// products with few rows (a chunk of 8 sequences) it fills whole row panels where the 6x16 tile pads 8 rows to 12; each C element
/// is accumulated over p in the same order with FMAs, so results equal the 6x16 tile's (the edge/full store differs only for alpha != 1).
/// </summary>
internal readonly unsafe struct GemmAvx2Kernel4x24 : IGemmKernel
{
    public static int MR => 4;
    public static int NR => 24;
    public static int KC => 256;
    public static int MC => 144;
    public static int NC => 2040; // a multiple of NR, so prepacked panels are indexed by column / NR

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> b2 = Avx.LoadAlignedVector256(b + 16);
            Vector256<float> av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01); c02 = Fma.MultiplyAdd(av, b2, c02);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11); c12 = Fma.MultiplyAdd(av, b2, c12);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21); c22 = Fma.MultiplyAdd(av, b2, c22);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31); c32 = Fma.MultiplyAdd(av, b2, c32);
            a += 4;
            b += 24;
        }
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, c02, va); c += ldc;
            Put(c, c10, c11, c12, va); c += ldc;
            Put(c, c20, c21, c22, va); c += ldc;
            Put(c, c30, c31, c32, va);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, c00, c01, c02, va, vb); c += ldc;
            Update(c, c10, c11, c12, va, vb); c += ldc;
            Update(c, c20, c21, c22, va, vb); c += ldc;
            Update(c, c30, c31, c32, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> va)
    {
        Avx.Store(c, Avx.Multiply(va, x0));
        Avx.Store(c + 8, Avx.Multiply(va, x1));
        Avx.Store(c + 16, Avx.Multiply(va, x2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> va, Vector256<float> vb)
    {
        Avx.Store(c, Fma.MultiplyAdd(va, x0, Avx.Multiply(vb, Avx.LoadVector256(c))));
        Avx.Store(c + 8, Fma.MultiplyAdd(va, x1, Avx.Multiply(vb, Avx.LoadVector256(c + 8))));
        Avx.Store(c + 16, Fma.MultiplyAdd(va, x2, Avx.Multiply(vb, Avx.LoadVector256(c + 16))));
    }
}

/// <summary>Generic 6 x (2 registers) micro-kernel over an <see cref="ISimd{TV}"/> path.</summary>
internal readonly unsafe struct GemmSimdKernel<TS, TV> : IGemmKernel where TS : struct, ISimd<TV> where TV : struct
{
    public static int MR => 6;
    public static int NR => 2 * TS.Count;
    public static int KC => 256;
    public static int MC => 144;
    public static int NC => 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        int w = TS.Count, nr = 2 * w;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TV c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = TS.Load(ref *b);
            TV b1 = TS.Load(ref *(b + w));
            TV av = TS.Broadcast(a[0]);
            c00 = TS.MulAdd(av, b0, c00); c01 = TS.MulAdd(av, b1, c01);
            av = TS.Broadcast(a[1]);
            c10 = TS.MulAdd(av, b0, c10); c11 = TS.MulAdd(av, b1, c11);
            av = TS.Broadcast(a[2]);
            c20 = TS.MulAdd(av, b0, c20); c21 = TS.MulAdd(av, b1, c21);
            av = TS.Broadcast(a[3]);
            c30 = TS.MulAdd(av, b0, c30); c31 = TS.MulAdd(av, b1, c31);
            av = TS.Broadcast(a[4]);
            c40 = TS.MulAdd(av, b0, c40); c41 = TS.MulAdd(av, b1, c41);
            av = TS.Broadcast(a[5]);
            c50 = TS.MulAdd(av, b0, c50); c51 = TS.MulAdd(av, b1, c51);
            a += 6;
            b += nr;
        }
        TV va = TS.Broadcast(alpha);
        if (beta == 0f)
        {
            Put(c, w, c00, c01, va); c += ldc;
            Put(c, w, c10, c11, va); c += ldc;
            Put(c, w, c20, c21, va); c += ldc;
            Put(c, w, c30, c31, va); c += ldc;
            Put(c, w, c40, c41, va); c += ldc;
            Put(c, w, c50, c51, va);
        }
        else
        {
            TV vb = TS.Broadcast(beta);
            Update(c, w, c00, c01, va, vb); c += ldc;
            Update(c, w, c10, c11, va, vb); c += ldc;
            Update(c, w, c20, c21, va, vb); c += ldc;
            Update(c, w, c30, c31, va, vb); c += ldc;
            Update(c, w, c40, c41, va, vb); c += ldc;
            Update(c, w, c50, c51, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, int w, TV x0, TV x1, TV va)
    {
        TS.Store(TS.Mul(va, x0), ref *c);
        TS.Store(TS.Mul(va, x1), ref *(c + w));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, int w, TV x0, TV x1, TV va, TV vb)
    {
        TS.Store(TS.MulAdd(va, x0, TS.Mul(vb, TS.Load(ref *c))), ref *c);
        TS.Store(TS.MulAdd(va, x1, TS.Mul(vb, TS.Load(ref *(c + w)))), ref *(c + w));
    }
}

/// <summary>
/// Explicit AVX-512F 8x32 micro-kernel: 8 rows x 2 zmm of accumulators. Same per-element arithmetic as the 6x32 tile
/// (FMA accumulation over p in order, then alpha / beta), so results are bitwise those of <see cref="GemmSimdKernel{TS, TV}"/>.
/// </summary>
internal readonly unsafe struct GemmAvx512Kernel : IGemmKernel
{
    public static int MR => 8;
    public static int NR => 32;
    public static int KC => 256;
    public static int MC => 144;
    public static int NC => 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Avx512F.LoadAlignedVector512(b);
            Vector512<float> b1 = Avx512F.LoadAlignedVector512(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            a += 8;
            b += 32;
        }
        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, va); c += ldc;
            Put(c, c10, c11, va); c += ldc;
            Put(c, c20, c21, va); c += ldc;
            Put(c, c30, c31, va); c += ldc;
            Put(c, c40, c41, va); c += ldc;
            Put(c, c50, c51, va); c += ldc;
            Put(c, c60, c61, va); c += ldc;
            Put(c, c70, c71, va);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Update(c, c00, c01, va, vb); c += ldc;
            Update(c, c10, c11, va, vb); c += ldc;
            Update(c, c20, c21, va, vb); c += ldc;
            Update(c, c30, c31, va, vb); c += ldc;
            Update(c, c40, c41, va, vb); c += ldc;
            Update(c, c50, c51, va, vb); c += ldc;
            Update(c, c60, c61, va, vb); c += ldc;
            Update(c, c70, c71, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va)
    {
        Avx512F.Store(c, Avx512F.Multiply(va, x0));
        Avx512F.Store(c + 16, Avx512F.Multiply(va, x1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va, Vector512<float> vb)
    {
        Avx512F.Store(c, Avx512F.FusedMultiplyAdd(va, x0, Avx512F.Multiply(vb, Avx512F.LoadVector512(c))));
        Avx512F.Store(c + 16, Avx512F.FusedMultiplyAdd(va, x1, Avx512F.Multiply(vb, Avx512F.LoadVector512(c + 16))));
    }
}
