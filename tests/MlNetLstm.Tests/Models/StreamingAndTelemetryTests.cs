using MlNetLstm.Models;

namespace MlNetLstm.Tests.Models;

public class StreamingAndTelemetryTests
{
    public static IEnumerable<object[]> StreamVariants() => new[]
    {
        new object[] { "lstm-2layer-head-every" }, new object[] { "lstm-peephole-coupled" }, new object[] { "lstm-regime-peephole-2layer" },
        new object[] { "gru-1layer" }, new object[] { "rnn-2layer-head-every" }, new object[] { "lstm-head-last" },
    };

    [Theory]
    [MemberData(nameof(StreamVariants))]
    public void Streaming_engine_equals_batched_forward_step_by_step(string variant)
    {
        var spec = GradientCheckTests.SpecFor(variant);
        var net = RecurrentNetwork.Create(spec, 5);
        const int T = 9;
        int I = spec.InputSize, E = spec.ExtraInputSize;
        var x = GradientCheckTests.Random(T * I, 6);
        var e = E > 0 ? GradientCheckTests.Random(T * E, 7, 2f) : [];
        var engine = net.CreateStreamingEngine();
        var last = net.Forward(x, 1, T, e, captureTelemetry: true);
        var every = net.Forward(x, 1, T, e);
        for (int t = 0; t < T; t++)
        {
            var y = engine.Step(x.AsSpan(t * I, I), E > 0 ? e.AsSpan(t * E, E) : default).ToArray();
            // Batched prefix forward over steps [0, t]: its last-step output must equal the streaming output.
            var prefix = net.Forward(x.AsSpan(0, (t + 1) * I), 1, t + 1, E > 0 ? e.AsSpan(0, (t + 1) * E) : default);
            var expected = prefix.Values.Slice(prefix.Values.Length - y.Length, y.Length).ToArray();
            y.Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-5f, $"step {t}");
            if (spec.Cell == CellType.Lstm)
                for (int j = 0; j < spec.HiddenSize; j++)
                    engine.GetSignal(GateSignal.ForgetGate)[j].Should().BeApproximately(last.Telemetry!.Value(GateSignal.ForgetGate, 0, 0, 0, t, j), 1e-5f);
        }
        engine.StepCount.Should().Be(T);
        engine.GetState().Hidden.ToArray().Should().Equal(last.FinalState.Hidden.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-5f);
        engine.Reset();
        engine.Step(x.AsSpan(0, I), E > 0 ? e.AsSpan(0, E) : default).ToArray().Should().NotBeEmpty();
        engine.StepCount.Should().Be(1);
    }

    [Theory]
    [InlineData("lstm-2layer-head-every")]
    [InlineData("lstm-regime-peephole-2layer")]
    [InlineData("gru-1layer")]
    public void Streaming_step_allocates_nothing_after_warm_up(string variant)
    {
        var spec = GradientCheckTests.SpecFor(variant) with { HiddenSize = 16 };
        var net = RecurrentNetwork.Create(spec, 5);
        var engine = net.CreateStreamingEngine();
        var x = GradientCheckTests.Random(spec.InputSize, 8);
        var e = spec.ExtraInputSize > 0 ? GradientCheckTests.Random(spec.ExtraInputSize, 9) : [];
        float sink = 0;
        for (int i = 0; i < 50; i++) sink += engine.Step(x, e)[0];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) sink += engine.Step(x, e)[0];
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().Be(0);
        float.IsFinite(sink).Should().BeTrue();
    }

    [Fact]
    public void Coupled_cell_telemetry_has_input_gate_equal_to_one_minus_forget_gate()
    {
        var spec = GradientCheckTests.SpecFor("lstm-coupled") with { Layers = 2 };
        var net = RecurrentNetwork.Create(spec, 3);
        var x = GradientCheckTests.Random(2 * 6 * spec.InputSize, 4);
        var tel = net.Forward(x, 2, 6, captureTelemetry: true).Telemetry!;
        tel.Steps.Should().Be(6); tel.Batch.Should().Be(2);
        for (int l = 0; l < 2; l++)
        {
            var i = tel.Get(GateSignal.InputGate, l).ToArray();
            var f = tel.Get(GateSignal.ForgetGate, l).ToArray();
            i.Should().HaveCount(2 * 6 * spec.HiddenSize);
            for (int k = 0; k < i.Length; k++) i[k].Should().BeApproximately(1f - f[k], 1e-6f);
        }
    }

    [Fact]
    public void Telemetry_is_consistent_with_the_lstm_equations_and_records_the_modifier_term()
    {
        var mod = new RegimeForgetModifier(1, 0.7f);
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 3, ForgetGateModifier = mod };
        var net = RecurrentNetwork.Create(spec, 11);
        const int T = 5;
        var x = GradientCheckTests.Random(T * 2, 12);
        var r = new float[] { 0.1f, -2f, 0f, 0.5f, -0.3f };
        var output = net.Forward(x, 1, T, r, captureTelemetry: true);
        var tel = output.Telemetry!;
        for (int t = 0; t < T; t++)
            for (int j = 0; j < 3; j++)
            {
                // m_t = -softplus(rho) |r_t| with softplus(rho) = 0.7 at initialisation.
                tel.Value(GateSignal.ForgetModifierTerm, 0, 0, 0, t, j).Should().BeApproximately(-0.7f * MathF.Abs(r[t]), 1e-5f);
                float cPrev = t == 0 ? 0f : tel.Value(GateSignal.CellState, 0, 0, 0, t - 1, j);
                float c = tel.Value(GateSignal.ForgetGate, 0, 0, 0, t, j) * cPrev
                        + tel.Value(GateSignal.InputGate, 0, 0, 0, t, j) * tel.Value(GateSignal.CellCandidate, 0, 0, 0, t, j);
                tel.Value(GateSignal.CellState, 0, 0, 0, t, j).Should().BeApproximately(c, 1e-6f);
                tel.Value(GateSignal.Hidden, 0, 0, 0, t, j).Should().BeApproximately(
                    tel.Value(GateSignal.OutputGate, 0, 0, 0, t, j) * MathF.Tanh(c), 1e-6f);
            }
        // A large shock closes the forget gate relative to the same network without the shock.
        var calm = net.Forward(x, 1, T, new float[T], captureTelemetry: true).Telemetry!;
        for (int j = 0; j < 3; j++)
            tel.Value(GateSignal.ForgetGate, 0, 0, 0, 1, j).Should().BeLessThan(calm.Value(GateSignal.ForgetGate, 0, 0, 0, 1, j));
        tel.Has(GateSignal.ResetGate).Should().BeFalse();
        FluentActions.Invoking(() => tel.Get(GateSignal.ResetGate)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Gru_and_bidirectional_telemetry_shapes()
    {
        var spec = GradientCheckTests.SpecFor("gru-2layer-bidirectional");
        var net = RecurrentNetwork.Create(spec, 3);
        var tel = net.Forward(GradientCheckTests.Random(3 * 4 * spec.InputSize, 1), 3, 4, captureTelemetry: true).Telemetry!;
        tel.Directions.Should().Be(2);
        tel.Get(GateSignal.UpdateGate, 1, 1).Length.Should().Be(3 * 4 * spec.HiddenSize);
        tel.Get(GateSignal.ResetGate, 1, 1).ToArray().Should().OnlyContain(v => v > 0f && v < 1f);
        FluentActions.Invoking(() => tel.Get(GateSignal.UpdateGate, 2)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "layer");
        FluentActions.Invoking(() => net.CreateStreamingEngine()).Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void Same_seed_creates_identical_networks_and_state_dict_round_trips()
    {
        var spec = GradientCheckTests.SpecFor("lstm-regime-peephole-2layer");
        var a = RecurrentNetwork.Create(spec, 9);
        RecurrentNetwork.Create(spec, 9).Parameters.ToArray().Should().Equal(a.Parameters.ToArray());
        RecurrentNetwork.Create(spec, 10).Parameters.ToArray().Should().NotEqual(a.Parameters.ToArray());
        var b = RecurrentNetwork.FromStateDict(spec, a.ToStateDict());
        b.Parameters.ToArray().Should().Equal(a.Parameters.ToArray());
        a.Layout.Views.Select(v => v.Name).Should().StartWith(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_peephole_i_l0", "weight_peephole_f_l0", "weight_peephole_o_l0", "forget_modifier_rho_l0" });
        a.GetParameter("bias_ih_l0").Skip(spec.HiddenSize).Take(spec.HiddenSize).Should().OnlyContain(v => v == RecurrentNetwork.DefaultForgetGateBias);
    }

    [Fact]
    public void Invalid_inputs_throw_clear_exceptions()
    {
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 3, OutputSize = 1 };
        var net = RecurrentNetwork.Create(spec, 1);
        var x = new float[2 * 4 * 2];
        FluentActions.Invoking(() => net.Forward(x, 2, 3)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "inputs").WithMessage("*length 16*");
        FluentActions.Invoking(() => net.Forward(x, 0, 4)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "batch");
        FluentActions.Invoking(() => net.Forward([], 1, 0)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "steps");
        x[(1 * 4 + 3) * 2 + 1] = float.PositiveInfinity;
        FluentActions.Invoking(() => net.Forward(x, 2, 4)).Should().Throw<ArgumentException>().WithMessage("*batch 1, step 3, feature 1*");
        FluentActions.Invoking(() => net.Forward(new float[8], 1, 4, new float[4])).Should().Throw<ArgumentException>().Where(e => e.ParamName == "extraInputs");
        var engine = net.CreateStreamingEngine();
        FluentActions.Invoking(() => engine.Step(new float[3])).Should().Throw<ArgumentException>().Where(e => e.ParamName == "input");
        FluentActions.Invoking(() => engine.Step(new[] { 1f, float.NaN })).Should().Throw<ArgumentException>().WithMessage("*index 1*");
        FluentActions.Invoking(() => RecurrentNetwork.Create(spec with { HiddenSize = 0 }, 1)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "HiddenSize");
        FluentActions.Invoking(() => RecurrentNetwork.Create(spec with { Cell = CellType.Gru, Peepholes = true }, 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => RecurrentNetwork.FromParameters(spec, new float[3])).Should().Throw<ArgumentException>().Where(e => e.ParamName == "parameters");
        var sd = net.ToStateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        sd.Remove("bias_hh_l0");
        FluentActions.Invoking(() => RecurrentNetwork.FromStateDict(spec, sd)).Should().Throw<ArgumentException>().WithMessage("*bias_hh_l0*");
        FluentActions.Invoking(() => new RegimeForgetModifier(0)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "extraInputSize");
    }
}

public class StreamingStateAndLossCallbackTests
{
    [Fact]
    public void Streaming_from_a_batched_final_state_continues_the_sequence_and_engines_are_independent()
    {
        var spec = GradientCheckTests.SpecFor("lstm-2layer-head-every");
        var net = RecurrentNetwork.Create(spec, 2);
        const int T = 10, I = 3;
        var x = GradientCheckTests.Random(T * I, 3);
        var full = net.Forward(x, 1, T);
        var firstHalf = net.Forward(x.AsSpan(0, 5 * I), 1, 5);
        var engine = net.CreateStreamingEngine();
        engine.SetState(firstHalf.FinalState);
        var other = net.CreateStreamingEngine(); // untouched engine on the same shared network
        for (int t = 5; t < T; t++)
        {
            var y = engine.Step(x.AsSpan(t * I, I)).ToArray();
            y.Should().Equal(full.Values.Slice(t * 2, 2).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-5f);
        }
        other.GetState().Hidden.ToArray().Should().OnlyContain(v => v == 0f);
        var outputs = new float[4][];
        Parallel.For(0, 4, k =>
        {
            var e = net.CreateStreamingEngine();
            float[] last = [];
            for (int t = 0; t < T; t++) last = e.Step(x.AsSpan(t * I, I)).ToArray();
            outputs[k] = last;
        });
        foreach (var o in outputs) o.Should().Equal(outputs[0]);
    }

    [Fact]
    public void Loss_callback_gradients_equal_explicit_output_gradients()
    {
        var spec = GradientCheckTests.SpecFor("lstm-regime-peephole-2layer") with { OutputSize = 2, HeadMode = HeadMode.EveryStep };
        var net = RecurrentNetwork.Create(spec, 4);
        var x = GradientCheckTests.Random(2 * 5 * 3, 5);
        var e = GradientCheckTests.Random(2 * 5 * 2, 6);
        var g = net.ComputeGradients(x, 2, 5, (y, dy) =>
        {
            double l = 0;
            for (int k = 0; k < y.Length; k++) { l += 0.5 * y[k] * y[k]; dy[k] = y[k]; }
            return l;
        }, e);
        var y = net.Forward(x, 2, 5, e).Values.ToArray();
        g.Loss.Should().BeApproximately(y.Sum(v => 0.5 * v * v), 1e-6);
        var explicitGrad = net.ComputeGradients(x, 2, 5, y, e);
        g.Parameters.ToArray().Should().Equal(explicitGrad.Parameters.ToArray());
        double.IsNaN(explicitGrad.Loss).Should().BeTrue();
        FluentActions.Invoking(() => net.ComputeGradients(x, 2, 5, (_, _) => double.NaN, e)).Should().Throw<ArithmeticException>();
    }
}
