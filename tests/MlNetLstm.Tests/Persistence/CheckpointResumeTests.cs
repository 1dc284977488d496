using MlNetLstm.Kernels;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Shows that a <see cref="TrainingCheckpoint"/> holds everything a deterministic Adam training loop needs to resume
/// bit-identically: a reference loop with the trainer's semantics (per-epoch Fisher-Yates shuffle from one seeded Random,
/// mini-batches, MSE, global-norm clipping, Adam with bias correction, per-epoch schedule, validation, best weights) is
/// interrupted after a checkpoint, all in-memory state is dropped, and the run resumed from the file ends with exactly the
/// weights, moments, best weights and loss history of the uninterrupted run. RecurrentTrainer itself is wired the same way
/// (see the persistence report): this test is the specification of that wiring.
/// </summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetlstm-resume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SequenceDataset Data(int count, int seed)
    {
        float[] x = PersistenceFixtures.Random(count * 6 * 2, seed);
        var y = new float[count];
        for (int n = 0; n < count; n++) y[n] = x[n * 12 + 10] - 0.5f * x[n * 12 + 3];
        return new SequenceDataset(x, count, 6, 2, y, 1);
    }

    private sealed class State
    {
        public required float[] P, M, V, Best;
        public long Step;
        public int Epoch, BestEpoch = -1, Since;
        public double BestLoss = double.PositiveInfinity;
        public List<double> TrainLoss = new(), ValLoss = new();
        public List<float> Rates = new();
        public required int[] Order;
        public required Random Rng;
    }

    /// <summary>Runs epochs [state.Epoch, stopAfter) saving a checkpoint after each; returns the state.</summary>
    private static State Run(RecurrentNetworkSpec spec, TrainingOptions o, SequenceDataset train, SequenceDataset valid, State s, int stopAfter, string path)
    {
        int P = s.P.Length, count = train.Count, T = train.Steps, I = train.InputSize;
        var g = new float[P];
        for (int epoch = s.Epoch; epoch < stopAfter; epoch++)
        {
            float lr = LearningRateSchedules.At(o, epoch);
            for (int i = s.Order.Length - 1; i > 0; i--) { int j = s.Rng.Next(i + 1); (s.Order[i], s.Order[j]) = (s.Order[j], s.Order[i]); }
            double sum = 0;
            for (int start = 0; start < count; start += o.BatchSize)
            {
                int b = Math.Min(o.BatchSize, count - start);
                var x = new float[b * T * I];
                var y = new float[b];
                for (int k = 0; k < b; k++)
                {
                    int n = s.Order[start + k];
                    train.Inputs.Slice(n * T * I, T * I).CopyTo(x.AsSpan(k * T * I));
                    y[k] = train.Targets[n];
                }
                RecurrentNetwork net = RecurrentNetwork.FromParameters(spec, s.P);
                RecurrentGradients grads = net.ComputeGradients(x, b, T, (out_, dy) =>
                {
                    double l = 0;
                    for (int k = 0; k < b; k++) { double d = out_[k] - y[k]; l += d * d; dy[k] = (float)(2 * d / b); }
                    return l / b;
                });
                grads.Parameters.CopyTo(g);
                sum += grads.Loss * b;
                double norm = Math.Sqrt(VectorOps.SumOfSquares(g));
                if (norm > o.GradientClipNorm) VectorOps.Scale((float)(o.GradientClipNorm / norm), g);
                s.Step++;
                Adam.Step(s.P, g, s.M, s.V, lr, o.Beta1, o.Beta2, o.Epsilon, (float)(1 - Math.Pow(o.Beta1, s.Step)), (float)(1 - Math.Pow(o.Beta2, s.Step)), 0f);
            }
            s.Rates.Add(lr);
            s.TrainLoss.Add(sum / count);
            RecurrentOutput yv = RecurrentNetwork.FromParameters(spec, s.P).Forward(valid.Inputs, valid.Count, T);
            double vl = 0;
            for (int k = 0; k < valid.Count; k++) vl += Math.Pow(yv.Values[k] - valid.Targets[k], 2);
            vl /= valid.Count;
            s.ValLoss.Add(vl);
            if (vl < s.BestLoss) { s.BestLoss = vl; s.BestEpoch = epoch; s.Since = 0; s.P.CopyTo(s.Best, 0); }
            else s.Since++;
            s.Epoch = epoch + 1;
            new TrainingCheckpoint
            {
                Network = RecurrentNetwork.FromParameters(spec, s.P), AdamFirstMoment = s.M, AdamSecondMoment = s.V, OptimizerSteps = s.Step,
                CompletedEpochs = s.Epoch, Seed = o.Seed, ShuffleOrder = s.Order, BestParameters = s.Best, BestLoss = s.BestLoss,
                BestEpoch = s.BestEpoch, EpochsSinceBest = s.Since, TrainingLoss = s.TrainLoss.ToArray(), ValidationLoss = s.ValLoss.ToArray(),
                LearningRates = s.Rates.ToArray(), OptionsFingerprintText = TrainingCheckpoint.OptionsFingerprint(o),
                DataFingerprintValue = TrainingCheckpoint.DataFingerprint(train, valid),
            }.Save(path);
        }
        return s;
    }

    private static State Fresh(RecurrentNetwork initial, TrainingOptions o, int count)
    {
        int P = initial.ParameterCount;
        return new State
        {
            P = initial.Parameters.ToArray(), M = new float[P], V = new float[P], Best = initial.Parameters.ToArray(),
            Order = Enumerable.Range(0, count).ToArray(), Rng = new Random(o.Seed),
        };
    }

    private static State Resume(TrainingCheckpoint c, TrainingOptions o, SequenceDataset train, SequenceDataset valid)
    {
        Random rng = c.PrepareResume(o, train, valid, out int[] order);
        return new State
        {
            P = c.Network.Parameters.ToArray(), M = c.AdamFirstMoment.ToArray(), V = c.AdamSecondMoment.ToArray(), Best = c.BestParameters.ToArray(),
            Step = c.OptimizerSteps, Epoch = c.CompletedEpochs, BestEpoch = c.BestEpoch, Since = c.EpochsSinceBest, BestLoss = c.BestLoss,
            TrainLoss = c.TrainingLoss.ToArray().ToList(), ValLoss = c.ValidationLoss.ToArray().ToList(), Rates = c.LearningRates.ToArray().ToList(),
            Order = order, Rng = rng,
        };
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_file_is_bit_identical_to_the_uninterrupted_run()
    {
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 5, OutputSize = 1 };
        var o = new TrainingOptions { Epochs = 6, BatchSize = 7, LearningRate = 0.02f, Seed = 11, Schedule = LearningRateSchedule.Cosine, MinLearningRate = 1e-3f };
        SequenceDataset train = Data(30, 1), valid = Data(8, 2);
        RecurrentNetwork initial = RecurrentNetwork.Create(spec, 3);

        State full = Run(spec, o, train, valid, Fresh(initial, o, train.Count), o.Epochs, Path.Combine(_dir, "full.ckpt"));

        string path = Path.Combine(_dir, "interrupted.ckpt");
        Run(spec, o, train, valid, Fresh(initial, o, train.Count), 4, path); // "crash" after epoch 4: only the file survives
        State resumed = Run(spec, o, train, valid, Resume(TrainingCheckpoint.Load(path), o, train, valid), o.Epochs, path);

        static int[] Bits(float[] v) => v.Select(BitConverter.SingleToInt32Bits).ToArray();
        Bits(resumed.P).Should().Equal(Bits(full.P));
        Bits(resumed.M).Should().Equal(Bits(full.M));
        Bits(resumed.V).Should().Equal(Bits(full.V));
        Bits(resumed.Best).Should().Equal(Bits(full.Best));
        resumed.TrainLoss.Should().Equal(full.TrainLoss);
        resumed.ValLoss.Should().Equal(full.ValLoss);
        resumed.Rates.Should().Equal(full.Rates);
        resumed.Step.Should().Be(full.Step);
        resumed.BestEpoch.Should().Be(full.BestEpoch);
        TrainingCheckpoint.Load(path).ShuffleOrder.ToArray().Should().Equal(full.Order);
    }
}
