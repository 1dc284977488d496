// Fused Adam/AdamW step. Suffixes: Scalar (oracle) | Vector128 / Vector256 (portable) | Avx2 (explicit Avx/Fma via
// Avx2Simd) | Avx512 (explicit Avx512F via Avx512Simd). Layout: four parallel contiguous spans (p, g, m, v); one
// pass, every element read once and written once; tail through stack staging (same arithmetic as full vectors).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        var h = new Hyper(learningRate, beta1, beta2, epsilon, biasCorrection1, biasCorrection2, decoupledWeightDecay);
        switch (KernelDispatch.Active)
        {
            case IsaLevel.Avx512: StepCore<Avx512Simd, Vector512<float>>(parameters, gradients, m, v, h); break;
            case IsaLevel.Avx2Fma: StepCore<Avx2Simd, Vector256<float>>(parameters, gradients, m, v, h); break;
            case IsaLevel.Vector256: StepCore<V256Simd, Vector256<float>>(parameters, gradients, m, v, h); break;
            case IsaLevel.Vector128: StepCore<V128Simd, Vector128<float>>(parameters, gradients, m, v, h); break;
            default: StepScalar(parameters, gradients, m, v, h); break;
        }
    }

    internal readonly record struct Hyper(float LearningRate, float Beta1, float Beta2, float Epsilon, float BiasCorrection1,
        float BiasCorrection2, float DecoupledWeightDecay);

    internal static void StepScalar(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, Hyper h)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            float mi = h.Beta1 * m[i] + (1f - h.Beta1) * g;
            float vi = h.Beta2 * v[i] + (1f - h.Beta2) * g * g;
            m[i] = mi; v[i] = vi;
            float p = parameters[i];
            parameters[i] = p - h.LearningRate * ((mi / h.BiasCorrection1) / (MathF.Sqrt(vi / h.BiasCorrection2) + h.Epsilon) + h.DecoupledWeightDecay * p);
        }
    }

    internal static void StepVector128(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Hyper h) => StepCore<V128Simd, Vector128<float>>(p, g, m, v, h);
    internal static void StepVector256(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Hyper h) => StepCore<V256Simd, Vector256<float>>(p, g, m, v, h);
    internal static void StepAvx2(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Hyper h) => StepCore<Avx2Simd, Vector256<float>>(p, g, m, v, h);
    internal static void StepAvx512(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Hyper h) => StepCore<Avx512Simd, Vector512<float>>(p, g, m, v, h);

    private readonly struct Consts<TV> where TV : struct
    {
        public readonly TV B1, OneMinusB1, B2, OneMinusB2, InvBc1, InvBc2, Eps, Lr, Wd;

        public Consts(TV b1, TV omb1, TV b2, TV omb2, TV ibc1, TV ibc2, TV eps, TV lr, TV wd)
        {
            B1 = b1; OneMinusB1 = omb1; B2 = b2; OneMinusB2 = omb2; InvBc1 = ibc1; InvBc2 = ibc2; Eps = eps; Lr = lr; Wd = wd;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vec<TS, TV>(ref float pr, ref float gr, ref float mr, ref float vr, in Consts<TV> k) where TS : struct, ISimd<TV> where TV : struct
    {
        TV g = TS.Load(ref gr);
        TV mi = TS.MulAdd(k.B1, TS.Load(ref mr), TS.Mul(k.OneMinusB1, g));
        TV vi = TS.MulAdd(k.B2, TS.Load(ref vr), TS.Mul(TS.Mul(k.OneMinusB2, g), g));
        TV p = TS.Load(ref pr);
        TV step = TS.MulAdd(k.Wd, p, TS.Div(TS.Mul(mi, k.InvBc1), TS.Add(TS.Sqrt(TS.Mul(vi, k.InvBc2)), k.Eps)));
        TS.Store(mi, ref mr);
        TS.Store(vi, ref vr);
        TS.Store(TS.Sub(p, TS.Mul(k.Lr, step)), ref pr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StepCore<TS, TV>(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, Hyper h)
        where TS : struct, ISimd<TV> where TV : struct
    {
        var k = new Consts<TV>(TS.Broadcast(h.Beta1), TS.Broadcast(1f - h.Beta1), TS.Broadcast(h.Beta2), TS.Broadcast(1f - h.Beta2),
            TS.Broadcast(1f / h.BiasCorrection1), TS.Broadcast(1f / h.BiasCorrection2), TS.Broadcast(h.Epsilon),
            TS.Broadcast(h.LearningRate), TS.Broadcast(h.DecoupledWeightDecay));
        int w = TS.Count, n = parameters.Length, i = 0;
        ref float pr = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        for (; i <= n - w; i += w)
            Vec<TS, TV>(ref Unsafe.Add(ref pr, i), ref Unsafe.Add(ref gr, i), ref Unsafe.Add(ref mr, i), ref Unsafe.Add(ref vr, i), in k);
        int t = n - i;
        if (t > 0)
        {
            Staging16x11 st = default;
            Span<float> s = st;
            parameters.Slice(i, t).CopyTo(s);
            gradients.Slice(i, t).CopyTo(s.Slice(16));
            m.Slice(i, t).CopyTo(s.Slice(32));
            v.Slice(i, t).CopyTo(s.Slice(48));
            Vec<TS, TV>(ref s[0], ref s[16], ref s[32], ref s[48], in k);
            s.Slice(0, t).CopyTo(parameters.Slice(i));
            s.Slice(32, t).CopyTo(m.Slice(i));
            s.Slice(48, t).CopyTo(v.Slice(i));
        }
    }
}
