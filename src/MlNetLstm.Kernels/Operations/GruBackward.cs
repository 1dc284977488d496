// GRU backward pointwise operator (GruPointwise.Backward). Streams: inputs r, u, n (gates), hz_n, h_prev, dh;
// outputs dxz_r, dxz_z, dxz_n, dhz_r, dhz_z, dhz_n, dh_prev.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

/// <summary>dn = dh (1 - u), du = dh (h_prev - n), a = dn (1 - n^2); dxz = (dr, du u (1 - u), a),
/// dhz = (dr, du u (1 - u), a r) with dr = a hz_n r (1 - r); dh_prev = dh u.</summary>
internal readonly struct GruBackwardOperator : ICellOperator
{
    public static int Inputs => 6;
    public static int Outputs => 7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref CellStreams s, nint j)
    {
        float r = Unsafe.Add(ref s.S0, j), u = Unsafe.Add(ref s.S1, j), n = Unsafe.Add(ref s.S2, j);
        float hzn = Unsafe.Add(ref s.S3, j), hp = Unsafe.Add(ref s.S4, j), d = Unsafe.Add(ref s.S5, j);
        float dn = d * (1f - u);
        float du = d * (hp - n);
        float a = dn * (1f - n * n);
        float dr = a * hzn * r * (1f - r);
        float dzu = du * u * (1f - u);
        Unsafe.Add(ref s.S6, j) = dr; Unsafe.Add(ref s.S9, j) = dr;
        Unsafe.Add(ref s.S7, j) = dzu; Unsafe.Add(ref s.S10, j) = dzu;
        Unsafe.Add(ref s.S8, j) = a; Unsafe.Add(ref s.S11, j) = a * r;
        Unsafe.Add(ref s.S12, j) = d * u;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TS, TV>(ref CellStreams s, nint j) where TS : struct, ISimd<TV> where TV : struct
    {
        TV one = TS.Broadcast(1f);
        TV r = TS.Load(ref Unsafe.Add(ref s.S0, j)), u = TS.Load(ref Unsafe.Add(ref s.S1, j)), n = TS.Load(ref Unsafe.Add(ref s.S2, j));
        TV hn = TS.Load(ref Unsafe.Add(ref s.S3, j)), hPrev = TS.Load(ref Unsafe.Add(ref s.S4, j)), d = TS.Load(ref Unsafe.Add(ref s.S5, j));
        TV dn = TS.Mul(d, TS.Sub(one, u));
        TV du = TS.Mul(d, TS.Sub(hPrev, n));
        TV a = TS.Mul(dn, TS.Sub(one, TS.Mul(n, n)));
        TV dr = TS.Mul(TS.Mul(a, hn), TS.Mul(r, TS.Sub(one, r)));
        TV dzu = TS.Mul(du, TS.Mul(u, TS.Sub(one, u)));
        TV ar = TS.Mul(a, r);
        TV dhP = TS.Mul(d, u);
        TS.Store(dr, ref Unsafe.Add(ref s.S6, j)); TS.Store(dr, ref Unsafe.Add(ref s.S9, j));
        TS.Store(dzu, ref Unsafe.Add(ref s.S7, j)); TS.Store(dzu, ref Unsafe.Add(ref s.S10, j));
        TS.Store(a, ref Unsafe.Add(ref s.S8, j)); TS.Store(ar, ref Unsafe.Add(ref s.S11, j));
        TS.Store(dhP, ref Unsafe.Add(ref s.S12, j));
    }
}
