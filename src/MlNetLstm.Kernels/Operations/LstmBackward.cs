// LSTM backward pointwise operator (LstmPointwise.Backward). Streams: inputs i, f, g, o (gates), c_prev, c, dh, dc_next;
// outputs dz_i, dz_f, dz_g, dz_o, dc_prev. Without dc_next (treated as zero) the caller points S7 at any valid [B, H]
// stream and the operator never reads it.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

/// <summary>dc_total = dc_next + dh o (1 - tanh(c)^2); dz_i = dc_total g i (1 - i), dz_f = dc_total c_prev f (1 - f),
/// dz_g = dc_total i (1 - g^2), dz_o = dh tanh(c) o (1 - o), dc_prev = dc_total f.</summary>
/// <param name="hasDcNext">False when dc_next is empty (zero): stream S7 is then not read.</param>
internal readonly struct LstmBackwardOperator(bool hasDcNext) : ICellOperator
{
    private readonly bool _hasDcNext = hasDcNext;

    public static int Inputs => 8;
    public static int Outputs => 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref CellStreams s, nint j)
    {
        float i = Unsafe.Add(ref s.S0, j), f = Unsafe.Add(ref s.S1, j), g = Unsafe.Add(ref s.S2, j), o = Unsafe.Add(ref s.S3, j);
        float cPrev = Unsafe.Add(ref s.S4, j);
        float tc = MathF.Tanh(Unsafe.Add(ref s.S5, j));
        float dhv = Unsafe.Add(ref s.S6, j);
        float dct = (_hasDcNext ? Unsafe.Add(ref s.S7, j) : 0f) + dhv * o * (1f - tc * tc);
        Unsafe.Add(ref s.S8, j) = dct * g * i * (1f - i);
        Unsafe.Add(ref s.S9, j) = dct * cPrev * f * (1f - f);
        Unsafe.Add(ref s.S10, j) = dct * i * (1f - g * g);
        Unsafe.Add(ref s.S11, j) = dhv * tc * o * (1f - o);
        Unsafe.Add(ref s.S12, j) = dct * f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TS, TV>(ref CellStreams s, nint j) where TS : struct, ISimd<TV> where TV : struct
    {
        TV one = TS.Broadcast(1f);
        TV i = TS.Load(ref Unsafe.Add(ref s.S0, j)), f = TS.Load(ref Unsafe.Add(ref s.S1, j));
        TV g = TS.Load(ref Unsafe.Add(ref s.S2, j)), o = TS.Load(ref Unsafe.Add(ref s.S3, j));
        TV cPrev = TS.Load(ref Unsafe.Add(ref s.S4, j));
        TV tc = SimdMath.Tanh<TS, TV>(TS.Load(ref Unsafe.Add(ref s.S5, j)));
        TV dh = TS.Load(ref Unsafe.Add(ref s.S6, j));
        TV dNext = _hasDcNext ? TS.Load(ref Unsafe.Add(ref s.S7, j)) : default;
        TV dhO = TS.Mul(dh, o);
        TV dct = TS.MulAdd(dhO, TS.Sub(one, TS.Mul(tc, tc)), dNext);
        TV dzI = TS.Mul(TS.Mul(dct, g), TS.Mul(i, TS.Sub(one, i)));
        TV dzF = TS.Mul(TS.Mul(dct, cPrev), TS.Mul(f, TS.Sub(one, f)));
        TV dzG = TS.Mul(TS.Mul(dct, i), TS.Sub(one, TS.Mul(g, g)));
        TV dzO = TS.Mul(TS.Mul(dh, tc), TS.Mul(o, TS.Sub(one, o)));
        TV dcP = TS.Mul(dct, f);
        TS.Store(dzI, ref Unsafe.Add(ref s.S8, j)); TS.Store(dzF, ref Unsafe.Add(ref s.S9, j));
        TS.Store(dzG, ref Unsafe.Add(ref s.S10, j)); TS.Store(dzO, ref Unsafe.Add(ref s.S11, j));
        TS.Store(dcP, ref Unsafe.Add(ref s.S12, j));
    }
}
