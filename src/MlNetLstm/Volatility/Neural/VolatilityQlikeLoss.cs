using MlNetLstm.Training;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// The training loss of <see cref="LstmVolatilityModel"/> on its variance head, plugged into the shared training loop. For each
/// scored pair (step t ≥ BurnIn of a chunk, horizon k whose target u²_{t+k} is in the series):
/// <c>log h̃ = log a_{t+k|t} + B tanh(y_{t,k} / B)</c>, the QLIKE term <c>log h̃ + u²_{t+k} / h̃</c>, and
/// <c>dL/dy_{t,k} = c (1 - u²_{t+k} / h̃) (1 - tanh²(y_{t,k} / B)) / N</c> with c = 1 (QLIKE) or 0.5 (Gaussian NLL) and N the
/// scored pairs of the mini-batch. A mini-batch reports <see cref="LstmVolatilityModel.ReportedLoss"/> of its mean QLIKE term
/// with weight 1, so an epoch's loss is the mean over its mini-batches.
/// </summary>
internal sealed class VolatilityQlikeLoss(LstmVolatilityOptions options, VolatilityFeatures features) : ISequenceLoss
{
    private readonly double _c = options.LossFunction == Loss.GaussianNll ? 0.5 : 1.0;

    private static VolatilityChunks Chunks(ISequenceBatchSource source) => source as VolatilityChunks
        ?? throw new ArgumentException($"The volatility loss reads its targets from the model's chunks; this source is a {source.GetType().Name}.", nameof(source));

    public long Count(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps)
    {
        VolatilityChunks chunks = Chunks(source);
        int K = features.Horizons;
        long count = 0;
        foreach (int sample in samples)
        {
            int start = chunks.Start(sample);
            for (int t = options.BurnIn; t < steps; t++)
                for (int k = 0; k < K; k++)
                    if (!double.IsNaN(features.Target[(start + t) * K + k])) count++;
        }
        return count;
    }

    public double Sum(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps, ReadOnlySpan<float> outputs, Span<float> outputGradient, long count)
    {
        VolatilityChunks chunks = Chunks(source);
        int T = steps, K = features.Horizons, B = samples.Length;
        float bound = options.CorrectionBound;
        bool grad = !outputGradient.IsEmpty;
        if (grad) outputGradient[..(T * B * K)].Clear(); // burn-in steps and horizons beyond the series are not scored
        double scored = count;
        double loss = 0;
        for (int b = 0; b < B; b++)
        {
            int start = chunks.Start(samples[b]);
            for (int t = options.BurnIn; t < T; t++)
            {
                int idx = start + t;
                for (int k = 0; k < K; k++)
                {
                    double target = features.Target[idx * K + k];
                    if (double.IsNaN(target)) continue; // u²_{t+k} is beyond the series: not scored
                    int at = (t * B + b) * K + k;       // the workspace's time-major output layout
                    double th = Math.Tanh(outputs[at] / bound);
                    double logH = features.LogBaseline[idx * K + k] + bound * th;
                    double ratio = target * Math.Exp(-logH);
                    loss += logH + ratio;
                    if (grad) outputGradient[at] = (float)(_c * (1 - ratio) * (1 - th * th) / scored);
                }
            }
        }
        return loss;
    }

    public (double Value, double Weight) Report(double sum, long count) => (LstmVolatilityModel.ReportedLoss(sum / count, features, options), 1);
}
