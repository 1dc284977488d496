using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// Elman RNN with tanh (PyTorch nn.RNN, nonlinearity "tanh"): h_t = tanh(x·W_ih^T + b_ih + b_hh + h_{t-1}·W_hh^T).
/// One gate block; stores nothing but h (the backward reads h_t).
/// </summary>
internal sealed class RnnCell : RecurrentCell
{
    public static readonly RnnCell Instance = new();

    private RnnCell() { }

    public override CellType Type => CellType.Rnn;
    public override int GateCount => 1;
    public override bool HasCellState => false;
    public override IReadOnlyList<GateSignal> GateSignals => [];

    /// <summary>z_t += h_{t-1}·W_hh^T; h_t = tanh(z_t).</summary>
    public override void ForwardStep(RecurrentWorkspace ws, in CellForwardStep step)
    {
        step.Whh.Multiply(step.Batch, step.Topology.GateUnits, step.Topology.HiddenSize, step.HPrev, 1f, step.Z);
        Activations.Tanh(step.Z, step.HOut);
    }

    /// <summary>dz = dh ⊙ (1 - h_t²); dh_{t-1} = dz·W_hh.</summary>
    public override void BackwardStep(RecurrentWorkspace ws, in CellBackwardStep step)
    {
        int B = step.Batch, H = step.Topology.HiddenSize, GH = step.Topology.GateUnits, BH = B * H;
        ReadOnlySpan<float> h = ws.Hs[step.K].AsSpan(step.OutBlock * BH, BH), dh = step.DH;
        Span<float> dz = step.DZ;
        for (int k = 0; k < h.Length; k++) dz[k] = dh[k] * (1f - h[k] * h[k]);
        Gemm.Multiply(false, false, B, H, GH, 1f, step.DZ, GH, step.Whh, H, step.WhhPacked, 0f, step.DHNext, H);
    }

    /// <summary>z += h·W_hh^T (GEMV); h = tanh(z).</summary>
    public override void StreamStep(in CellStreamStep step)
    {
        var topo = step.Topology;
        Gemv.MultiplyTransposedAdd(step.WhhT, topo.HiddenSize, topo.GateUnits, step.H, step.Z);
        Activations.Tanh(step.Z, step.H);
    }
}
