// GRU forward pointwise operator (GruPointwise.Forward). Streams: inputs xz_r, xz_z, xz_n, hz_r, hz_z, hz_n, h_prev;
// outputs r, u, n (gates) and h. Scalar form: the MathF reference; vector body: SimdMath sigmoid / tanh.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

/// <summary>r = sigmoid(xz_r + hz_r), u = sigmoid(xz_z + hz_z), n = tanh(xz_n + r hz_n), h = (1 - u) n + u h_prev.</summary>
internal readonly struct GruForwardOperator : ICellOperator
{
    public static int Inputs => 7;
    public static int Outputs => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref CellStreams s, nint j)
    {
        float r = Activations.SigmoidScalar(Unsafe.Add(ref s.S0, j) + Unsafe.Add(ref s.S3, j));
        float u = Activations.SigmoidScalar(Unsafe.Add(ref s.S1, j) + Unsafe.Add(ref s.S4, j));
        float n = MathF.Tanh(Unsafe.Add(ref s.S2, j) + r * Unsafe.Add(ref s.S5, j));
        float hp = Unsafe.Add(ref s.S6, j);
        Unsafe.Add(ref s.S7, j) = r; Unsafe.Add(ref s.S8, j) = u; Unsafe.Add(ref s.S9, j) = n;
        Unsafe.Add(ref s.S10, j) = (1f - u) * n + u * hp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TS, TV>(ref CellStreams s, nint j) where TS : struct, ISimd<TV> where TV : struct
    {
        TV r = SimdMath.Sigmoid<TS, TV>(TS.Add(TS.Load(ref Unsafe.Add(ref s.S0, j)), TS.Load(ref Unsafe.Add(ref s.S3, j))));
        TV u = SimdMath.Sigmoid<TS, TV>(TS.Add(TS.Load(ref Unsafe.Add(ref s.S1, j)), TS.Load(ref Unsafe.Add(ref s.S4, j))));
        TV n = SimdMath.Tanh<TS, TV>(TS.MulAdd(r, TS.Load(ref Unsafe.Add(ref s.S5, j)), TS.Load(ref Unsafe.Add(ref s.S2, j))));
        TV hNew = TS.MulAdd(u, TS.Load(ref Unsafe.Add(ref s.S6, j)), TS.Mul(TS.Sub(TS.Broadcast(1f), u), n));
        TS.Store(r, ref Unsafe.Add(ref s.S7, j)); TS.Store(u, ref Unsafe.Add(ref s.S8, j)); TS.Store(n, ref Unsafe.Add(ref s.S9, j));
        TS.Store(hNew, ref Unsafe.Add(ref s.S10, j));
    }
}
