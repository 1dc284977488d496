using MlNetLstm.Models;
using MlNetLstm.Models.Attention;
using MlNetLstm.Persistence;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// The multi-task loss of <see cref="TrainingOptions.AuxiliaryOutputs"/>: cross-entropy over the first K - A values of a
/// row plus w · (1/A) Σ (y_a - t_a)² over the last A. Its value against a direct computation, its gradient against central
/// differences, training with it (the auxiliary head learns, the class task still trains, same seed same weights), the
/// option checks, and that checkpoints of runs without it keep their fingerprint.
/// </summary>
public class AuxiliaryLossTests
{
    private const int Rows = 3, C = 4, A = 2, K = C + A;

    private static (float[] Y, float[] T) Sample()
    {
        var rng = new Random(1);
        float[] y = [.. Enumerable.Range(0, Rows * K).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
        var t = new float[Rows * K];
        for (int r = 0; r < Rows; r++)
        {
            t[r * K + r % C] = 1;                                      // one-hot class
            t[r * K + C] = (float)rng.NextDouble(); t[r * K + C + 1] = (float)(rng.NextDouble() - 2);
        }
        return (y, t);
    }

    [Fact]
    public void Value_is_cross_entropy_over_the_classes_plus_weighted_mean_squared_error()
    {
        var (y, t) = Sample();
        const float w = 0.7f;
        double expected = 0;
        for (int r = 0; r < Rows; r++)
        {
            double logZ = Math.Log(Enumerable.Range(0, C).Sum(k => Math.Exp(y[r * K + k])));
            expected -= y[r * K + r % C] - logZ;
            for (int a = C; a < K; a++) expected += w / A * Math.Pow(y[r * K + a] - t[r * K + a], 2);
        }
        Losses.Sum(Loss.SoftmaxCrossEntropy, y, t, Rows, K, 1, default, A, w).Should().BeApproximately(expected, 1e-5);
        // The class part alone equals the plain cross-entropy on the class columns.
        float[] yc = [.. Enumerable.Range(0, Rows * C).Select(i => y[i / C * K + i % C])], tc = [.. Enumerable.Range(0, Rows * C).Select(i => t[i / C * K + i % C])];
        Losses.Sum(Loss.SoftmaxCrossEntropy, y, t, Rows, K, 1, default, A, 0).Should().BeApproximately(Losses.Sum(Loss.SoftmaxCrossEntropy, yc, tc, Rows, C, 1, default), 1e-9);
    }

    [Fact]
    public void Gradient_matches_central_differences()
    {
        var (y, t) = Sample();
        const float w = 1.3f, scale = 0.25f;
        var g = new float[y.Length];
        Losses.Sum(Loss.SoftmaxCrossEntropy, y, t, Rows, K, scale, g, A, w);
        for (int i = 0; i < y.Length; i++)
        {
            const float h = 1e-2f;
            float[] up = (float[])y.Clone(), down = (float[])y.Clone();
            up[i] += h; down[i] -= h;
            double fd = scale * (Losses.Sum(Loss.SoftmaxCrossEntropy, up, t, Rows, K, 1, default, A, w) - Losses.Sum(Loss.SoftmaxCrossEntropy, down, t, Rows, K, 1, default, A, w)) / (2 * h);
            g[i].Should().BeApproximately((float)fd, 2e-4f, $"element {i}");
        }
    }

    // Per-step task: classify the current symbol (3 classes, trivially from the input) and, as the auxiliary target, the
    // running count of symbol 0 so far divided by 10 (needs memory).
    private static SequenceDataset Counting(int n, int seed)
    {
        const int T = 12;
        var rng = new Random(seed);
        var x = new float[n * T * 3]; var y = new float[n * T * 4];
        for (int b = 0; b < n; b++)
        {
            int count = 0;
            for (int s = 0; s < T; s++)
            {
                int k = rng.Next(3), i = b * T + s;
                if (k == 0) count++;
                x[i * 3 + k] = 1; y[i * 4 + k] = 1; y[i * 4 + 3] = count / 10f;
            }
        }
        return new SequenceDataset(x, n, T, 3, y, 4, targetsPerStep: true);
    }

    private static double AuxiliaryMse(RecurrentNetwork net, SequenceDataset data)
    {
        float[] o = net.Forward(data.Inputs, data.Count, data.Steps).Values.ToArray();
        return Enumerable.Range(0, data.Count * data.Steps).Average(i => Math.Pow(o[i * 4 + 3] - data.Targets[i * 4 + 3], 2));
    }

    [Fact]
    public void Training_with_the_auxiliary_loss_learns_the_auxiliary_target_and_is_deterministic()
    {
        var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 3, HiddenSize = 8, OutputSize = 4, HeadMode = HeadMode.EveryStep };
        var data = Counting(200, 2); var test = Counting(100, 3);
        var o = new TrainingOptions { Epochs = 15, LearningRate = 1e-2f, LossFunction = Loss.SoftmaxCrossEntropy, AuxiliaryOutputs = 1, Seed = 4 };
        var with = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, 5), data, o with { AuxiliaryWeight = 10 });
        var without = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, 5), data, o with { AuxiliaryWeight = 0 });
        double mseWith = AuxiliaryMse(with.Network, test), mseWithout = AuxiliaryMse(without.Network, test);
        mseWith.Should().BeLessThan(0.005);                           // the running count (values 0..1.2) is learned
        mseWithout.Should().BeGreaterThan(10 * mseWith);               // weight 0: the auxiliary output is never trained
        // The class task trains in both (the auxiliary column is not a logit): current symbol right on every step.
        float[] logits = with.Network.Forward(test.Inputs, test.Count, test.Steps).Values.ToArray();
        Enumerable.Range(0, test.Count * test.Steps).Average(i => Enumerable.Range(0, 3).MaxBy(k => logits[i * 4 + k]) == Enumerable.Range(0, 3).First(k => test.Targets[i * 4 + k] == 1) ? 1.0 : 0)
            .Should().Be(1);
        RecurrentTrainer.Train(RecurrentNetwork.Create(spec, 5), data, o with { AuxiliaryWeight = 10, Threads = 1 }).Network.Parameters.ToArray()
            .Should().Equal(with.Network.Parameters.ToArray());
    }

    [Fact]
    public void Options_are_checked_and_old_fingerprints_are_kept()
    {
        var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 3, HiddenSize = 4, OutputSize = 4, HeadMode = HeadMode.EveryStep };
        var data = Counting(10, 1);
        var net = RecurrentNetwork.Create(spec, 1);
        FluentActions.Invoking(() => RecurrentTrainer.Train(net, data, new TrainingOptions { AuxiliaryOutputs = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AuxiliaryOutputs").WithMessage("*SoftmaxCrossEntropy*");
        FluentActions.Invoking(() => RecurrentTrainer.Train(net, data, new TrainingOptions { LossFunction = Loss.SoftmaxCrossEntropy, AuxiliaryOutputs = 3 }))
            .Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*fewer than 2 of the 4 targets*");
        FluentActions.Invoking(() => new TrainingOptions { AuxiliaryOutputs = -1 }.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AuxiliaryOutputs");
        FluentActions.Invoking(() => new TrainingOptions { AuxiliaryWeight = float.NaN }.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AuxiliaryWeight");
        FluentActions.Invoking(() => Losses.Sum(Loss.MeanSquaredError, new float[4], new float[4], 1, 4, 1, default, 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("auxiliaryOutputs");
        var attention = LocalWindowAttention.Create(new LocalWindowAttentionSpec { InputSize = 3, ModelSize = 4, WindowSize = 2, OutputSize = 4 }, 1);
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(attention, Counting(10, 1), new TrainingOptions { LossFunction = Loss.SoftmaxCrossEntropy, AuxiliaryOutputs = 1 }))
            .Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*AuxiliaryOutputs*");
        // Runs without the auxiliary loss (or the input-gate penalty) fingerprint as before these options existed.
        string plain = TrainingCheckpoint.OptionsFingerprint(new TrainingOptions());
        plain.Should().NotContain("Auxiliary").And.NotContain("InputGatePenalty").And.EndWith("Shuffle = True }");
        TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { InputGatePenalty = 0.1f }).Should().EndWith("InputGatePenalty = 0.1 }");
        TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { LossFunction = Loss.SoftmaxCrossEntropy, AuxiliaryOutputs = 2 }).Should().EndWith("AuxiliaryOutputs = 2 }");
        TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { AuxiliaryWeight = 2 }).Should().EndWith("AuxiliaryWeight = 2 }");
    }
}
