using MlNetLstm.Models;

namespace MlNetLstm.Tests.Models;

/// <summary>
/// The contract every <see cref="CellType"/> must meet through its <see cref="RecurrentCell"/>: a new cell that is missing a
/// factory line, has a gate count that disagrees with its parameter layout, stores gates it does not declare (or declares gates
/// it does not store), streams differently from the batched pass or has no gradient/streaming coverage fails here.
/// </summary>
public class RecurrentCellContractTests
{
    public static IEnumerable<object[]> CellTypes() => Enum.GetValues<CellType>().Select(c => new object[] { c });

    private static RecurrentNetworkSpec SpecOf(CellType cell) => new() { Cell = cell, InputSize = 3, HiddenSize = 4, Layers = 2 };

    [Theory]
    [MemberData(nameof(CellTypes))]
    public void Every_cell_type_maps_to_a_cell_whose_gate_count_matches_the_parameter_layout(CellType type)
    {
        var cell = RecurrentCell.For(type);
        cell.Type.Should().Be(type);
        cell.GateCount.Should().BePositive();
        var spec = SpecOf(type);
        spec.GateCount.Should().Be(cell.GateCount);
        var layout = RecurrentNetwork.CreateLayout(spec);
        foreach (string name in new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1" })
            layout[name].Shape[0].Should().Be(cell.GateCount * spec.HiddenSize, $"{name} of a {type} network has G·H rows");
        layout["weight_ih_l1"].Shape[1].Should().Be(spec.HiddenSize);
        cell.GateSignals.Should().OnlyHaveUniqueItems();
        cell.GateSignals.Count.Should().BeOneOf(new[] { 0, cell.GateCount }, "stored gate blocks are either none or one per gate");
        cell.GateSignals.Should().NotContain(new[] { GateSignal.Hidden, GateSignal.CellState, GateSignal.ForgetModifierTerm });
        if (cell.HasInputGate) cell.GateSignals[0].Should().Be(GateSignal.InputGate, "the input-gate penalty reads gate block 0");
    }

    [Theory]
    [MemberData(nameof(CellTypes))]
    public void Every_declared_gate_block_is_used_by_the_forward_pass(CellType type)
    {
        // A gate count larger than what the cell's step reads leaves a block of weights without effect; this catches it.
        var cell = RecurrentCell.For(type);
        var spec = SpecOf(type);
        var net = RecurrentNetwork.Create(spec, 7);
        const int T = 6;
        var x = GradientCheckTests.Random(T * spec.InputSize, 8);
        var baseline = net.Forward(x, 1, T).Values.ToArray();
        var bias = net.Layout["bias_ih_l0"];
        for (int g = 0; g < cell.GateCount; g++)
        {
            var p = net.Parameters.ToArray();
            for (int j = 0; j < spec.HiddenSize; j++) p[bias.Offset + g * spec.HiddenSize + j] += 0.5f;
            var changed = net.WithParameters(p).Forward(x, 1, T).Values.ToArray();
            changed.Zip(baseline).Max(v => Math.Abs(v.First - v.Second)).Should().BeGreaterThan(1e-4f, $"gate block {g} of a {type} cell must influence the output");
        }
    }

    [Fact]
    public void An_undefined_cell_type_is_refused_naming_the_argument()
    {
        var act = () => RecurrentCell.For((CellType)99);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("type");
        var spec = new RecurrentNetworkSpec { Cell = (CellType)99, InputSize = 1, HiddenSize = 1 };
        var create = () => RecurrentNetwork.CreateLayout(spec);
        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Cell");
    }

    [Theory]
    [MemberData(nameof(CellTypes))]
    public void Telemetry_and_streaming_expose_exactly_the_declared_signals_with_the_same_values(CellType type)
    {
        var cell = RecurrentCell.For(type);
        var spec = SpecOf(type);
        var net = RecurrentNetwork.Create(spec, 3);
        const int T = 6;
        var x = GradientCheckTests.Random(T * spec.InputSize, 4);
        var output = net.Forward(x, 1, T, captureTelemetry: true);
        var telemetry = output.Telemetry!;
        var expected = cell.GateSignals.Append(GateSignal.Hidden).Concat(cell.HasCellState ? new[] { GateSignal.CellState } : Array.Empty<GateSignal>()).ToHashSet();
        foreach (var signal in Enum.GetValues<GateSignal>())
            telemetry.Has(signal).Should().Be(expected.Contains(signal), $"{signal} of a {type} network");
        output.FinalState.Cell.Length.Should().Be(cell.HasCellState ? spec.Layers * spec.HiddenSize : 0);

        var engine = net.CreateStreamingEngine();
        for (int t = 0; t < T; t++)
        {
            engine.Step(x.AsSpan(t * spec.InputSize, spec.InputSize));
            foreach (var signal in Enum.GetValues<GateSignal>())
                for (int l = 0; l < spec.Layers; l++)
                {
                    if (!expected.Contains(signal))
                    {
                        var act = () => engine.GetSignal(signal, l).ToArray();
                        act.Should().Throw<ArgumentException>().WithMessage($"Signal {signal} is not available for this {type} network.*");
                        continue;
                    }
                    var streamed = engine.GetSignal(signal, l).ToArray();
                    for (int j = 0; j < spec.HiddenSize; j++)
                        streamed[j].Should().BeApproximately(telemetry.Value(signal, l, 0, 0, t, j), 1e-5f, $"{type} {signal} layer {l} step {t} unit {j}");
                }
        }
    }

    [Theory]
    [MemberData(nameof(CellTypes))]
    public void Every_cell_type_is_covered_by_the_gradient_check_and_the_streaming_check(CellType type)
    {
        // The finite-difference gradient check and the streaming-equals-batch check are the tests that pin a cell's backward and
        // streaming steps; a new cell must appear in both (and in ReferenceNetwork, the double-precision reference they use).
        string prefix = type.ToString().ToLowerInvariant();
        GradientCheckTests.Variants().Select(v => (string)v[0]).Should().Contain(v => v.StartsWith(prefix, StringComparison.Ordinal));
        StreamingAndTelemetryTests.StreamVariants().Select(v => (string)v[0]).Should().Contain(v => v.StartsWith(prefix, StringComparison.Ordinal));
        GradientCheckTests.SpecFor(prefix + "-1layer").Cell.Should().Be(type, "SpecFor must build the cell from its variant name");
    }
}
