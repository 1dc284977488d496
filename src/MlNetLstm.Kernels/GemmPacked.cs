// A right-hand GEMM operand op(B) packed once for many products with different left-hand sides (the recurrent weight
// matrix of an RNN is multiplied by a new hidden state at every time step). Bitwise the same results as Gemm.Multiply.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetLstm.Kernels;

/// <summary>
/// op(B) [k, n] packed for the packed micro-kernel of the active instruction-set path (see <see cref="Gemm.Pack"/>), reusable
/// across calls of <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, GemmPackedB?, float, Span{float}, int)"/>.
/// Holds a pinned buffer; one instance per thread (it is rewritten by every <see cref="Gemm.Pack"/>).
/// </summary>
public sealed class GemmPackedB
{
    internal float[]? Buffer;
    internal int Offset;
    internal bool TransposeB;
    internal int N, K;
    internal bool Valid;
    internal bool Tile4x24; // AVX2: packed for the 4x24 tile (else 6x16)

    /// <summary>Columns n of op(B) last packed.</summary>
    public int Columns => N;

    /// <summary>Inner dimension k of op(B) last packed.</summary>
    public int Depth => K;

    internal unsafe float* Pointer => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Buffer!)) + Offset;

    internal void Ensure(long floats)
    {
        if (Buffer is null || Buffer.Length < floats + 16)
        {
            if (floats + 16 > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(floats), floats, "The packed operand does not fit in an array.");
            Buffer = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
        }
        unsafe
        {
            nuint p = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Buffer));
            Offset = (int)((((p + 63) & ~(nuint)63) - p) / sizeof(float));
        }
    }
}

public static partial class Gemm
{
    /// <summary>
    /// Packs op(B) ([k, n]: B stored [k, n], or [n, k] when <paramref name="transposeB"/>) into <paramref name="packed"/> (created when null)
    /// for the packed path of the active instruction set (AVX-512 or AVX2/FMA). On other paths nothing is packed and the operand
    /// simply makes <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, GemmPackedB?, float, Span{float}, int)"/>
    /// use B as given. Returns the operand.
    /// </summary>
    /// <param name="transposeB">When true, op(B) = B^T and B is stored as [n, k].</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="b">Matrix B.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="packed">A previous operand to reuse (its buffer grows when needed), or null.</param>
    /// <param name="rows">Rows m of the products it will be used for (the AVX2 path's tile depends on it; a product with another
    /// tile choice simply packs B itself).</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, <paramref name="rows"/> is below 1 or <paramref name="ldb"/> too small.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> is too short.</exception>
    public static unsafe GemmPackedB Pack(bool transposeB, int n, int k, ReadOnlySpan<float> b, int ldb, GemmPackedB? packed = null, int rows = 8)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be at least 1.");
        Validate(false, transposeB, 0, n, k, default, Math.Max(1, k), b, ldb, default, Math.Max(1, n));
        if (n > 0 && k > 0) KernelGuard.Length(b.Length, (long)((transposeB ? n : k) - 1) * ldb + (transposeB ? k : n), nameof(b));
        packed ??= new GemmPackedB();
        packed.TransposeB = transposeB; packed.N = n; packed.K = k; packed.Valid = false; packed.Tile4x24 = false;
        if (n == 0 || k == 0) return packed;
        fixed (float* pb = b)
        {
            switch (KernelDispatch.Active)
            {
                case IsaLevel.Avx512:
                    packed.Ensure(GemmDriver.PackedLength<GemmAvx512Kernel>(n, k));
                    GemmDriver.PackAll<GemmAvx512Kernel>(transposeB, pb, ldb, n, k, packed.Pointer);
                    packed.Valid = true;
                    break;
                case IsaLevel.Avx2Fma when UseAvx2Tile4x24(rows, n):
                    packed.Ensure(GemmDriver.PackedLength<GemmAvx2Kernel4x24>(n, k));
                    GemmDriver.PackAll<GemmAvx2Kernel4x24>(transposeB, pb, ldb, n, k, packed.Pointer);
                    packed.Valid = true;
                    packed.Tile4x24 = true;
                    break;
                case IsaLevel.Avx2Fma:
                    packed.Ensure(GemmDriver.PackedLength<GemmAvx2Kernel>(n, k));
                    GemmDriver.PackAll<GemmAvx2Kernel>(transposeB, pb, ldb, n, k, packed.Pointer);
                    packed.Valid = true;
                    break;
            }
        }
        return packed;
    }

    /// <summary>
    /// <c>C = alpha * op(A) * op(B) + beta * C</c> with op(B) also available packed: bitwise the result of
    /// <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// with the same arguments. When the packed path would run and <paramref name="packedB"/> holds this op(B) (same transpose, n and k),
    /// B is not packed again; otherwise B is used as given. The caller keeps <paramref name="packedB"/> in step with <paramref name="b"/> (re-pack after changing B).
    /// </summary>
    /// <param name="transposeA">When true, op(A) = A^T and A is stored as [k, m].</param>
    /// <param name="transposeB">When true, op(B) = B^T and B is stored as [n, k].</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">Matrix A.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">Matrix B as stored (the source of <paramref name="packedB"/>).</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="packedB">The operand from <see cref="Pack"/> for this B, or null.</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="c">Matrix C, [m, n] with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, GemmPackedB? packedB, float beta, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        bool usable = packedB is { Valid: true } && packedB.TransposeB == transposeB && packedB.N == n && packedB.K == k && k > 0 && m > 0 && n > 0;
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512 when usable && !UseDirect(m, n, k, 16) && !UseDirect(m, n, k, 8):
                GemmDriver.RunPrepacked<GemmAvx512Kernel>(transposeA, m, n, k, alpha, a, lda, packedB!.Pointer, beta, c, ldc);
                break;
            case IsaLevel.Avx2Fma when usable && !UseDirect(m, n, k, 8) && packedB!.Tile4x24 == UseAvx2Tile4x24(m, n):
                if (packedB.Tile4x24) GemmDriver.RunPrepacked<GemmAvx2Kernel4x24>(transposeA, m, n, k, alpha, a, lda, packedB.Pointer, beta, c, ldc);
                else GemmDriver.RunPrepacked<GemmAvx2Kernel>(transposeA, m, n, k, alpha, a, lda, packedB.Pointer, beta, c, ldc);
                break;
            default:
                Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                break;
        }
    }
}
