namespace MlNetLstm.Kernels;

/// <summary>
/// Fused Adam / AdamW parameter update (Kingma and Ba 2015; Loshchilov and Hutter 2019).
/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + lr * decoupledDecay * p.
/// </summary>
public static partial class Adam
{
    /// <summary>One Adam(W) step over a parameter block.</summary>
    /// <param name="parameters">Parameters, updated in place.</param>
    /// <param name="gradients">Gradients (L2 weight decay, if any, already added by the caller).</param>
    /// <param name="m">First-moment state, updated in place.</param>
    /// <param name="v">Second-moment state, updated in place.</param>
    /// <param name="learningRate">Step size lr.</param>
    /// <param name="beta1">First-moment decay b1.</param>
    /// <param name="beta2">Second-moment decay b2.</param>
    /// <param name="epsilon">Denominator guard eps.</param>
    /// <param name="biasCorrection1">1 - b1^t.</param>
    /// <param name="biasCorrection2">1 - b2^t.</param>
    /// <param name="decoupledWeightDecay">AdamW decay (0 for plain Adam).</param>
    public static void Step(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v,
        float learningRate, float beta1, float beta2, float epsilon, float biasCorrection1, float biasCorrection2,
        float decoupledWeightDecay)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            m[i] = mi; v[i] = vi;
            float p = parameters[i];
            parameters[i] = p - learningRate * ((mi / biasCorrection1) / (MathF.Sqrt(vi / biasCorrection2) + epsilon) + decoupledWeightDecay * p);
        }
    }
}
