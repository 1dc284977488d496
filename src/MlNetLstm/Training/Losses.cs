namespace MlNetLstm.Training;

/// <summary>Loss values and their output gradients (see <see cref="LossKind"/> for the formulas).</summary>
public static class Losses
{
    private const double HalfLog2Pi = 0.91893853320467274;

    /// <summary>Network outputs per row for K targets: K for MSE and cross-entropy, 2K for Gaussian NLL.</summary>
    /// <param name="kind">Loss.</param>
    /// <param name="targetSize">K.</param>
    public static int OutputSizeFor(LossKind kind, int targetSize) => kind == LossKind.GaussianNll ? 2 * targetSize : targetSize;

    /// <summary>
    /// Sum over <paramref name="rows"/> rows of the per-element loss (per-row for cross-entropy; not divided by N), and writes dL/dy = scale * d(sum)/dy
    /// into <paramref name="outputGradient"/> when it is not empty.
    /// </summary>
    /// <param name="kind">Loss.</param>
    /// <param name="outputs">[rows, K] (MSE, cross-entropy logits) or [rows, 2K] (NLL: means then log-variances).</param>
    /// <param name="targets">[rows, K].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="targetSize">K.</param>
    /// <param name="scale">Multiplier of the gradient, usually 1/N.</param>
    /// <param name="outputGradient">[rows, outputs per row] or empty.</param>
    public static double Sum(LossKind kind, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int targetSize, float scale, Span<float> outputGradient)
    {
        int K = targetSize, W = OutputSizeFor(kind, K);
        bool grad = !outputGradient.IsEmpty;
        double sum = 0;
        if (kind == LossKind.SoftmaxCrossEntropy)
        {
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> y = outputs.Slice(r * K, K), t = targets.Slice(r * K, K);
                float max = float.NegativeInfinity;
                for (int k = 0; k < K; k++) max = MathF.Max(max, y[k]);
                double z = 0;
                for (int k = 0; k < K; k++) z += Math.Exp(y[k] - max);
                double logZ = Math.Log(z) + max;
                double tSum = 0;
                for (int k = 0; k < K; k++) tSum += t[k];
                for (int k = 0; k < K; k++)
                {
                    double logP = y[k] - logZ;
                    sum -= t[k] * logP;
                    // d/dy_k of -Σ_q t_q log p_q = p_k Σ_q t_q - t_k (= p_k - t_k for probability targets).
                    if (grad) outputGradient[r * K + k] = scale * (float)(Math.Exp(logP) * tSum - t[k]);
                }
            }
            return sum;
        }
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < K; k++)
            {
                float t = targets[r * K + k];
                if (kind == LossKind.MeanSquaredError)
                {
                    float e = outputs[r * W + k] - t;
                    sum += (double)e * e;
                    if (grad) outputGradient[r * W + k] = scale * 2f * e;
                }
                else
                {
                    float mu = outputs[r * W + k], s = outputs[r * W + K + k];
                    float e = t - mu;
                    float inv = MathF.Exp(-s);
                    sum += 0.5 * (s + (double)e * e * inv) + HalfLog2Pi;
                    if (grad)
                    {
                        outputGradient[r * W + k] = -scale * e * inv;
                        outputGradient[r * W + K + k] = scale * 0.5f * (1f - e * e * inv);
                    }
                }
            }
        }
        return sum;
    }
}
