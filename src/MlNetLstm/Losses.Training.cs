namespace MlNetLstm;

// The network-training half of Losses: loss values and their output gradients dL/dy (formulas on Loss).
public static partial class Losses
{
    private const double HalfLog2Pi = 0.91893853320467274;

    /// <summary>Network outputs per row for K targets: K for MSE and cross-entropy, 2K for Gaussian NLL.</summary>
    /// <param name="kind">Loss.</param>
    /// <param name="targetSize">K.</param>
    public static int OutputSizeFor(Loss kind, int targetSize) => kind == Loss.GaussianNll ? 2 * targetSize : targetSize;

    /// <summary>Throws unless <paramref name="kind"/> is a network-training loss (MeanSquaredError, GaussianNll, SoftmaxCrossEntropy).</summary>
    internal static void CheckTraining(Loss kind, string paramName)
    {
        if (kind is not (Loss.MeanSquaredError or Loss.GaussianNll or Loss.SoftmaxCrossEntropy))
            throw new ArgumentOutOfRangeException(paramName, kind, $"{kind} is not a network-training loss (MeanSquaredError, GaussianNll or SoftmaxCrossEntropy).");
    }

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
    /// <param name="auxiliaryOutputs">
    /// Cross-entropy only: the last A of the K values per row are auxiliary regression outputs (multi-task loss, see
    /// <see cref="Training.TrainingOptions.AuxiliaryOutputs"/>): the row's loss is the cross-entropy over the first K - A logits plus
    /// <paramref name="auxiliaryWeight"/> · (1/A) Σ_a (y_a - t_a)². 0 (default) for none.
    /// </param>
    /// <param name="auxiliaryWeight">Weight w &gt;= 0 of the auxiliary squared error.</param>
    public static double Sum(Loss kind, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int targetSize, float scale, Span<float> outputGradient,
        int auxiliaryOutputs = 0, float auxiliaryWeight = 1f)
    {
        CheckTraining(kind, nameof(kind));
        int K = targetSize, W = OutputSizeFor(kind, K);
        bool grad = !outputGradient.IsEmpty;
        double sum = 0;
        if (auxiliaryOutputs != 0 && (kind != Loss.SoftmaxCrossEntropy || auxiliaryOutputs < 0 || auxiliaryOutputs > K - 2))
            throw new ArgumentOutOfRangeException(nameof(auxiliaryOutputs), auxiliaryOutputs,
                $"auxiliaryOutputs needs the SoftmaxCrossEntropy loss and must leave at least 2 of the {K} values per row as class logits.");
        if (kind == Loss.SoftmaxCrossEntropy)
        {
            int A = auxiliaryOutputs, C = K - A;
            double auxScale = A > 0 ? auxiliaryWeight / (double)A : 0;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> y = outputs.Slice(r * K, C), t = targets.Slice(r * K, C);
                float max = float.NegativeInfinity;
                for (int k = 0; k < C; k++) max = MathF.Max(max, y[k]);
                double z = 0;
                for (int k = 0; k < C; k++) z += Math.Exp(y[k] - max);
                double logZ = Math.Log(z) + max;
                double tSum = 0;
                for (int k = 0; k < C; k++) tSum += t[k];
                for (int k = 0; k < C; k++)
                {
                    double logP = y[k] - logZ;
                    sum -= t[k] * logP;
                    // d/dy_k of -Σ_q t_q log p_q = p_k Σ_q t_q - t_k (= p_k - t_k for probability targets).
                    if (grad) outputGradient[r * K + k] = scale * (float)(Math.Exp(logP) * tSum - t[k]);
                }
                for (int a = C; a < K; a++)
                {
                    double e = outputs[r * K + a] - targets[r * K + a];
                    sum += auxScale * e * e;
                    if (grad) outputGradient[r * K + a] = scale * (float)(2 * auxScale * e);
                }
            }
            return sum;
        }
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < K; k++)
            {
                float t = targets[r * K + k];
                if (kind == Loss.MeanSquaredError)
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
