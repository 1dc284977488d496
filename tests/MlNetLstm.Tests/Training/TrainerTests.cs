using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

public class TrainerTests
{
    /// <summary>Toy regression: target = mean of the first input channel over the sequence (per-sequence) or its running mean (per-step).</summary>
    internal static SequenceDataset Toy(int n, int steps, int seed, bool perStep = false, bool negate = false)
    {
        var r = new Random(seed);
        var x = new float[n * steps * 2];
        var y = new float[n * (perStep ? steps : 1)];
        for (int i = 0; i < n; i++)
        {
            float acc = 0;
            for (int t = 0; t < steps; t++)
            {
                float a = 2f * r.NextSingle() - 1f;
                x[(i * steps + t) * 2] = a;
                x[(i * steps + t) * 2 + 1] = r.NextSingle();
                acc += a;
                if (perStep) y[i * steps + t] = (negate ? -1 : 1) * acc / (t + 1);
            }
            if (!perStep) y[i] = (negate ? -1 : 1) * acc / steps;
        }
        return new SequenceDataset(x, n, steps, 2, y, 1, perStep);
    }

    internal static RecurrentNetwork Net(int seed = 3, CellType cell = CellType.Lstm, HeadMode mode = HeadMode.LastStep, int outputs = 1) =>
        RecurrentNetwork.Create(new RecurrentNetworkSpec { Cell = cell, InputSize = 2, HiddenSize = 6, OutputSize = outputs, HeadMode = mode }, seed);

    private static readonly TrainingOptions Small = new() { Epochs = 3, BatchSize = 16, ChunkSize = 4, LearningRate = 1e-2f, Seed = 7 };

    [Fact]
    public void Same_seed_gives_bitwise_identical_weights_and_losses()
    {
        var data = Toy(40, 8, 1);
        var a = RecurrentTrainer.Train(Net(), data, Small);
        var b = RecurrentTrainer.Train(Net(), data, Small);
        a.Network.Parameters.ToArray().Should().Equal(b.Network.Parameters.ToArray());
        a.Report.TrainingLoss.Should().Equal(b.Report.TrainingLoss);
        var c = RecurrentTrainer.Train(Net(), data, Small with { Seed = 8 });
        c.Network.Parameters.ToArray().Should().NotEqual(a.Network.Parameters.ToArray(), "a different shuffling seed changes the result");
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void One_thread_and_two_threads_give_bitwise_identical_weights(CellType cell)
    {
        var data = Toy(40, 8, 2);
        var one = RecurrentTrainer.Train(Net(cell: cell), data, Small with { Threads = 1 });
        var two = RecurrentTrainer.Train(Net(cell: cell), data, Small with { Threads = 2 });
        one.Network.Parameters.ToArray().Should().Equal(two.Network.Parameters.ToArray());
        one.Report.TrainingLoss.Should().Equal(two.Report.TrainingLoss);
    }

    [Fact]
    public void Training_reduces_the_loss_and_does_not_mutate_the_initial_network()
    {
        var data = Toy(64, 10, 3);
        var initial = Net();
        var before = initial.Parameters.ToArray();
        double lossBefore = RecurrentTrainer.Evaluate(initial, data);
        var result = RecurrentTrainer.Train(initial, data, Small with { Epochs = 15 });
        initial.Parameters.ToArray().Should().Equal(before);
        double lossAfter = RecurrentTrainer.Evaluate(result.Network, data);
        lossAfter.Should().BeLessThan(0.5 * lossBefore);
        result.Report.StopReason.Should().Be(StopReason.Completed);
        result.Report.EpochsRun.Should().Be(15);
        result.Report.OptimizerSteps.Should().Be(15 * 4);
    }

    [Fact]
    public void Truncated_bptt_with_k_at_least_T_equals_full_bptt_and_smaller_k_differs_but_learns()
    {
        var data = Toy(32, 12, 4, perStep: true);
        var net = Net(mode: HeadMode.EveryStep);
        var opts = Small with { Epochs = 6 };
        var full = RecurrentTrainer.Train(net, data, opts);
        var kT = RecurrentTrainer.Train(net, data, opts with { TruncatedBpttSteps = 12 });
        kT.Network.Parameters.ToArray().Should().Equal(full.Network.Parameters.ToArray());
        var k4 = RecurrentTrainer.Train(net, data, opts with { TruncatedBpttSteps = 4 });
        k4.Network.Parameters.ToArray().Should().NotEqual(full.Network.Parameters.ToArray());
        k4.Report.OptimizerSteps.Should().Be(6 * 2 * 3, "one update per 4-step segment");
        RecurrentTrainer.Evaluate(k4.Network, data).Should().BeLessThan(RecurrentTrainer.Evaluate(net, data));
    }

    [Fact]
    public void Gradient_clipping_scales_to_the_max_norm_and_keeps_the_direction()
    {
        var g = new float[] { 3f, -4f, 0f, 12f }; // norm 13
        double norm = RecurrentTrainer.ClipGlobalNorm(g, 1f);
        norm.Should().BeApproximately(13, 1e-6);
        g.Should().Equal(new[] { 3f / 13, -4f / 13, 0f, 12f / 13 }, (a, b) => Math.Abs(a - b) < 1e-6f);
        var small = new float[] { 0.1f, 0.2f };
        RecurrentTrainer.ClipGlobalNorm(small, 1f);
        small.Should().Equal(0.1f, 0.2f);
        var off = new float[] { 30f, 40f };
        RecurrentTrainer.ClipGlobalNorm(off, 0f);
        off.Should().Equal(30f, 40f);
    }

    [Fact]
    public void Clipping_changes_training_when_gradients_exceed_the_norm()
    {
        var data = Toy(32, 6, 5);
        var clipped = RecurrentTrainer.Train(Net(), data, Small with { GradientClipNorm = 1e-3f, Optimizer = OptimizerKind.Adam });
        var free = RecurrentTrainer.Train(Net(), data, Small with { GradientClipNorm = 0f });
        clipped.Network.Parameters.ToArray().Should().NotEqual(free.Network.Parameters.ToArray());
    }

    [Fact]
    public void AdamW_decay_shrinks_weights_relative_to_plain_adam()
    {
        var data = Toy(32, 6, 6);
        var plain = RecurrentTrainer.Train(Net(), data, Small with { Epochs = 5 });
        var decayed = RecurrentTrainer.Train(Net(), data, Small with { Epochs = 5, Optimizer = OptimizerKind.AdamW, WeightDecay = 5f });
        static double Norm(ReadOnlySpan<float> p) { double s = 0; foreach (var v in p) s += v * v; return s; }
        Norm(decayed.Network.Parameters).Should().BeLessThan(0.8 * Norm(plain.Network.Parameters));
    }

    [Fact]
    public void Early_stopping_restores_the_best_validation_weights()
    {
        // Validation targets are the negated training targets: fitting the training data makes validation worse.
        var train = Toy(48, 6, 7);
        var val = Toy(16, 6, 8, negate: true);
        var result = RecurrentTrainer.Train(Net(), train, Small with { Epochs = 30, Patience = 2 }, val);
        var rep = result.Report;
        rep.StopReason.Should().Be(StopReason.EarlyStopping);
        rep.EpochsRun.Should().Be(rep.BestEpoch + 3);
        rep.ValidationLoss.Should().HaveCount(rep.EpochsRun);
        RecurrentTrainer.Evaluate(result.Network, val).Should().BeApproximately(rep.ValidationLoss[rep.BestEpoch], 1e-9);
        rep.BestLoss.Should().Be(rep.ValidationLoss.Min());
    }

    [Fact]
    public void Validation_fraction_holds_out_the_tail()
    {
        var data = Toy(40, 6, 9);
        var result = RecurrentTrainer.Train(Net(), data, Small with { Epochs = 2, ValidationFraction = 0.25 });
        result.Report.ValidationLoss.Should().HaveCount(2);
        RecurrentTrainer.Evaluate(result.Network, data.Slice(30, 10)).Should().BeApproximately(result.Report.ValidationLoss[result.Report.BestEpoch], 1e-9);
    }

    [Fact]
    public void Learning_rate_schedules_follow_their_formulas()
    {
        var o = new TrainingOptions { LearningRate = 0.1f, Epochs = 10 };
        LearningRateSchedules.At(o, 7).Should().Be(0.1f);
        LearningRateSchedules.At(o with { Schedule = LearningRateSchedule.Step, StepEpochs = 3, DecayRate = 0.5f }, 7).Should().BeApproximately(0.025f, 1e-7f);
        LearningRateSchedules.At(o with { Schedule = LearningRateSchedule.Exponential, DecayRate = 0.9f }, 2).Should().BeApproximately(0.081f, 1e-7f);
        var cos = o with { Schedule = LearningRateSchedule.Cosine, MinLearningRate = 0.01f };
        LearningRateSchedules.At(cos, 0).Should().BeApproximately(0.1f, 1e-7f);
        LearningRateSchedules.At(cos, 5).Should().BeApproximately(0.055f, 1e-7f);
        LearningRateSchedules.At(cos, 10).Should().BeApproximately(0.01f, 1e-7f);
        LearningRateSchedules.At(o with { WarmupEpochs = 3 }, 0).Should().BeApproximately(0.025f, 1e-7f);
        LearningRateSchedules.At(o with { WarmupEpochs = 3 }, 3).Should().Be(0.1f);
        var run = RecurrentTrainer.Train(Net(), Toy(16, 4, 1), new TrainingOptions { Epochs = 4, LearningRate = 0.1f, Schedule = LearningRateSchedule.Exponential, DecayRate = 0.5f });
        run.Report.LearningRates.Should().Equal(0.1f, 0.05f, 0.025f, 0.0125f);
    }

    /// <summary>A stateless modifier whose parameter is pushed upward by its gradient and which emits NaN once the parameter exceeds 0.05.</summary>
    private sealed class ExplodingModifier : IForgetGateModifier
    {
        public string Name => "explode";
        public int ExtraInputSize => 1;
        public IReadOnlyList<(string Name, int[] Shape)> GetParameterShapes(int hiddenSize) => [("w", [1])];
        public void InitializeParameters(Span<float> parameters, int hiddenSize) => parameters[0] = 0f;
        public void Forward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra, Span<float> term) =>
            term.Slice(0, batch * hiddenSize).Fill(parameters[0] > 0.05f ? float.NaN : 0f);
        public void Backward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra, ReadOnlySpan<float> termGradient, Span<float> parameterGradients) =>
            parameterGradients[0] -= 1f;
    }

    [Fact]
    public void Nan_loss_stops_training_and_keeps_the_best_weights()
    {
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 4, OutputSize = 1, ForgetGateModifier = new ExplodingModifier() };
        var net = RecurrentNetwork.Create(spec, 1);
        var baseData = Toy(16, 5, 10);
        var data = new SequenceDataset(baseData.Inputs, 16, 5, 2, baseData.Targets, 1, extraInputs: new float[16 * 5], extraSize: 1);
        // lr 0.02 with 2 steps per epoch: w crosses 0.05 during the second epoch.
        var result = RecurrentTrainer.Train(net, data, new TrainingOptions { Epochs = 10, BatchSize = 8, LearningRate = 0.02f, GradientClipNorm = 0 });
        var rep = result.Report;
        rep.StopReason.Should().Be(StopReason.NonFiniteLoss);
        rep.Message.Should().Contain("epoch 1").And.Contain("restored the weights of epoch 0");
        rep.EpochsRun.Should().Be(1);
        VectorFinite(result.Network.Parameters).Should().BeTrue();
        result.Network.GetParameter("forget_modifier_w_l0")[0].Should().BeLessThanOrEqualTo(0.05f);
        var output = result.Network.Forward(data.Inputs.Slice(0, 10), 1, 5, new float[5]);
        VectorFinite(output.Values).Should().BeTrue();
    }

    private static bool VectorFinite(ReadOnlySpan<float> v) { foreach (var x in v) if (!float.IsFinite(x)) return false; return true; }

    [Fact]
    public void Invalid_options_and_data_throw_clear_exceptions()
    {
        var data = Toy(8, 4, 11);
        FluentActions.Invoking(() => RecurrentTrainer.Train(Net(), data, new TrainingOptions { Epochs = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Epochs");
        FluentActions.Invoking(() => RecurrentTrainer.Train(Net(), data, new TrainingOptions { LearningRate = float.NaN }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "LearningRate");
        FluentActions.Invoking(() => RecurrentTrainer.Train(Net(), data, new TrainingOptions { ValidationFraction = 1.0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "ValidationFraction");
        FluentActions.Invoking(() => RecurrentTrainer.Train(Net(outputs: 2), data))
            .Should().Throw<ArgumentException>().WithMessage("*head has 2 outputs*");
        FluentActions.Invoking(() => RecurrentTrainer.Train(Net(outputs: 1), data, new TrainingOptions { LossFunction = Loss.GaussianNll }))
            .Should().Throw<ArgumentException>().WithMessage("*needs 2*");
        FluentActions.Invoking(() => RecurrentTrainer.Train(Net(), data, new TrainingOptions { TruncatedBpttSteps = 2 }))
            .Should().Throw<ArgumentException>().WithMessage("*per-step targets*");
        var x = new float[2 * 3 * 2];
        x[(1 * 3 + 2) * 2 + 0] = float.NaN;
        FluentActions.Invoking(() => new SequenceDataset(x, 2, 3, 2, new float[2], 1))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "inputs").WithMessage("*batch 1, step 2, feature 0*");
        FluentActions.Invoking(() => new SequenceDataset(new float[5], 2, 3, 2, new float[2], 1))
            .Should().Throw<ArgumentException>().WithMessage("*length 5*");
        FluentActions.Invoking(() => new SequenceDataset(new float[12], 2, 3, 2, new[] { 1f, float.PositiveInfinity }, 1))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "targets");
    }
}

public class CrossEntropyTrainingTests
{
    [Fact]
    public void Cross_entropy_learns_a_sign_classification_and_rejects_wrong_head_sizes()
    {
        // Class = sign of the sum of channel 0 over the sequence (2 classes, one-hot targets, logits from a last-step head).
        var r = new Random(3);
        int n = 128, T = 6;
        var x = new float[n * T * 2]; var y = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            float s = 0;
            for (int t = 0; t < T; t++) { float a = 2f * r.NextSingle() - 1f; x[(i * T + t) * 2] = a; s += a; }
            y[i * 2 + (s > 0 ? 1 : 0)] = 1f;
        }
        var data = new SequenceDataset(x, n, T, 2, y, 2);
        var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 8, OutputSize = 2 }, 1);
        var opts = new TrainingOptions { Epochs = 30, BatchSize = 16, LearningRate = 1e-2f, LossFunction = Loss.SoftmaxCrossEntropy };
        double before = RecurrentTrainer.Evaluate(net, data, Loss.SoftmaxCrossEntropy);
        before.Should().BeApproximately(Math.Log(2), 0.1, "an untrained classifier is near uniform");
        var trained = RecurrentTrainer.Train(net, data, opts).Network;
        RecurrentTrainer.Evaluate(trained, data, Loss.SoftmaxCrossEntropy).Should().BeLessThan(0.3);
        FluentActions.Invoking(() => RecurrentTrainer.Train(TrainerTests.Net(outputs: 3), data, opts)).Should().Throw<ArgumentException>();
    }
}
