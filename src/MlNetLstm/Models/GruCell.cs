using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// GRU (PyTorch nn.GRU; gate order r, z, n): with a = x·W_ih^T + b_ih and hz = h_{t-1}·W_hh^T + b_hh kept apart,
/// r = σ(a_r + hz_r), u = σ(a_z + hz_z), n = tanh(a_n + r ⊙ hz_n), h_t = (1 - u) ⊙ n + u ⊙ h_{t-1}
/// (<see cref="GruPointwise"/>). Stores per step the gate activations [B, 3H] and hz [B, 3H].
/// </summary>
internal sealed class GruCell : RecurrentCell
{
    public static readonly GruCell Instance = new();
    private static readonly GateSignal[] Signals = [GateSignal.ResetGate, GateSignal.UpdateGate, GateSignal.NewGate];

    private GruCell() { }

    public override CellType Type => CellType.Gru;
    public override int GateCount => 3;
    public override bool HasCellState => false;
    public override bool SeparateRecurrentProjection => true;
    public override IReadOnlyList<GateSignal> GateSignals => Signals;

    /// <summary>hz_t = h_{t-1}·W_hh^T + b_hh (stored), then the pointwise GRU update.</summary>
    public override void ForwardStep(RecurrentWorkspace ws, in CellForwardStep step)
    {
        var topo = step.Topology;
        int B = step.Batch, H = topo.HiddenSize, GH = topo.GateUnits, t = step.T, k = step.K;
        Span<float> hz = ws.HZ[k].AsSpan(t * B * GH, B * GH);
        step.Whh.Multiply(B, GH, H, step.HPrev, 0f, hz);
        VectorOps.AddRowBroadcast(step.Parameters.Slice(step.Offsets.Bhh, GH), hz, B);
        GruPointwise.Forward(B, H, step.Z, hz, step.HPrev, ws.Gates[k].AsSpan(t * B * GH, B * GH), step.HOut);
    }

    /// <summary>dz (input side) and dhz (recurrent side, into <see cref="RecurrentWorkspace.DHZ"/>); dh_{t-1} = direct part + dhz·W_hh.</summary>
    public override void BackwardStep(RecurrentWorkspace ws, in CellBackwardStep step)
    {
        var topo = step.Topology;
        int B = step.Batch, H = topo.HiddenSize, GH = topo.GateUnits, t = step.T, k = step.K;
        Span<float> dhzt = ws.DHZ.AsSpan(t * B * GH, B * GH);
        GruPointwise.Backward(B, H, ws.Gates[k].AsSpan(t * B * GH, B * GH), ws.HZ[k].AsSpan(t * B * GH, B * GH), step.HPrev,
            step.DH, step.DZ, dhzt, step.DHNext);
        Gemm.Multiply(false, false, B, H, GH, 1f, dhzt, GH, step.Whh, H, step.WhhPacked, 1f, step.DHNext, H);
    }

    /// <summary>hz = b_hh + h·W_hh^T (GEMV), then the pointwise GRU update in place.</summary>
    public override void StreamStep(in CellStreamStep step)
    {
        var topo = step.Topology;
        int H = topo.HiddenSize, GH = topo.GateUnits;
        step.BiasHh.CopyTo(step.HZ);
        Gemv.MultiplyTransposedAdd(step.WhhT, H, GH, step.H, step.HZ);
        GruPointwise.Forward(1, H, step.Z, step.HZ, step.H, step.Gates, step.H);
    }
}
