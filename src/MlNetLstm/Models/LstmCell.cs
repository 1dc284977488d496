using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// LSTM (PyTorch nn.LSTM; gate order i, f, g, o): z = x·W_ih^T + b_ih + b_hh + h_{t-1}·W_hh^T (+ m_t on z_f with a forget-gate
/// modifier); i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o), c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
/// Two pointwise paths: the fused AVX2/FMA kernel <see cref="LstmPointwise"/> for the plain cell (<see cref="UsesFusedKernel"/>), and the
/// scalar <see cref="LstmVariantCell"/> for peepholes and coupled gates. Stores per step the gate activations [B, 4H] and c_t.
/// </summary>
internal sealed class LstmCell : RecurrentCell
{
    public static readonly LstmCell Instance = new();
    private static readonly GateSignal[] Signals = [GateSignal.InputGate, GateSignal.ForgetGate, GateSignal.CellCandidate, GateSignal.OutputGate];

    private LstmCell() { }

    public override CellType Type => CellType.Lstm;
    public override int GateCount => 4;
    public override bool HasCellState => true;
    public override bool HasInputGate => true;
    public override IReadOnlyList<GateSignal> GateSignals => Signals;

    /// <summary>True when the plain cell runs through the fused <see cref="LstmPointwise"/> kernel (no peepholes, no coupled gates).</summary>
    public static bool UsesFusedKernel(RecurrentNetworkSpec spec) => !spec.Peepholes && !spec.CoupledGates;

    /// <summary>bias_ih's forget slice = <paramref name="forgetGateBias"/>, bias_hh's = 0.</summary>
    public override void InitializeParameters(Span<float> parameters, in CellOffsets offsets, int hidden, float forgetGateBias)
    {
        parameters.Slice(offsets.Bih + hidden, hidden).Fill(forgetGateBias);
        parameters.Slice(offsets.Bhh + hidden, hidden).Clear();
    }

    /// <summary>
    /// Training forward step. The fused path (plain LSTM) is the recurrent GEMM z_t += h_{t-1}·W_hh^T followed by
    /// <see cref="LstmPointwise.Forward"/>; the modifier term, when present, is added to z_f in between.
    /// </summary>
    public override void ForwardStep(RecurrentWorkspace ws, in CellForwardStep step)
    {
        var topo = step.Topology;
        int B = step.Batch, H = topo.HiddenSize, GH = topo.GateUnits, BH = B * H, t = step.T, k = step.K;
        var co = step.Offsets;
        Span<float> zt = step.Z;
        step.Whh.Multiply(B, GH, H, step.HPrev, 1f, zt);
        if (topo.Spec.ForgetGateModifier is { } modifier)
        {
            Span<float> term = ws.Mod[k].AsSpan(t * BH, BH);
            modifier.Forward(step.Parameters.Slice(co.Mod, co.ModLength), B, H, ws.Ex.AsSpan(t * B * topo.E, B * topo.E), term);
            for (int b = 0; b < B; b++)
                VectorOps.Add(zt.Slice(b * GH + H, H), term.Slice(b * H, H), zt.Slice(b * GH + H, H));
        }
        ReadOnlySpan<float> cPrev = ws.Cs[k].AsSpan(step.PrevBlock * BH, BH);
        Span<float> cOut = ws.Cs[k].AsSpan(step.OutBlock * BH, BH);
        Span<float> gt = ws.Gates[k].AsSpan(t * B * GH, B * GH);
        if (topo.FusedLstm) LstmPointwise.Forward(B, H, zt, cPrev, gt, cOut, step.HOut);
        else
        {
            var p = step.Parameters;
            bool peep = co.Pi >= 0;
            LstmVariantCell.Forward(B, H, zt, cPrev,
                peep ? p.Slice(co.Pi, H) : default, peep ? p.Slice(co.Pf, H) : default, peep ? p.Slice(co.Po, H) : default,
                topo.Spec.CoupledGates, gt, cOut, step.HOut);
        }
    }

    /// <summary>
    /// Backward step. The fused path is <see cref="LstmPointwise.Backward"/> (dz_t and dc_{t-1} from the stored gates and c), the
    /// input-gate penalty's dz_i += c·i(1 - i), the modifier's parameter gradients from dz_f, then dh_{t-1} = dz_t·W_hh.
    /// The carried dL/dc lives in <see cref="RecurrentWorkspace.CellStateCarry"/>.
    /// </summary>
    public override void BackwardStep(RecurrentWorkspace ws, in CellBackwardStep step)
    {
        var topo = step.Topology;
        int B = step.Batch, H = topo.HiddenSize, GH = topo.GateUnits, BH = B * H, t = step.T, k = step.K;
        var co = step.Offsets;
        var p = step.Parameters;
        var grad = step.Gradient;
        Span<float> dzt = step.DZ, dcNext = ws.CellStateCarry.AsSpan(0, BH);
        float inputGatePenalty = step.InputGatePenalty;
        ReadOnlySpan<float> gt = ws.Gates[k].AsSpan(t * B * GH, B * GH);
        ReadOnlySpan<float> cPrev = ws.Cs[k].AsSpan(step.PrevBlock * BH, BH);
        ReadOnlySpan<float> cCur = ws.Cs[k].AsSpan(step.OutBlock * BH, BH);
        if (topo.FusedLstm)
        {
            LstmPointwise.Backward(B, H, gt, cPrev, cCur, step.DH, dcNext, dzt, dcNext);
            // Input-gate penalty c Σ i: dz_i += c i(1 - i) (dc_prev does not depend on dz_i, so this can follow the kernel).
            if (inputGatePenalty != 0f)
                for (int b = 0; b < B; b++)
                    for (int j = 0; j < H; j++)
                    {
                        float i = gt[b * GH + j];
                        dzt[b * GH + j] += inputGatePenalty * i * (1f - i);
                    }
        }
        else
        {
            bool peep = co.Pi >= 0;
            LstmVariantCell.Backward(B, H, gt, cPrev, cCur, step.DH, dcNext,
                peep ? p.Slice(co.Pi, H) : default, peep ? p.Slice(co.Pf, H) : default, peep ? p.Slice(co.Po, H) : default,
                topo.Spec.CoupledGates, dzt,
                peep ? grad.Slice(co.Pi, H) : default, peep ? grad.Slice(co.Pf, H) : default, peep ? grad.Slice(co.Po, H) : default,
                inputGatePenalty);
        }
        if (topo.Spec.ForgetGateModifier is { } modifier)
        {
            Span<float> dzf = ws.ForgetGateScratch.AsSpan(0, BH);
            for (int b = 0; b < B; b++) dzt.Slice(b * GH + H, H).CopyTo(dzf.Slice(b * H, H));
            modifier.Backward(p.Slice(co.Mod, co.ModLength), B, H, ws.Ex.AsSpan(t * B * topo.E, B * topo.E), dzf,
                grad.Slice(co.Mod, co.ModLength));
        }
        Gemm.Multiply(false, false, B, H, GH, 1f, dzt, GH, step.Whh, H, step.WhhPacked, 0f, step.DHNext, H);
    }

    /// <summary>Streaming step: z += h·W_hh^T (GEMV), modifier term on z_f, then the same pointwise path as training.</summary>
    public override void StreamStep(in CellStreamStep step)
    {
        var topo = step.Topology;
        int H = topo.HiddenSize, GH = topo.GateUnits;
        var co = step.Offsets;
        var p = step.Parameters;
        Span<float> z = step.Z, h = step.H, c = step.C;
        Gemv.MultiplyTransposedAdd(step.WhhT, H, GH, h, z);
        if (co.Mod >= 0)
        {
            topo.Spec.ForgetGateModifier!.Forward(p.Slice(co.Mod, co.ModLength), 1, H, step.Extra, step.Term);
            VectorOps.Add(z.Slice(H, H), step.Term, z.Slice(H, H));
        }
        if (topo.FusedLstm) LstmPointwise.Forward(1, H, z, c, step.Gates, c, h);
        else
        {
            bool peep = co.Pi >= 0;
            LstmVariantCell.Forward(1, H, z, c, peep ? p.Slice(co.Pi, H) : default, peep ? p.Slice(co.Pf, H) : default,
                peep ? p.Slice(co.Po, H) : default, topo.Spec.CoupledGates, step.Gates, c, h);
        }
    }
}
