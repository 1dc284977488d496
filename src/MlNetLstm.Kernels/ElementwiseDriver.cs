// The loop drivers of the element-wise kernels (the pattern of TensorPrimitives' InvokeSpanIntoSpan /
// InvokeSpanSpanIntoSpan / Aggregate helpers). An operation supplies only an operator struct: its scalar form (the
// reference, used by the Scalar path) and its vector body, written once over ISimd<TV> (Simd.cs) and instantiated per
// width; an operator may specialise a width by testing typeof(TS). The driver of its arity owns everything else:
// the one ISA dispatch (KernelDispatch.Run), pointer arithmetic, unrolling, and the tail.
//
// Tail rule (maps and updates): the last partial vector is loaded into a stack staging register (zero padded),
// computed with the same vector body, and the valid lanes are copied out, so a tail element is computed exactly like
// a full-vector element. An operator whose scalar form rounds exactly like one lane (a single IEEE add or multiply)
// may declare ScalarTailIsExact; its tail then runs the scalar form (same bits, cheaper for short rows).
// Reductions: vector accumulators over the full vectors, a fixed combine tree, and the remaining elements folded
// sequentially with the scalar form (so a reduction is deterministic per path and shape).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetLstm.Kernels;

/// <summary>d = f(x), element-wise.</summary>
internal interface IUnaryOperator
{
    /// <summary>True when <see cref="Invoke(float)"/> gives the bits of a vector lane (tails then skip staging).</summary>
    static virtual bool ScalarTailIsExact => false;

    /// <summary>Scalar form (the reference).</summary>
    float Invoke(float x);

    /// <summary>Vector body.</summary>
    TV Invoke<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>d = f(x, y), element-wise.</summary>
internal interface IBinaryOperator
{
    /// <summary>True when <see cref="Invoke(float, float)"/> gives the bits of a vector lane (tails then skip staging).</summary>
    static virtual bool ScalarTailIsExact => false;

    /// <summary>Scalar form (the reference).</summary>
    float Invoke(float x, float y);

    /// <summary>Vector body.</summary>
    TV Invoke<TS, TV>(TV x, TV y) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>d = f(x, y, z), element-wise (used with a broadcast scalar z: y + alpha x).</summary>
internal interface ITernaryOperator
{
    /// <summary>Scalar form (the reference).</summary>
    float Invoke(float x, float y, float z);

    /// <summary>Vector body.</summary>
    TV Invoke<TS, TV>(TV x, TV y, TV z) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>acc = f(acc, x, y): a sum reduction of a binary map (dot product: acc + x y).</summary>
internal interface IAccumulateOperator
{
    /// <summary>Scalar form (the reference, and the sequential tail).</summary>
    float Invoke(float accumulator, float x, float y);

    /// <summary>Vector body, one accumulator register.</summary>
    TV Invoke<TS, TV>(TV accumulator, TV x, TV y) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>A predicate that must hold for every element, checked through a running vector of flags.</summary>
internal interface IAllOperator
{
    /// <summary>Scalar form: true when the element passes.</summary>
    bool Invoke(float x);

    /// <summary>Folds one vector of elements into the running flags (which start at zero).</summary>
    TV Accumulate<TS, TV>(TV flags, TV x) where TS : struct, ISimd<TV> where TV : struct;

    /// <summary>True when every element folded into <paramref name="flags"/> passed.</summary>
    bool Passes<TS, TV>(TV flags) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>
/// In-place update of three streams a, c, d from themselves and a read-only stream b (an optimizer step). The operator's
/// scalar parameters are broadcast once per call into driver-owned constants (the JIT does not hoist broadcasts of
/// struct fields out of the loop by itself).
/// </summary>
internal interface IUpdateOperator
{
    /// <summary>Scalar form (the reference).</summary>
    void Invoke(ref float a, float b, ref float c, ref float d);

    /// <summary>Fills the vector constants the body uses (called once per call, before the loop).</summary>
    void Broadcast<TS, TV>(ref VectorConstants<TV> k) where TS : struct, ISimd<TV> where TV : struct;

    /// <summary>Vector body on loaded registers; the driver stores a, c and d afterwards.</summary>
    void Invoke<TS, TV>(ref TV a, TV b, ref TV c, ref TV d, in VectorConstants<TV> k) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>Up to 12 broadcast constants of an operator, one register each.</summary>
[InlineArray(12)]
internal struct VectorConstants<TV> where TV : struct
{
    private TV _e0;
}

/// <summary>
/// A fused pointwise cell step (GRU, LSTM) over B rows of H columns: it reads streams S0..S(Inputs-1) and writes
/// streams S(Inputs)..S(Inputs+Outputs-1) of a <see cref="CellStreams"/> at column j of the current row.
/// </summary>
internal interface ICellOperator
{
    /// <summary>Number of input streams (S0 onwards).</summary>
    static abstract int Inputs { get; }

    /// <summary>Number of output streams (after the inputs); Inputs + Outputs &lt;= <see cref="CellStreams.Capacity"/>.</summary>
    static abstract int Outputs { get; }

    /// <summary>Scalar form (the reference) at column j.</summary>
    void Invoke(ref CellStreams s, nint j);

    /// <summary>Vector body at columns [j, j + lanes): every load before the first store (documented aliases stay safe).</summary>
    void Invoke<TS, TV>(ref CellStreams s, nint j) where TS : struct, ISimd<TV> where TV : struct;
}

/// <summary>
/// The streams of a cell kernel: for each, a reference to its element [row 0, column 0] and its row stride (3H for a
/// GRU gate block at offset qH of a [B, 3H] tensor, H for a [B, H] state). The driver moves them to each row.
/// </summary>
internal ref struct CellStreams
{
    internal const int Capacity = 13;
    public ref float S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12;
    private int _r0, _r1, _r2, _r3, _r4, _r5, _r6, _r7, _r8, _r9, _r10, _r11, _r12;

    /// <summary>Sets stream k to start at <paramref name="origin"/> (its element [0, 0]) with the given row stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]  // a constant k folds the switch
    internal void Set(int k, ReadOnlySpan<float> origin, int rowStride)
    {
        ref float o = ref MemoryMarshal.GetReference(origin);
        switch (k)
        {
            case 0: S0 = ref o; _r0 = rowStride; break;
            case 1: S1 = ref o; _r1 = rowStride; break;
            case 2: S2 = ref o; _r2 = rowStride; break;
            case 3: S3 = ref o; _r3 = rowStride; break;
            case 4: S4 = ref o; _r4 = rowStride; break;
            case 5: S5 = ref o; _r5 = rowStride; break;
            case 6: S6 = ref o; _r6 = rowStride; break;
            case 7: S7 = ref o; _r7 = rowStride; break;
            case 8: S8 = ref o; _r8 = rowStride; break;
            case 9: S9 = ref o; _r9 = rowStride; break;
            case 10: S10 = ref o; _r10 = rowStride; break;
            case 11: S11 = ref o; _r11 = rowStride; break;
            case 12: S12 = ref o; _r12 = rowStride; break;
            default: throw new ArgumentOutOfRangeException(nameof(k));
        }
    }

    /// <summary>Moves the first <paramref name="count"/> streams on by one row (a constant count folds the tests away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void NextRow(int count)
    {
        if (count > 0) S0 = ref Unsafe.Add(ref S0, _r0);
        if (count > 1) S1 = ref Unsafe.Add(ref S1, _r1);
        if (count > 2) S2 = ref Unsafe.Add(ref S2, _r2);
        if (count > 3) S3 = ref Unsafe.Add(ref S3, _r3);
        if (count > 4) S4 = ref Unsafe.Add(ref S4, _r4);
        if (count > 5) S5 = ref Unsafe.Add(ref S5, _r5);
        if (count > 6) S6 = ref Unsafe.Add(ref S6, _r6);
        if (count > 7) S7 = ref Unsafe.Add(ref S7, _r7);
        if (count > 8) S8 = ref Unsafe.Add(ref S8, _r8);
        if (count > 9) S9 = ref Unsafe.Add(ref S9, _r9);
        if (count > 10) S10 = ref Unsafe.Add(ref S10, _r10);
        if (count > 11) S11 = ref Unsafe.Add(ref S11, _r11);
        if (count > 12) S12 = ref Unsafe.Add(ref S12, _r12);
    }
}

/// <summary>13 x 16 floats of stack staging for the cell tails (one 16-float slot per stream).</summary>
[InlineArray(CellStreams.Capacity * 16)]
internal struct CellStaging
{
    private float _e0;
}

/// <summary>
/// The loop drivers, one per arity. Each entry is [AggressiveOptimization] so that the dispatch switch, the invoker and
/// the loop are compiled optimised on first call (only the public method in front of it runs through tiering). Each takes the path (<see cref="KernelDispatch.Active"/> from the public API, any
/// available level from tests and benchmarks), the operator and the spans; lengths are checked by the callers.
/// </summary>
internal static class ElementwiseDriver
{
    // ---------------- unary map: d[i] = op(x[i]); d may be x ----------------

    /// <summary>d[i] = op(x[i]) for i in [0, x.Length). Unrolled by two (the activations need the registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void Map<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> x, Span<float> d) where TOp : struct, IUnaryOperator
    {
        var invoker = new UnaryMap<TOp>(op, x, d);
        KernelDispatch.Run(isa, ref invoker);
    }

    private readonly ref struct UnaryMap<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> d) : IIsaInvoker where TOp : struct, IUnaryOperator
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly Span<float> _d = d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => MapCore<TOp, TS, TV>(op, _x, _d);

        public void InvokeScalar()
        {
            for (int i = 0; i < _x.Length; i++) _d[i] = op.Invoke(_x[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x, Span<float> d)
        where TOp : struct, IUnaryOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 2 * w; i += 2 * w)
        {
            TV a = TS.Load(ref Unsafe.Add(ref xr, i));
            TV b = TS.Load(ref Unsafe.Add(ref xr, i + w));
            TS.Store(op.Invoke<TS, TV>(a), ref Unsafe.Add(ref dr, i));
            TS.Store(op.Invoke<TS, TV>(b), ref Unsafe.Add(ref dr, i + w));
        }
        for (; i <= n - w; i += w)
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i))), ref Unsafe.Add(ref dr, i));
        if (i < n)
        {
            if (TOp.ScalarTailIsExact)
            {
                for (; i < n; i++) Unsafe.Add(ref dr, i) = op.Invoke(Unsafe.Add(ref xr, i));
                return;
            }
            Unsafe.SkipInit(out Staging16 st);  // SimdTail.Load clears it
            TV t = SimdTail.Load<TS, TV>(x, i, n - i, ref st[0]);
            SimdTail.Store<TS, TV>(op.Invoke<TS, TV>(t), d, i, n - i, ref st[0]);
        }
    }

    // ---------------- binary map: d[i] = op(x[i], y[i]); d may be x or y ----------------

    /// <summary>d[i] = op(x[i], y[i]) for i in [0, x.Length). Unrolled by four; all loads of a block before its stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void Map<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) where TOp : struct, IBinaryOperator
    {
        var invoker = new BinaryMap<TOp>(op, x, y, d, Rows: 0);
        KernelDispatch.Run(isa, ref invoker);
    }

    /// <summary>
    /// Row broadcast: matrix[r, j] = op(matrix[r, j], row[j]) for every row r of the row-major [rows, row.Length] matrix
    /// (each row through the binary map, one dispatch for the whole matrix).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void MapRows<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> row, Span<float> matrix, int rows) where TOp : struct, IBinaryOperator
    {
        var invoker = new BinaryMap<TOp>(op, default, row, matrix, rows);
        KernelDispatch.Run(isa, ref invoker);
    }

    /// <summary>Rows == 0: d = op(x, y). Otherwise (row broadcast) each of the Rows rows of d = op(row of d, y); x is unused.</summary>
    private readonly ref struct BinaryMap<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d, int Rows) : IIsaInvoker
        where TOp : struct, IBinaryOperator
    {
        private readonly ReadOnlySpan<float> _x = x, _y = y;
        private readonly Span<float> _d = d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct
        {
            if (Rows == 0) MapCore<TOp, TS, TV>(op, _x, _y, _d);
            else MapRowsCore<TOp, TS, TV>(op, _y, _d, Rows);
        }

        public void InvokeScalar()
        {
            if (Rows == 0) { MapScalar(op, _x, _y, _d); return; }
            int n = _y.Length;
            for (int r = 0; r < Rows; r++)
            {
                Span<float> dr = _d.Slice(r * n, n);
                MapScalar(op, dr, _y, dr);
            }
        }
    }

    private static void MapScalar<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) where TOp : struct, IBinaryOperator
    {
        for (int i = 0; i < x.Length; i++) d[i] = op.Invoke(x[i], y[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
        where TOp : struct, IBinaryOperator where TS : struct, ISimd<TV> where TV : struct
        => MapBody<TOp, TS, TV>(op, x, y, d);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapRowsCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> row, Span<float> matrix, int rows)
        where TOp : struct, IBinaryOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int n = row.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> mr = matrix.Slice(r * n, n);
            MapBody<TOp, TS, TV>(op, mr, row, mr);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MapBody<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
        where TOp : struct, IBinaryOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 4 * w; i += 4 * w)
        {
            // All four results before the stores: d may be x or y exactly (same offset), never a shifted overlap.
            TV s0 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)));
            TV s1 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + w)), TS.Load(ref Unsafe.Add(ref yr, i + w)));
            TV s2 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + 2 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 2 * w)));
            TV s3 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + 3 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 3 * w)));
            TS.Store(s0, ref Unsafe.Add(ref dr, i)); TS.Store(s1, ref Unsafe.Add(ref dr, i + w));
            TS.Store(s2, ref Unsafe.Add(ref dr, i + 2 * w)); TS.Store(s3, ref Unsafe.Add(ref dr, i + 3 * w));
        }
        for (; i <= n - w; i += w)
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i))), ref Unsafe.Add(ref dr, i));
        if (i < n)
        {
            if (TOp.ScalarTailIsExact)
            {
                for (; i < n; i++) Unsafe.Add(ref dr, i) = op.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
                return;
            }
            Unsafe.SkipInit(out Staging16 s1);  // SimdTail.Load clears them
            Unsafe.SkipInit(out Staging16 s2);
            TV xv = SimdTail.Load<TS, TV>(x, i, n - i, ref s1[0]);
            TV yv = SimdTail.Load<TS, TV>(y, i, n - i, ref s2[0]);
            SimdTail.Store<TS, TV>(op.Invoke<TS, TV>(xv, yv), d, i, n - i, ref s1[0]);
        }
    }

    // ---------------- scalar operands: d[i] = op(x[i], s) and d[i] = op(x[i], y[i], s) ----------------
    // The scalar is broadcast once, before the loop, and handed to the operator as a register (as TensorPrimitives'
    // InvokeSpanScalarIntoSpan does; the JIT does not hoist a broadcast of an operator field out of the loop).

    /// <summary>d[i] = op(x[i], s) for i in [0, x.Length); d may be x. Unrolled by four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void Map<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> x, float s, Span<float> d) where TOp : struct, IBinaryOperator
    {
        var invoker = new SpanScalarMap<TOp>(op, x, s, d);
        KernelDispatch.Run(isa, ref invoker);
    }

    private readonly ref struct SpanScalarMap<TOp>(TOp op, ReadOnlySpan<float> x, float s, Span<float> d) : IIsaInvoker where TOp : struct, IBinaryOperator
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly Span<float> _d = d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => MapCore<TOp, TS, TV>(op, _x, s, _d);

        public void InvokeScalar()
        {
            for (int i = 0; i < _x.Length; i++) _d[i] = op.Invoke(_x[i], s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x, float s, Span<float> d)
        where TOp : struct, IBinaryOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        TV sv = TS.Broadcast(s);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 4 * w; i += 4 * w)
        {
            TV r0 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i)), sv);
            TV r1 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + w)), sv);
            TV r2 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + 2 * w)), sv);
            TV r3 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + 3 * w)), sv);
            TS.Store(r0, ref Unsafe.Add(ref dr, i)); TS.Store(r1, ref Unsafe.Add(ref dr, i + w));
            TS.Store(r2, ref Unsafe.Add(ref dr, i + 2 * w)); TS.Store(r3, ref Unsafe.Add(ref dr, i + 3 * w));
        }
        for (; i <= n - w; i += w)
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i)), sv), ref Unsafe.Add(ref dr, i));
        if (i < n)
        {
            if (TOp.ScalarTailIsExact)
            {
                for (; i < n; i++) Unsafe.Add(ref dr, i) = op.Invoke(Unsafe.Add(ref xr, i), s);
                return;
            }
            Unsafe.SkipInit(out Staging16 st);  // SimdTail.Load clears it
            TV t = SimdTail.Load<TS, TV>(x, i, n - i, ref st[0]);
            SimdTail.Store<TS, TV>(op.Invoke<TS, TV>(t, sv), d, i, n - i, ref st[0]);
        }
    }

    /// <summary>d[i] = op(x[i], y[i], s) for i in [0, x.Length); d may be x or y. Unrolled by four; tail staged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void Map<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, float s, Span<float> d)
        where TOp : struct, ITernaryOperator
    {
        var invoker = new SpanSpanScalarMap<TOp>(op, x, y, s, d);
        KernelDispatch.Run(isa, ref invoker);
    }

    private readonly ref struct SpanSpanScalarMap<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, float s, Span<float> d) : IIsaInvoker
        where TOp : struct, ITernaryOperator
    {
        private readonly ReadOnlySpan<float> _x = x, _y = y;
        private readonly Span<float> _d = d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => MapCore<TOp, TS, TV>(op, _x, _y, s, _d);

        public void InvokeScalar()
        {
            for (int i = 0; i < _x.Length; i++) _d[i] = op.Invoke(_x[i], _y[i], s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, float s, Span<float> d)
        where TOp : struct, ITernaryOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        TV sv = TS.Broadcast(s);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 4 * w; i += 4 * w)
        {
            TV r0 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)), sv);
            TV r1 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + w)), TS.Load(ref Unsafe.Add(ref yr, i + w)), sv);
            TV r2 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + 2 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 2 * w)), sv);
            TV r3 = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i + 3 * w)), TS.Load(ref Unsafe.Add(ref yr, i + 3 * w)), sv);
            TS.Store(r0, ref Unsafe.Add(ref dr, i)); TS.Store(r1, ref Unsafe.Add(ref dr, i + w));
            TS.Store(r2, ref Unsafe.Add(ref dr, i + 2 * w)); TS.Store(r3, ref Unsafe.Add(ref dr, i + 3 * w));
        }
        for (; i <= n - w; i += w)
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)), sv), ref Unsafe.Add(ref dr, i));
        if (i < n)
        {
            Unsafe.SkipInit(out Staging16 s1);  // SimdTail.Load clears them
            Unsafe.SkipInit(out Staging16 s2);
            TV xv = SimdTail.Load<TS, TV>(x, i, n - i, ref s1[0]);
            TV yv = SimdTail.Load<TS, TV>(y, i, n - i, ref s2[0]);
            SimdTail.Store<TS, TV>(op.Invoke<TS, TV>(xv, yv, sv), d, i, n - i, ref s1[0]);
        }
    }

    // ---------------- column fold: d[j] = op(... op(op(d[j], m[0, j]), m[1, j]) ..., m[rows - 1, j]) ----------------

    /// <summary>
    /// Folds the rows of the row-major [rows, d.Length] matrix into d column by column, rows in order 0..rows-1 on every
    /// path (so an exact operator gives the scalar loop's bits). Four registers of columns are held over the row loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void FoldColumns<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> matrix, int rows, Span<float> d) where TOp : struct, IBinaryOperator
    {
        var invoker = new ColumnFold<TOp>(op, matrix, rows, d);
        KernelDispatch.Run(isa, ref invoker);
    }

    private readonly ref struct ColumnFold<TOp>(TOp op, ReadOnlySpan<float> matrix, int rows, Span<float> d) : IIsaInvoker
        where TOp : struct, IBinaryOperator
    {
        private readonly ReadOnlySpan<float> _m = matrix;
        private readonly Span<float> _d = d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => FoldColumnsCore<TOp, TS, TV>(op, _m, rows, _d);

        public void InvokeScalar()
        {
            int n = _d.Length;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = _m.Slice(r * n, n);
                for (int j = 0; j < n; j++) _d[j] = op.Invoke(_d[j], row[j]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldColumnsCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> matrix, int rows, Span<float> d)
        where TOp : struct, IBinaryOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = d.Length, j = 0;
        ref float mr = ref MemoryMarshal.GetReference(matrix);
        ref float dr = ref MemoryMarshal.GetReference(d);
        for (; j <= n - 4 * w; j += 4 * w)
        {
            ref float dj = ref Unsafe.Add(ref dr, j);
            TV a0 = TS.Load(ref dj), a1 = TS.Load(ref Unsafe.Add(ref dj, w)), a2 = TS.Load(ref Unsafe.Add(ref dj, 2 * w)), a3 = TS.Load(ref Unsafe.Add(ref dj, 3 * w));
            for (int r = 0; r < rows; r++)
            {
                ref float row = ref Unsafe.Add(ref mr, (nint)r * n + j);
                a0 = op.Invoke<TS, TV>(a0, TS.Load(ref row));
                a1 = op.Invoke<TS, TV>(a1, TS.Load(ref Unsafe.Add(ref row, w)));
                a2 = op.Invoke<TS, TV>(a2, TS.Load(ref Unsafe.Add(ref row, 2 * w)));
                a3 = op.Invoke<TS, TV>(a3, TS.Load(ref Unsafe.Add(ref row, 3 * w)));
            }
            TS.Store(a0, ref dj); TS.Store(a1, ref Unsafe.Add(ref dj, w)); TS.Store(a2, ref Unsafe.Add(ref dj, 2 * w)); TS.Store(a3, ref Unsafe.Add(ref dj, 3 * w));
        }
        for (; j <= n - w; j += w)
        {
            ref float dj = ref Unsafe.Add(ref dr, j);
            TV a0 = TS.Load(ref dj);
            for (int r = 0; r < rows; r++) a0 = op.Invoke<TS, TV>(a0, TS.Load(ref Unsafe.Add(ref mr, (nint)r * n + j)));
            TS.Store(a0, ref dj);
        }
        if (j < n)
        {
            if (TOp.ScalarTailIsExact)
            {
                for (; j < n; j++)
                {
                    float s = Unsafe.Add(ref dr, j);
                    for (int r = 0; r < rows; r++) s = op.Invoke(s, Unsafe.Add(ref mr, (nint)r * n + j));
                    Unsafe.Add(ref dr, j) = s;
                }
                return;
            }
            Unsafe.SkipInit(out Staging16 s1);  // SimdTail.Load clears them
            Unsafe.SkipInit(out Staging16 s2);
            TV acc = SimdTail.Load<TS, TV>(d, j, n - j, ref s1[0]);
            for (int r = 0; r < rows; r++) acc = op.Invoke<TS, TV>(acc, SimdTail.Load<TS, TV>(matrix, r * n + j, n - j, ref s2[0]));
            SimdTail.Store<TS, TV>(acc, d, j, n - j, ref s1[0]);
        }
    }

    // ---------------- reduction of a binary map: sum_i op(x[i], y[i]) ----------------

    /// <summary>
    /// Accumulates op over (x[i], y[i]) in eight vector accumulators (two FMA pipes x four cycles of latency), then one
    /// register at a time into the first; combined as ((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7)), summed horizontally, plus the
    /// tail folded sequentially from 0 with the scalar form. The Scalar path folds every element sequentially from 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static float Aggregate<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TOp : struct, IAccumulateOperator
    {
        var invoker = new Aggregator<TOp>(op, x, y);
        KernelDispatch.Run(isa, ref invoker);
        return invoker.Result;
    }

    private ref struct Aggregator<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y) : IIsaInvoker where TOp : struct, IAccumulateOperator
    {
        private readonly ReadOnlySpan<float> _x = x, _y = y;
        public float Result;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => Result = AggregateCore<TOp, TS, TV>(op, _x, _y);

        public void InvokeScalar()
        {
            float s = 0f;
            for (int i = 0; i < _x.Length; i++) s = op.Invoke(s, _x[i], _y[i]);
            Result = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float AggregateCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where TOp : struct, IAccumulateOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TV a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (; i <= n - 8 * w; i += 8 * w)
        {
            ref float xi = ref Unsafe.Add(ref xr, i);
            ref float yi = ref Unsafe.Add(ref yr, i);
            a0 = op.Invoke<TS, TV>(a0, TS.Load(ref xi), TS.Load(ref yi));
            a1 = op.Invoke<TS, TV>(a1, TS.Load(ref Unsafe.Add(ref xi, w)), TS.Load(ref Unsafe.Add(ref yi, w)));
            a2 = op.Invoke<TS, TV>(a2, TS.Load(ref Unsafe.Add(ref xi, 2 * w)), TS.Load(ref Unsafe.Add(ref yi, 2 * w)));
            a3 = op.Invoke<TS, TV>(a3, TS.Load(ref Unsafe.Add(ref xi, 3 * w)), TS.Load(ref Unsafe.Add(ref yi, 3 * w)));
            a4 = op.Invoke<TS, TV>(a4, TS.Load(ref Unsafe.Add(ref xi, 4 * w)), TS.Load(ref Unsafe.Add(ref yi, 4 * w)));
            a5 = op.Invoke<TS, TV>(a5, TS.Load(ref Unsafe.Add(ref xi, 5 * w)), TS.Load(ref Unsafe.Add(ref yi, 5 * w)));
            a6 = op.Invoke<TS, TV>(a6, TS.Load(ref Unsafe.Add(ref xi, 6 * w)), TS.Load(ref Unsafe.Add(ref yi, 6 * w)));
            a7 = op.Invoke<TS, TV>(a7, TS.Load(ref Unsafe.Add(ref xi, 7 * w)), TS.Load(ref Unsafe.Add(ref yi, 7 * w)));
        }
        for (; i <= n - w; i += w)
            a0 = op.Invoke<TS, TV>(a0, TS.Load(ref Unsafe.Add(ref xr, i)), TS.Load(ref Unsafe.Add(ref yr, i)));
        float tail = 0f;  // fewer than one register of elements: sequential scalar fold (no staging on the hot path)
        for (; i < n; i++) tail = op.Invoke(tail, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
        TV s = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
        return TS.Sum(s) + tail;
    }

    // ---------------- all-of predicate with early exit ----------------

    /// <summary>True when op passes for every element; vectors are folded into one flag register that is tested every
    /// 64 vectors (early exit), the tail with the scalar form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static bool All<TOp>(IsaLevel isa, TOp op, ReadOnlySpan<float> x) where TOp : struct, IAllOperator
    {
        var invoker = new AllOf<TOp>(op, x);
        KernelDispatch.Run(isa, ref invoker);
        return invoker.Result;
    }

    private ref struct AllOf<TOp>(TOp op, ReadOnlySpan<float> x) : IIsaInvoker where TOp : struct, IAllOperator
    {
        private readonly ReadOnlySpan<float> _x = x;
        public bool Result;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => Result = AllCore<TOp, TS, TV>(op, _x);

        public void InvokeScalar()
        {
            Result = true;
            for (int i = 0; i < _x.Length; i++) if (!op.Invoke(_x[i])) { Result = false; return; }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllCore<TOp, TS, TV>(TOp op, ReadOnlySpan<float> x) where TOp : struct, IAllOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        TV flags = default;
        while (i <= n - w)
        {
            int stop = Math.Min(n - w, i + 64 * w);
            for (; i <= stop; i += w) flags = op.Accumulate<TS, TV>(flags, TS.Load(ref Unsafe.Add(ref xr, i)));
            if (!op.Passes<TS, TV>(flags)) return false;
        }
        for (; i < n; i++) if (!op.Invoke(Unsafe.Add(ref xr, i))) return false;
        return true;
    }

    // ---------------- in-place update of (a, c, d) from (a, b, c, d) ----------------

    /// <summary>(a[i], c[i], d[i]) = op(a[i], b[i], c[i], d[i]) for i in [0, a.Length); one pass, every element read
    /// once and written once; tail through staging.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void Update<TOp>(IsaLevel isa, TOp op, Span<float> a, ReadOnlySpan<float> b, Span<float> c, Span<float> d)
        where TOp : struct, IUpdateOperator
    {
        var invoker = new Updater<TOp>(op, a, b, c, d);
        KernelDispatch.Run(isa, ref invoker);
    }

    private readonly ref struct Updater<TOp>(TOp op, Span<float> a, ReadOnlySpan<float> b, Span<float> c, Span<float> d) : IIsaInvoker
        where TOp : struct, IUpdateOperator
    {
        private readonly Span<float> _a = a, _c = c, _d = d;
        private readonly ReadOnlySpan<float> _b = b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => UpdateCore<TOp, TS, TV>(op, _a, _b, _c, _d);

        public void InvokeScalar()
        {
            for (int i = 0; i < _a.Length; i++) op.Invoke(ref _a[i], _b[i], ref _c[i], ref _d[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateVector<TOp, TS, TV>(TOp op, ref float a, ref float b, ref float c, ref float d, in VectorConstants<TV> k)
        where TOp : struct, IUpdateOperator where TS : struct, ISimd<TV> where TV : struct
    {
        TV va = TS.Load(ref a), vb = TS.Load(ref b), vc = TS.Load(ref c), vd = TS.Load(ref d);
        op.Invoke<TS, TV>(ref va, vb, ref vc, ref vd, in k);
        TS.Store(vc, ref c);
        TS.Store(vd, ref d);
        TS.Store(va, ref a);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateCore<TOp, TS, TV>(TOp op, Span<float> a, ReadOnlySpan<float> b, Span<float> c, Span<float> d)
        where TOp : struct, IUpdateOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, n = a.Length, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(c);
        ref float dr = ref MemoryMarshal.GetReference(d);
        Unsafe.SkipInit(out VectorConstants<TV> k);
        op.Broadcast<TS, TV>(ref k);
        for (; i <= n - w; i += w)
            UpdateVector<TOp, TS, TV>(op, ref Unsafe.Add(ref ar, i), ref Unsafe.Add(ref br, i), ref Unsafe.Add(ref cr, i), ref Unsafe.Add(ref dr, i), in k);
        int t = n - i;
        if (t > 0)
        {
            Unsafe.SkipInit(out Staging16x11 st);
            Span<float> s = st;
            s.Slice(0, 64).Clear();  // the four slots used
            a.Slice(i, t).CopyTo(s);
            b.Slice(i, t).CopyTo(s.Slice(16));
            c.Slice(i, t).CopyTo(s.Slice(32));
            d.Slice(i, t).CopyTo(s.Slice(48));
            UpdateVector<TOp, TS, TV>(op, ref s[0], ref s[16], ref s[32], ref s[48], in k);
            s.Slice(0, t).CopyTo(a.Slice(i));
            s.Slice(32, t).CopyTo(c.Slice(i));
            s.Slice(48, t).CopyTo(d.Slice(i));
        }
    }

    // ---------------- fused cell step: B rows x H columns over up to 13 streams ----------------

    /// <summary>
    /// Runs a cell operator over <paramref name="batch"/> rows of <paramref name="hidden"/> columns: per row, full vectors,
    /// then the tail of H through staging (inputs copied into zeroed 16-float slots, the same vector body, outputs copied
    /// back), so a tail column is computed exactly like a full-vector column. Lengths are checked by the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // the whole chain below is jitted optimised at once
    internal static void Cell<TOp>(IsaLevel isa, TOp op, int batch, int hidden, scoped ref readonly CellStreams streams)
        where TOp : struct, ICellOperator
    {
        var invoker = new CellRunner<TOp>(op, batch, hidden, streams);
        KernelDispatch.Run(isa, ref invoker);
    }

    private ref struct CellRunner<TOp>(TOp op, int batch, int hidden, CellStreams streams) : IIsaInvoker where TOp : struct, ICellOperator
    {
        private CellStreams _streams = streams;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TS, TV>() where TS : struct, ISimd<TV> where TV : struct => CellCore<TOp, TS, TV>(op, batch, hidden, ref _streams);

        public void InvokeScalar()
        {
            CellStreams row = _streams;
            for (int b = 0; b < batch; b++, row.NextRow(TOp.Inputs + TOp.Outputs))
                for (int j = 0; j < hidden; j++) op.Invoke(ref row, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CellCore<TOp, TS, TV>(TOp op, int batch, int hidden, ref CellStreams streams)
        where TOp : struct, ICellOperator where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Count, count = TOp.Inputs + TOp.Outputs;
        CellStreams row = streams;
        for (int b = 0; b < batch; b++, row.NextRow(count))
        {
            int j = 0;
            for (; j <= hidden - w; j += w) op.Invoke<TS, TV>(ref row, j);
            int t = hidden - j;
            if (t > 0) CellTail<TOp, TS, TV>(op, ref row, j, t);
        }
    }

    private static void CellTail<TOp, TS, TV>(TOp op, ref CellStreams row, int j, int t)
        where TOp : struct, ICellOperator where TS : struct, ISimd<TV> where TV : struct
    {
        // Input slots are zeroed and filled, output slots are written whole by the body; the stream numbers are
        // constants, so every test below folds and the copies are straight-line code.
        Unsafe.SkipInit(out CellStaging st);
        Span<float> s = st;
        s.Slice(0, 16 * TOp.Inputs).Clear();
        scoped CellStreams staged = default;
        int count = TOp.Inputs + TOp.Outputs;
        if (count > 0) { staged.S0 = ref s[0]; if (TOp.Inputs > 0) StageIn(ref row.S0, j, t, s.Slice(0)); }
        if (count > 1) { staged.S1 = ref s[16]; if (TOp.Inputs > 1) StageIn(ref row.S1, j, t, s.Slice(16)); }
        if (count > 2) { staged.S2 = ref s[32]; if (TOp.Inputs > 2) StageIn(ref row.S2, j, t, s.Slice(32)); }
        if (count > 3) { staged.S3 = ref s[48]; if (TOp.Inputs > 3) StageIn(ref row.S3, j, t, s.Slice(48)); }
        if (count > 4) { staged.S4 = ref s[64]; if (TOp.Inputs > 4) StageIn(ref row.S4, j, t, s.Slice(64)); }
        if (count > 5) { staged.S5 = ref s[80]; if (TOp.Inputs > 5) StageIn(ref row.S5, j, t, s.Slice(80)); }
        if (count > 6) { staged.S6 = ref s[96]; if (TOp.Inputs > 6) StageIn(ref row.S6, j, t, s.Slice(96)); }
        if (count > 7) { staged.S7 = ref s[112]; if (TOp.Inputs > 7) StageIn(ref row.S7, j, t, s.Slice(112)); }
        if (count > 8) { staged.S8 = ref s[128]; if (TOp.Inputs > 8) StageIn(ref row.S8, j, t, s.Slice(128)); }
        if (count > 9) { staged.S9 = ref s[144]; if (TOp.Inputs > 9) StageIn(ref row.S9, j, t, s.Slice(144)); }
        if (count > 10) { staged.S10 = ref s[160]; if (TOp.Inputs > 10) StageIn(ref row.S10, j, t, s.Slice(160)); }
        if (count > 11) { staged.S11 = ref s[176]; if (TOp.Inputs > 11) StageIn(ref row.S11, j, t, s.Slice(176)); }
        if (count > 12) { staged.S12 = ref s[192]; if (TOp.Inputs > 12) StageIn(ref row.S12, j, t, s.Slice(192)); }
        op.Invoke<TS, TV>(ref staged, 0);
        if (count > 0 && TOp.Inputs <= 0) StageOut(s.Slice(0, t), ref row.S0, j);
        if (count > 1 && TOp.Inputs <= 1) StageOut(s.Slice(16, t), ref row.S1, j);
        if (count > 2 && TOp.Inputs <= 2) StageOut(s.Slice(32, t), ref row.S2, j);
        if (count > 3 && TOp.Inputs <= 3) StageOut(s.Slice(48, t), ref row.S3, j);
        if (count > 4 && TOp.Inputs <= 4) StageOut(s.Slice(64, t), ref row.S4, j);
        if (count > 5 && TOp.Inputs <= 5) StageOut(s.Slice(80, t), ref row.S5, j);
        if (count > 6 && TOp.Inputs <= 6) StageOut(s.Slice(96, t), ref row.S6, j);
        if (count > 7 && TOp.Inputs <= 7) StageOut(s.Slice(112, t), ref row.S7, j);
        if (count > 8 && TOp.Inputs <= 8) StageOut(s.Slice(128, t), ref row.S8, j);
        if (count > 9 && TOp.Inputs <= 9) StageOut(s.Slice(144, t), ref row.S9, j);
        if (count > 10 && TOp.Inputs <= 10) StageOut(s.Slice(160, t), ref row.S10, j);
        if (count > 11 && TOp.Inputs <= 11) StageOut(s.Slice(176, t), ref row.S11, j);
        if (count > 12 && TOp.Inputs <= 12) StageOut(s.Slice(192, t), ref row.S12, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StageIn(ref float stream, int j, int t, Span<float> slot)
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref stream, j), t).CopyTo(slot);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StageOut(ReadOnlySpan<float> slot, ref float stream, int j)
        => slot.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref stream, j), slot.Length));
}
