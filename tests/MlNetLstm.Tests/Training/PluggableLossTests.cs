using MlNetLstm.Models;
using MlNetLstm.Training;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// The training loop's plug points (issue 18): a loss and a batch source written outside the library train a network through
/// <see cref="RecurrentTrainer"/>'s one loop; the volatility options' former names still work.
/// </summary>
public class PluggableLossTests
{
    /// <summary>Mean squared error written here, term for term as the built-in one (so the two must agree bit for bit).</summary>
    private sealed class MyMse : ISequenceLoss
    {
        public int Calls;

        public long Count(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps) => samples.Length;

        public double Sum(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps, ReadOnlySpan<float> outputs, Span<float> outputGradient, long count)
        {
            Interlocked.Increment(ref Calls);
            var data = (SequenceDataset)source;
            float scale = (float)(1.0 / count);
            double sum = 0;
            for (int b = 0; b < samples.Length; b++)
            {
                float e = outputs[b] - data.Targets[samples[b]];
                sum += (double)e * e;
                if (!outputGradient.IsEmpty) outputGradient[b] = scale * 2f * e;
            }
            return sum;
        }
    }

    /// <summary>
    /// Overlapping windows of one series (the way the volatility model feeds its chunks): sample i is steps [i·stride, i·stride + T)
    /// of a sine; the loss asks the last step's output to predict the next value.
    /// </summary>
    private sealed class Windows(float[] series, int count, int steps, int stride) : ISequenceBatchSource
    {
        public float[] Series => series;
        public int Stride => stride;
        public int Count => count;
        public int Steps => steps;
        public int InputSize => 1;
        public int ExtraSize => 0;
        public ReadOnlySpan<float> GetInputs(int sample, int firstStep, int steps) => series.AsSpan(sample * stride + firstStep, steps);
        public ReadOnlySpan<float> GetExtraInputs(int sample, int firstStep, int steps) => default;
    }

    private sealed class NextValueLoss : ISequenceLoss
    {
        public long Count(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps) => samples.Length;

        public double Sum(ISequenceBatchSource source, ReadOnlySpan<int> samples, int firstStep, int steps, ReadOnlySpan<float> outputs, Span<float> outputGradient, long count)
        {
            var w = (Windows)source;
            double sum = 0;
            for (int b = 0; b < samples.Length; b++)
            {
                float e = outputs[b] - w.Series[samples[b] * w.Stride + w.Steps];
                sum += (double)e * e;
                if (!outputGradient.IsEmpty) outputGradient[b] = (float)(2.0 * e / count);
            }
            return sum;
        }
    }

    private static SequenceDataset Data(int count)
    {
        var x = new float[count * 5];
        var y = new float[count];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < 5; t++) x[n * 5 + t] = MathF.Sin(0.5f * (n + t));
            y[n] = MathF.Sin(0.5f * (n + 5));
        }
        return new SequenceDataset(x, count, 5, 1, y, 1);
    }

    [Fact]
    public void A_loss_written_outside_the_library_trains_exactly_like_the_built_in_one()
    {
        var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 1, HiddenSize = 6, OutputSize = 1 }, 2);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 10, ChunkSize = 4, Threads = 2, LearningRate = 0.02f };
        TrainingResult builtIn = RecurrentTrainer.Train(net, Data(40), options, Data(12));
        var mine = new MyMse();
        TrainingResult plugged = RecurrentTrainer.Train(net, Data(40), mine, options, Data(12));
        mine.Calls.Should().BeGreaterThan(5 * 4, "the loop calls the plugged-in loss for every chunk of every mini-batch");
        plugged.Network.Parameters.ToArray().Should().Equal(builtIn.Network.Parameters.ToArray(), "same loss, same loop: bit-identical weights");
        plugged.Report.TrainingLoss.Should().Equal(builtIn.Report.TrainingLoss);
        plugged.Report.ValidationLoss.Should().Equal(builtIn.Report.ValidationLoss);
        plugged.Report.TrainingLoss[^1].Should().BeLessThan(plugged.Report.TrainingLoss[0], "training lowers the loss");
    }

    [Fact]
    public void A_batch_source_written_outside_the_library_trains_a_network()
    {
        var series = Enumerable.Range(0, 400).Select(t => MathF.Sin(0.21f * t) * 0.9f).ToArray();
        var train = new Windows(series, 60, 12, 5);
        var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 1, HiddenSize = 8, OutputSize = 1 }, 4);
        var options = new TrainingOptions { Epochs = 25, BatchSize = 8, LearningRate = 0.02f, Threads = 1 };
        TrainingResult a = RecurrentTrainer.Train(net, train, new NextValueLoss(), options);
        a.Report.StopReason.Should().Be(StopReason.Completed);
        a.Report.OptimizerSteps.Should().Be(25 * 8, "60 windows in mini-batches of 8 are 8 steps per epoch");
        a.Report.TrainingLoss[^1].Should().BeLessThan(0.2 * a.Report.TrainingLoss[0], "the network learns the next value of the sine");
        TrainingResult b = RecurrentTrainer.Train(net, train, new NextValueLoss(), options with { Threads = 2 });
        b.Network.Parameters.ToArray().Should().Equal(a.Network.Parameters.ToArray(), "same seed, same result, whatever the thread count");
    }

    [Fact]
    public void The_batch_source_overload_names_what_it_cannot_do()
    {
        var series = Enumerable.Range(0, 100).Select(t => MathF.Sin(0.3f * t)).ToArray();
        var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 1, HiddenSize = 3, OutputSize = 1 }, 1);
        FluentActions.Invoking(() => RecurrentTrainer.Train(net, new Windows(series, 10, 8, 5), new NextValueLoss(), new TrainingOptions { ValidationFraction = 0.2 }))
            .Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*ValidationFraction = 0.2*pass the validation samples as validation*");
        var wide = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 3, OutputSize = 1 }, 1);
        FluentActions.Invoking(() => RecurrentTrainer.Train(wide, new Windows(series, 10, 8, 5), new NextValueLoss()))
            .Should().Throw<ArgumentException>().WithParameterName("data").WithMessage("data has 1 input features, the network expects 2.*");
        FluentActions.Invoking(() => RecurrentTrainer.Train(net, new Windows(series, 10, 8, 5), new DatasetLoss(Loss.MeanSquaredError)))
            .Should().Throw<ArgumentException>().WithParameterName("source").WithMessage("*built-in training losses read their targets from a SequenceDataset; this source is a Windows*");
    }

#pragma warning disable CS0618 // the former names are what these tests check
    [Fact]
    public void The_former_gradient_clip_name_reads_and_sets_GradientClipNorm_and_fits_the_same_model()
    {
        new LstmVolatilityOptions { GradientClip = 0.25f }.GradientClipNorm.Should().Be(0.25f);
        new LstmVolatilityOptions { GradientClipNorm = 0.5f }.GradientClip.Should().Be(0.5f);
        LstmVolatilityOptions.DefaultGradientClip.Should().Be(LstmVolatilityOptions.DefaultGradientClipNorm);
        new LstmVolatilityOptions().GradientClipNorm.Should().Be(TrainingOptions.DefaultGradientClipNorm);
        (new LstmVolatilityOptions { GradientClip = 0.25f } == new LstmVolatilityOptions { GradientClipNorm = 0.25f }).Should().BeTrue();
        FluentActions.Invoking(() => new LstmVolatilityModel(new LstmVolatilityOptions { GradientClip = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("GradientClipNorm");
        double[] r = Persistence.PersistenceFixtures.GarchReturns(260, 3);
        var small = new LstmVolatilityOptions { HiddenSize = 3, SequenceLength = 30, BurnIn = 8, ContextLength = 40, Epochs = 2, Anchor = VolatilityAnchor.Ewma, Threads = 1 };
        var old = new LstmVolatilityModel(small with { GradientClip = 0.05f }).Fit(r);
        var now = new LstmVolatilityModel(small with { GradientClipNorm = 0.05f }).Fit(r);
        var unclipped = new LstmVolatilityModel(small with { GradientClipNorm = 0 }).Fit(r);
        old.Network.Parameters.ToArray().Should().Equal(now.Network.Parameters.ToArray());
        now.Network.Parameters.ToArray().Should().NotEqual(unclipped.Network.Parameters.ToArray(), "the clip is applied");
    }
#pragma warning restore CS0618
}
