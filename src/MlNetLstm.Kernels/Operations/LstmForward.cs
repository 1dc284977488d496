// LSTM forward pointwise operator (LstmPointwise.Forward). Streams: inputs z_i, z_f, z_g, z_o, c_prev; outputs i, f, g, o
// (gates), c and h. Scalar form: the MathF reference; vector body: SimdMath sigmoid / tanh.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

/// <summary>i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o), c = f c_prev + i g, h = o tanh(c).</summary>
internal readonly struct LstmForwardOperator : ICellOperator
{
    public static int Inputs => 5;
    public static int Outputs => 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref CellStreams s, nint j)
    {
        float i = Activations.SigmoidScalar(Unsafe.Add(ref s.S0, j));
        float f = Activations.SigmoidScalar(Unsafe.Add(ref s.S1, j));
        float g = MathF.Tanh(Unsafe.Add(ref s.S2, j));
        float o = Activations.SigmoidScalar(Unsafe.Add(ref s.S3, j));
        float cn = f * Unsafe.Add(ref s.S4, j) + i * g;
        Unsafe.Add(ref s.S5, j) = i; Unsafe.Add(ref s.S6, j) = f; Unsafe.Add(ref s.S7, j) = g; Unsafe.Add(ref s.S8, j) = o;
        Unsafe.Add(ref s.S9, j) = cn;
        Unsafe.Add(ref s.S10, j) = o * MathF.Tanh(cn);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TS, TV>(ref CellStreams s, nint j) where TS : struct, ISimd<TV> where TV : struct
    {
        TV i = SimdMath.Sigmoid<TS, TV>(TS.Load(ref Unsafe.Add(ref s.S0, j)));
        TV f = SimdMath.Sigmoid<TS, TV>(TS.Load(ref Unsafe.Add(ref s.S1, j)));
        TV g = SimdMath.Tanh<TS, TV>(TS.Load(ref Unsafe.Add(ref s.S2, j)));
        TV o = SimdMath.Sigmoid<TS, TV>(TS.Load(ref Unsafe.Add(ref s.S3, j)));
        TV cn = TS.MulAdd(f, TS.Load(ref Unsafe.Add(ref s.S4, j)), TS.Mul(i, g));
        TV hn = TS.Mul(o, SimdMath.Tanh<TS, TV>(cn));
        TS.Store(i, ref Unsafe.Add(ref s.S5, j)); TS.Store(f, ref Unsafe.Add(ref s.S6, j));
        TS.Store(g, ref Unsafe.Add(ref s.S7, j)); TS.Store(o, ref Unsafe.Add(ref s.S8, j));
        TS.Store(cn, ref Unsafe.Add(ref s.S9, j)); TS.Store(hn, ref Unsafe.Add(ref s.S10, j));
    }
}
