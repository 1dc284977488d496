using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

/// <summary>Generators for the classic long-memory benchmark tasks.</summary>
internal static class LearningTasks
{
    /// <summary>
    /// Delayed recall: one of <paramref name="symbols"/> one-hot symbols at step 0, then <paramref name="delay"/> blank steps,
    /// then a recall cue (channel <paramref name="symbols"/>) at the last step. Input [N, delay + 2, symbols + 1];
    /// target: the symbol's one-hot vector [N, symbols] (read by a last-step head).
    /// </summary>
    public static SequenceDataset DelayedRecall(int count, int delay, int symbols, int seed)
    {
        var r = new Random(seed);
        int T = delay + 2, I = symbols + 1;
        var x = new float[count * T * I];
        var y = new float[count * symbols];
        for (int n = 0; n < count; n++)
        {
            int s = r.Next(symbols);
            x[(n * T) * I + s] = 1f;
            x[(n * T + T - 1) * I + symbols] = 1f;
            y[n * symbols + s] = 1f;
        }
        return new SequenceDataset(x, count, T, I, y, symbols);
    }

    /// <summary>Fraction of sequences whose largest head output is the target symbol.</summary>
    public static double RecallAccuracy(RecurrentNetwork net, SequenceDataset data) =>
        ArgmaxAccuracy(net.Forward(data.Inputs, data.Count, data.Steps).Values, data);

    /// <summary>Fraction of sequences whose largest output (y is [count, K], one row per sequence) is the one-hot target.</summary>
    public static double ArgmaxAccuracy(ReadOnlySpan<float> y, SequenceDataset data)
    {
        int K = data.TargetSize, hits = 0;
        for (int n = 0; n < data.Count; n++)
        {
            int best = 0;
            for (int k = 1; k < K; k++) if (y[n * K + k] > y[n * K + best]) best = k;
            if (data.Targets[n * K + best] == 1f) hits++;
        }
        return (double)hits / data.Count;
    }

    /// <summary>
    /// Adding problem (Hochreiter and Schmidhuber 1997): channel 0 holds U(0, 1) values, channel 1 marks one position in
    /// the first half and one in the second half; the target is the sum of the two marked values (mean 1, variance 1/6).
    /// </summary>
    public static SequenceDataset Adding(int count, int steps, int seed)
    {
        var r = new Random(seed);
        var x = new float[count * steps * 2];
        var y = new float[count];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < steps; t++) x[(n * steps + t) * 2] = r.NextSingle();
            int a = r.Next(steps / 2), b = steps / 2 + r.Next(steps / 2);
            x[(n * steps + a) * 2 + 1] = 1f;
            x[(n * steps + b) * 2 + 1] = 1f;
            y[n] = x[(n * steps + a) * 2] + x[(n * steps + b) * 2];
        }
        return new SequenceDataset(x, count, steps, 2, y, 1);
    }
}
