// Fused Adam/AdamW step. Driver: ElementwiseDriver.Update (four parallel contiguous spans p, g, m, v; one pass, every
// element read once and written once; tail through stack staging). The operator holds the hyper-parameters; the
// vector body uses reciprocal multiplies and FMA contraction, the scalar form (the oracle) divides.
using System.Runtime.CompilerServices;

namespace MlNetLstm.Kernels;

/// <summary>
/// Fused Adam / AdamW parameter update (Kingma and Ba 2015; Loshchilov and Hutter 2019).
/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + lr * decoupledDecay * p.
/// </summary>
public static partial class Adam
{
    /// <summary>One Adam(W) step over a parameter block (vectorised; FMA contraction on FMA paths).</summary>
    /// <param name="parameters">Parameters, updated in place.</param>
    /// <param name="gradients">Gradients (L2 weight decay, if any, already added by the caller).</param>
    /// <param name="m">First-moment state, updated in place.</param>
    /// <param name="v">Second-moment state, updated in place.</param>
    /// <param name="learningRate">Step size lr.</param>
    /// <param name="beta1">First-moment decay b1.</param>
    /// <param name="beta2">Second-moment decay b2.</param>
    /// <param name="epsilon">Denominator guard eps.</param>
    /// <param name="biasCorrection1">1 - b1^t (must be &gt; 0).</param>
    /// <param name="biasCorrection2">1 - b2^t (must be &gt; 0).</param>
    /// <param name="decoupledWeightDecay">AdamW decay (0 for plain Adam).</param>
    /// <exception cref="ArgumentException">gradients, m or v is shorter than parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bias correction is not positive.</exception>
    public static void Step(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v,
        float learningRate, float beta1, float beta2, float epsilon, float biasCorrection1, float biasCorrection2,
        float decoupledWeightDecay)
    {
        KernelGuard.Length(gradients.Length, parameters.Length, nameof(gradients));
        KernelGuard.Length(m.Length, parameters.Length, nameof(m));
        KernelGuard.Length(v.Length, parameters.Length, nameof(v));
        if (!(biasCorrection1 > 0f)) throw new ArgumentOutOfRangeException(nameof(biasCorrection1), biasCorrection1, "biasCorrection1 = 1 - beta1^t must be positive.");
        if (!(biasCorrection2 > 0f)) throw new ArgumentOutOfRangeException(nameof(biasCorrection2), biasCorrection2, "biasCorrection2 = 1 - beta2^t must be positive.");
        ElementwiseDriver.Update(KernelDispatch.Active,
            new AdamOperator(new Hyper(learningRate, beta1, beta2, epsilon, biasCorrection1, biasCorrection2, decoupledWeightDecay)),
            parameters, gradients, m, v);
    }

    /// <summary><see cref="Step(Span{float}, ReadOnlySpan{float}, Span{float}, Span{float}, float, float, float, float, float, float, float)"/> on the given path (no checks).</summary>
    internal static void Step(IsaLevel isa, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, Hyper h)
        => ElementwiseDriver.Update(isa, new AdamOperator(h), parameters, gradients, m, v);

    internal readonly record struct Hyper(float LearningRate, float Beta1, float Beta2, float Epsilon, float BiasCorrection1,
        float BiasCorrection2, float DecoupledWeightDecay);

}

/// <summary>One Adam(W) update of (p, m, v) from the gradient g.</summary>
internal readonly struct AdamOperator(Adam.Hyper h) : IUpdateOperator
{
    private readonly float _b1 = h.Beta1, _omb1 = 1f - h.Beta1, _b2 = h.Beta2, _omb2 = 1f - h.Beta2;
    private readonly float _ibc1 = 1f / h.BiasCorrection1, _ibc2 = 1f / h.BiasCorrection2;
    private readonly float _bc1 = h.BiasCorrection1, _bc2 = h.BiasCorrection2, _eps = h.Epsilon, _lr = h.LearningRate, _wd = h.DecoupledWeightDecay;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(ref float p, float g, ref float m, ref float v)
    {
        float mi = _b1 * m + (1f - _b1) * g;
        float vi = _b2 * v + (1f - _b2) * g * g;
        m = mi; v = vi;
        p -= _lr * ((mi / _bc1) / (MathF.Sqrt(vi / _bc2) + _eps) + _wd * p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Broadcast<TS, TV>(ref VectorConstants<TV> k) where TS : struct, ISimd<TV> where TV : struct
    {
        k[0] = TS.Broadcast(_b1); k[1] = TS.Broadcast(_omb1); k[2] = TS.Broadcast(_b2); k[3] = TS.Broadcast(_omb2);
        k[4] = TS.Broadcast(_ibc1); k[5] = TS.Broadcast(_ibc2); k[6] = TS.Broadcast(_eps); k[7] = TS.Broadcast(_lr); k[8] = TS.Broadcast(_wd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TS, TV>(ref TV p, TV g, ref TV m, ref TV v, in VectorConstants<TV> k) where TS : struct, ISimd<TV> where TV : struct
    {
        m = TS.MulAdd(k[0], m, TS.Mul(k[1], g));
        v = TS.MulAdd(k[2], v, TS.Mul(TS.Mul(k[3], g), g));
        TV step = TS.MulAdd(k[8], p, TS.Div(TS.Mul(m, k[4]), TS.Add(TS.Sqrt(TS.Mul(v, k[5])), k[6])));
        p = TS.Sub(p, TS.Mul(k[7], step));
    }
}
