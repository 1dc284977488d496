using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Tests.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// The input-gate activation penalty L_total = L_task + λ · mean(i) (<see cref="TrainingOptions.InputGatePenalty"/>, the
/// inputGatePenalty argument of <see cref="RecurrentNetwork.ComputeGradients(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, RecurrentState?, float)"/>):
/// analytic gradients against central finite differences of double-precision references (the task part from
/// <see cref="ReferenceNetwork"/>, mean(i) from <see cref="MeanInputGate"/> below), bitwise no-op at λ = 0, its effect on
/// training, and the validation of the option. Sizes I=3, H=4, T=5, B=2.
/// </summary>
public class InputGatePenaltyTests
{
    private const int I = 3, H = 4, T = 5, B = 2;
    private const float Lambda = 0.7f;

    /// <summary>
    /// Mean of the input gate over batch, steps, units, layers and directions, in plain double precision (i = 1 - f for
    /// coupled gates, which is what the penalty is defined on).
    /// </summary>
    private static double MeanInputGate(RecurrentNetworkSpec spec, ParameterLayout layout, double[] p, double[] x, double[]? extra)
    {
        double sum = 0;
        long n = 0;
        ReferenceNetwork.Forward(spec, layout, p, x, extra, B, T, i => { sum += i; n++; });
        n.Should().Be((long)B * T * H * spec.Layers * spec.Directions);
        return sum / n;
    }

    /// <summary>Mean input-gate activation of <paramref name="net"/> on <paramref name="x"/>, from the gate telemetry.</summary>
    internal static double MeanInputGate(RecurrentNetwork net, float[] x, int batch, int steps, float[]? extra = null)
    {
        var tel = net.Forward(x, batch, steps, extra, captureTelemetry: true).Telemetry!;
        double sum = 0; long n = 0;
        for (int l = 0; l < tel.Layers; l++)
            for (int d = 0; d < tel.Directions; d++)
                foreach (float v in tel.Get(GateSignal.InputGate, l, d)) { sum += v; n++; }
        return sum / n;
    }

    public static IEnumerable<object[]> Variants() => new[]
    {
        new object[] { "lstm-1layer" }, new object[] { "lstm-2layer" }, new object[] { "lstm-bidirectional" },
        new object[] { "lstm-2layer-bidirectional-head-every" }, new object[] { "lstm-peephole" }, new object[] { "lstm-coupled" },
        new object[] { "lstm-peephole-coupled" }, new object[] { "lstm-regime" }, new object[] { "lstm-head-last" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Penalised_gradients_match_double_precision_finite_differences(string variant)
    {
        var spec = GradientCheckTests.SpecFor(variant);
        var layout = RecurrentNetwork.CreateLayout(spec);
        var p = GradientCheckTests.Random(layout.TotalLength, 11, 0.6f);
        var net = RecurrentNetwork.FromParameters(spec, p);
        var x = GradientCheckTests.Random(B * T * I, 12);
        var extra = spec.ExtraInputSize > 0 ? GradientCheckTests.Random(B * T * spec.ExtraInputSize, 13, 2f) : [];
        var probe = GradientCheckTests.Random(net.Forward(x, B, T, extra).Values.Length, 14);

        double[] pd = p.Select(v => (double)v).ToArray();
        double[] xd = x.Select(v => (double)v).ToArray();
        double[]? ed = extra.Length > 0 ? extra.Select(v => (double)v).ToArray() : null;
        double Task(double[] theta, double[] input)
        {
            var y = ReferenceNetwork.Forward(spec, layout, theta, input, ed, B, T);
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += y[k] * probe[k];
            return s;
        }
        double Penalty(double[] theta, double[] input) => Lambda * MeanInputGate(spec, layout, theta, input, ed);

        var plain = net.ComputeGradients(x, B, T, probe, extra);
        var penalised = net.ComputeGradients(x, B, T, probe, extra, inputGatePenalty: Lambda);
        plain.InputGatePenalty.Should().Be(0);
        penalised.InputGatePenalty.Should().BeApproximately(Penalty(pd, xd), 1e-6, "the reported penalty is λ · mean(i)");
        MeanInputGate(net, x, B, T, extra).Should().BeApproximately(Penalty(pd, xd) / Lambda, 1e-6, "telemetry's input gate is the penalised value");

        const double eps = 1e-6;
        double Fd(Func<double[], double[], double> f, double[] v, int k)
        {
            double keep = v[k];
            v[k] = keep + eps; double lp = f(pd, xd);
            v[k] = keep - eps; double lm = f(pd, xd);
            v[k] = keep;
            return (lp - lm) / (2 * eps);
        }
        int penaltyMatters = 0;
        for (int k = 0; k < pd.Length; k++)
        {
            double fdTask = Fd(Task, pd, k), fdPen = Fd(Penalty, pd, k), fd = fdTask + fdPen;
            double an = penalised.Parameters[k];
            Math.Abs(an - fd).Should().BeLessThanOrEqualTo(1e-5 + 1e-3 * Math.Abs(fd),
                $"{variant}: d/d{GradientCheckTests.NameOf(layout, k)} of the penalised loss, analytic {an} vs finite difference {fd}");
            double anPen = (double)penalised.Parameters[k] - plain.Parameters[k];
            Math.Abs(anPen - fdPen).Should().BeLessThanOrEqualTo(2e-6 + 1e-3 * Math.Abs(fdPen),
                $"{variant}: d/d{GradientCheckTests.NameOf(layout, k)} of λ · mean(i) alone, analytic {anPen} vs finite difference {fdPen}");
            if (Math.Abs(fdPen) > 1e-4) penaltyMatters++;
        }
        penaltyMatters.Should().BeGreaterThan(pd.Length / 4, "the penalty must move a good share of the parameters");
        for (int k = 0; k < xd.Length; k++)
        {
            double fd = Fd(Task, xd, k) + Fd(Penalty, xd, k);
            Math.Abs(penalised.Inputs[k] - fd).Should().BeLessThanOrEqualTo(1e-5 + 1e-3 * Math.Abs(fd), $"{variant}: d/dx[{k}]");
        }
    }

    [Fact]
    public void The_loss_callback_overload_adds_the_penalty_to_the_reported_loss()
    {
        var spec = GradientCheckTests.SpecFor("lstm-2layer-bidirectional-head-every");
        var net = RecurrentNetwork.Create(spec, 5);
        var x = GradientCheckTests.Random(B * T * I, 6);
        double Loss(ReadOnlySpan<float> y, Span<float> dy)
        {
            double s = 0;
            for (int k = 0; k < y.Length; k++) { s += y[k] * y[k]; dy[k] = 2 * y[k]; }
            return s;
        }
        var plain = net.ComputeGradients(x, B, T, Loss);
        var penalised = net.ComputeGradients(x, B, T, Loss, inputGatePenalty: 0.5f);
        double mean = MeanInputGate(net, x, B, T);
        penalised.InputGatePenalty.Should().BeApproximately(0.5 * mean, 1e-9);
        penalised.Loss.Should().BeApproximately(plain.Loss + 0.5 * mean, 1e-9);
        var probe = new float[net.Forward(x, B, T).Values.Length];
        var y = net.Forward(x, B, T).Values;
        for (int k = 0; k < probe.Length; k++) probe[k] = 2 * y[k];
        penalised.Parameters.ToArray().Should().Equal(net.ComputeGradients(x, B, T, probe, inputGatePenalty: 0.5f).Parameters.ToArray(),
            "both overloads apply the same penalty");
    }

    [Theory]
    [InlineData("lstm-1layer")]
    [InlineData("lstm-2layer-bidirectional-head-every")]
    [InlineData("lstm-peephole-coupled")]
    [InlineData("lstm-regime")]
    public void Zero_penalty_gives_bitwise_identical_gradients(string variant)
    {
        var spec = GradientCheckTests.SpecFor(variant);
        var net = RecurrentNetwork.Create(spec, 21);
        var x = GradientCheckTests.Random(B * T * I, 22);
        var extra = spec.ExtraInputSize > 0 ? GradientCheckTests.Random(B * T * spec.ExtraInputSize, 23, 2f) : [];
        var probe = GradientCheckTests.Random(net.Forward(x, B, T, extra).Values.Length, 24);
        var a = net.ComputeGradients(x, B, T, probe, extra);
        var b = net.ComputeGradients(x, B, T, probe, extra, inputGatePenalty: 0f);
        b.Parameters.ToArray().Should().Equal(a.Parameters.ToArray());
        b.Inputs.ToArray().Should().Equal(a.Inputs.ToArray());
        b.InputGatePenalty.Should().Be(0);
        net.ComputeGradients(x, B, T, probe, extra, inputGatePenalty: 1e-3f).Parameters.ToArray().Should().NotEqual(a.Parameters.ToArray());
    }

    private static readonly TrainingOptions Small = new() { Epochs = 3, BatchSize = 16, ChunkSize = 4, LearningRate = 1e-2f, Seed = 7 };

    [Fact]
    public void Zero_penalty_trains_bitwise_identically_and_a_penalty_is_thread_count_independent()
    {
        var data = TrainerTests.Toy(40, 8, 1);
        var baseline = RecurrentTrainer.Train(TrainerTests.Net(), data, Small);
        var zero = RecurrentTrainer.Train(TrainerTests.Net(), data, Small with { InputGatePenalty = 0f });
        zero.Network.Parameters.ToArray().Should().Equal(baseline.Network.Parameters.ToArray());
        zero.Report.TrainingLoss.Should().Equal(baseline.Report.TrainingLoss);

        var one = RecurrentTrainer.Train(TrainerTests.Net(), data, Small with { InputGatePenalty = 0.1f, Threads = 1 });
        var two = RecurrentTrainer.Train(TrainerTests.Net(), data, Small with { InputGatePenalty = 0.1f, Threads = 2 });
        one.Network.Parameters.ToArray().Should().Equal(two.Network.Parameters.ToArray());
        one.Report.TrainingLoss.Should().Equal(two.Report.TrainingLoss);
        one.Network.Parameters.ToArray().Should().NotEqual(baseline.Network.Parameters.ToArray());
    }

    [Fact]
    public void The_reported_validation_loss_includes_the_penalty_and_Evaluate_does_not()
    {
        var data = TrainerTests.Toy(32, 8, 2);
        var validation = TrainerTests.Toy(16, 8, 3);
        var result = RecurrentTrainer.Train(TrainerTests.Net(), data, Small with { Epochs = 1, InputGatePenalty = 0.3f }, validation);
        double task = RecurrentTrainer.Evaluate(result.Network, validation);
        double mean = MeanInputGate(result.Network, validation.Inputs.ToArray(), validation.Count, validation.Steps);
        result.Report.ValidationLoss[0].Should().BeApproximately(task + 0.3 * mean, 1e-6);
        task.Should().BeLessThan(result.Report.ValidationLoss[0]);
    }

    [Fact]
    public void Training_with_a_penalty_lowers_the_mean_input_gate()
    {
        var data = TrainerTests.Toy(64, 12, 4);
        var options = new TrainingOptions { Epochs = 15, BatchSize = 16, LearningRate = 1e-2f, Seed = 3 };
        var free = RecurrentTrainer.Train(TrainerTests.Net(5), data, options);
        var penalised = RecurrentTrainer.Train(TrainerTests.Net(5), data, options with { InputGatePenalty = 0.2f });
        double x0 = MeanInputGate(free.Network, data.Inputs.ToArray(), data.Count, data.Steps);
        double x1 = MeanInputGate(penalised.Network, data.Inputs.ToArray(), data.Count, data.Steps);
        x1.Should().BeLessThan(x0 - 0.2, $"λ = 0.2 should close the input gates (mean {x1:F3} vs {x0:F3} without the penalty)");
        double t0 = RecurrentTrainer.Evaluate(free.Network, data), t1 = RecurrentTrainer.Evaluate(penalised.Network, data);
        double untrained = RecurrentTrainer.Evaluate(TrainerTests.Net(5), data);
        t1.Should().BeLessThan(0.2 * untrained, $"the penalised network still learns the task (task MSE {t1:F5}, {t0:F5} without the penalty, {untrained:F5} untrained)");
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Invalid_penalties_are_rejected_naming_the_option(float lambda)
    {
        var options = new TrainingOptions { InputGatePenalty = lambda };
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>()
            .Which.ParamName.Should().Be(nameof(TrainingOptions.InputGatePenalty));
        var net = TrainerTests.Net();
        FluentActions.Invoking(() => RecurrentTrainer.Train(net, TrainerTests.Toy(8, 4, 1), options))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*InputGatePenalty*");
        var x = new float[2 * 4 * 2];
        FluentActions.Invoking(() => net.ComputeGradients(x, 2, 4, new float[2], inputGatePenalty: lambda))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("inputGatePenalty");
    }

    [Theory]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Gru_and_rnn_networks_reject_a_penalty(CellType cell)
    {
        var net = TrainerTests.Net(cell: cell);
        var data = TrainerTests.Toy(8, 4, 1);
        FluentActions.Invoking(() => RecurrentTrainer.Train(net, data, Small with { InputGatePenalty = 0.1f }))
            .Should().Throw<ArgumentException>().WithMessage($"*InputGatePenalty*LSTM*{cell}*");
        RecurrentTrainer.Train(net, data, Small with { InputGatePenalty = 0f, Epochs = 1 }).Report.EpochsRun.Should().Be(1);
        var x = new float[2 * 4 * 2];
        FluentActions.Invoking(() => net.ComputeGradients(x, 2, 4, new float[2], inputGatePenalty: 0.1f))
            .Should().Throw<ArgumentException>().WithMessage($"*LSTM*{cell}*");
        net.ComputeGradients(x, 2, 4, new float[2], inputGatePenalty: 0f).InputGatePenalty.Should().Be(0);
    }

    [Fact]
    public void Checkpoint_fingerprints_leave_out_a_zero_penalty_so_older_checkpoints_still_resume()
    {
        TrainingCheckpoint.OptionsFingerprint(new TrainingOptions()).Should().NotContain(nameof(TrainingOptions.InputGatePenalty));
        TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { InputGatePenalty = 0.25f }).Should().Contain("InputGatePenalty = 0.25");
        // Written by format version 1, before the option existed, for { Seed = 5, Epochs = 10 }.
        var old = TrainingCheckpoint.Load(MlNetLstm.Tests.Persistence.PersistenceTestData.File("v1", "training_checkpoint.mlnl"));
        old.OptionsFingerprintText.Should().Be(TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { Seed = 5, Epochs = 10 }));
    }
}
