using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

public class CheckpointTrainingTests
{
    private static SequenceDataset Data(int count, int seed)
    {
        var rng = new Random(seed);
        int T = 12;
        var x = new float[count * T];
        var y = new float[count];
        for (int n = 0; n < count; n++)
        {
            float sum = 0;
            for (int t = 0; t < T; t++) { x[n * T + t] = (float)(rng.NextDouble() - 0.5); sum += x[n * T + t]; }
            y[n] = sum;
        }
        return new SequenceDataset(x, count, T, 1, y, 1);
    }

    private static readonly RecurrentNetworkSpec Spec = new() { InputSize = 1, HiddenSize = 6, OutputSize = 1 };

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 7, BatchSize = 16, LearningRate = 0.02f, Seed = 3, ValidationFraction = 0.25, Patience = 10,
        Schedule = LearningRateSchedule.Cosine, MinLearningRate = 1e-3f, Optimizer = OptimizerKind.AdamW, WeightDecay = 1e-4f,
    };

    [Fact]
    public void Training_in_checkpointed_slices_ends_bit_identical_to_an_uninterrupted_run()
    {
        SequenceDataset data = Data(96, 1);
        RecurrentNetwork initial = RecurrentNetwork.Create(Spec, 5);
        TrainingResult whole = RecurrentTrainer.Train(initial, data, Options);

        string path = Path.Combine(Directory.CreateTempSubdirectory("mlnetlstm-ckpt-").FullName, "run.ckpt");
        try
        {
            TrainingResult part;
            int calls = 0;
            do
            {
                // Alternate thread counts between slices: neither the slicing nor the threads may change the result.
                part = RecurrentTrainer.Train(initial, data, Options with { Threads = 1 + calls % 2 }, checkpoint: new TrainingCheckpointOptions { Path = path, MaxEpochsThisRun = 2 });
                calls++;
            }
            while (part.Report.StopReason == StopReason.Paused && calls < 10);

            calls.Should().Be(4, "7 epochs in slices of 2");
            part.Report.StopReason.Should().Be(whole.Report.StopReason);
            part.Network.Parameters.ToArray().Should().Equal(whole.Network.Parameters.ToArray());
            part.Report.TrainingLoss.Should().Equal(whole.Report.TrainingLoss);
            part.Report.ValidationLoss.Should().Equal(whole.Report.ValidationLoss);
            part.Report.BestEpoch.Should().Be(whole.Report.BestEpoch);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused_with_the_reason()
    {
        SequenceDataset data = Data(64, 2);
        RecurrentNetwork initial = RecurrentNetwork.Create(Spec, 5);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlnetlstm-ckpt-").FullName, "run.ckpt");
        try
        {
            RecurrentTrainer.Train(initial, data, Options, checkpoint: new TrainingCheckpointOptions { Path = path, MaxEpochsThisRun = 1 })
                .Report.StopReason.Should().Be(StopReason.Paused);
            Action otherOptions = () => RecurrentTrainer.Train(initial, data, Options with { LearningRate = 0.05f }, checkpoint: new TrainingCheckpointOptions { Path = path });
            otherOptions.Should().Throw<InvalidOperationException>().WithMessage("*other training options*");
            Action otherData = () => RecurrentTrainer.Train(initial, Data(64, 3), Options, checkpoint: new TrainingCheckpointOptions { Path = path });
            otherData.Should().Throw<InvalidOperationException>().WithMessage("*other training or validation data*");
            Action otherNet = () => RecurrentTrainer.Train(RecurrentNetwork.Create(Spec with { HiddenSize = 7 }, 5), data, Options, checkpoint: new TrainingCheckpointOptions { Path = path });
            otherNet.Should().Throw<InvalidOperationException>().WithMessage("*another network architecture*");
            // Resume = false starts over and overwrites the checkpoint.
            RecurrentTrainer.Train(initial, data, Options, checkpoint: new TrainingCheckpointOptions { Path = path, Resume = false })
                .Report.EpochsRun.Should().Be(Options.Epochs);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
