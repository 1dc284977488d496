using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// Preallocated buffers and the batched forward/backward pass for one caller (one thread) at a time.
/// Internal layout is time-major: X [T, B, I], per layer/direction pre-activations Z [T, B, G*H], hidden states
/// Hs [(T+1), B, H] (forward direction: block t+1 holds h_t and block 0 the initial state; reverse direction:
/// block t holds h_t and block T the initial state), so every per-step slice is a contiguous [B, *] matrix.
/// The input projection X·W_ih^T + b for all T steps is one GEMM; per step only H·W_hh^T is multiplied. Everything that depends on
/// the cell type (the per-step forward and backward, which buffers exist) is asked of <see cref="NetworkTopology.Cell"/>.
/// </summary>
internal sealed class RecurrentWorkspace
{
    private readonly NetworkTopology _t;
    private int _capB, _capT;

    public float[] X = [];
    public float[] Ex = [];
    public float[][] Z = [], Gates = [], HZ = [], Hs = [], Cs = [], Mod = [], Out = [];
    public float[] Y = [];
    public float[] DY = [];
    public float[] DX = [];
    private float[][] _dOut = [];
    private float[] _whhT = [];
    // W_hh packed once per Forward / Backward call and layer-direction for the per-step GEMMs that take the packed path
    // (bitwise the same products; the per-call packing of the same matrix at every step is skipped).
    private GemmPackedB? _whhPackedForward, _whhPackedBackward;
    private float[] _dZ = [], _dh = [], _dhNext = [], _bias = [];

    /// <summary>dL/dhz per step [T, B, G·H] for cells with a <see cref="RecurrentCell.SeparateRecurrentProjection"/> (GRU), else empty.</summary>
    public float[] DHZ = [];
    /// <summary>The backward pass's carried gradient of the cell state, dL/dc [B, H] (cleared per layer-direction; used by cells with a cell state).</summary>
    public float[] CellStateCarry = [];
    /// <summary>Scratch [B, H] for dL/dz_f handed to a forget-gate modifier.</summary>
    public float[] ForgetGateScratch = [];

    public RecurrentWorkspace(NetworkTopology topology) => _t = topology;

    public int Batch { get; private set; }
    public int Steps { get; private set; }

    /// <summary>Makes the buffers large enough for [batch, steps] and sets the active sizes.</summary>
    public void Ensure(int batch, int steps)
    {
        Batch = batch; Steps = steps;
        if (batch <= _capB && steps <= _capT) return;
        CheckSize(_t, Math.Max(batch, _capB), Math.Max(steps, _capT));
        _capB = Math.Max(batch, _capB); _capT = Math.Max(steps, _capT);
        int B = _capB, T = _capT, H = _t.HiddenSize, GH = _t.GateUnits, DH = _t.LayerOutputWidth, LD = _t.Layers * _t.Directions;
        var cell = _t.Cell;
        bool separate = cell.SeparateRecurrentProjection;
        X = new float[T * B * _t.I];
        Ex = new float[T * B * Math.Max(_t.E, 0)];
        Z = New(LD, T * B * GH);
        Gates = cell.GateSignals.Count == 0 ? New(LD, 0) : New(LD, T * B * GH);
        HZ = separate ? New(LD, T * B * GH) : New(LD, 0);
        Hs = New(LD, (T + 1) * B * H);
        Cs = cell.HasCellState ? New(LD, (T + 1) * B * H) : New(LD, 0);
        Mod = _t.E > 0 || _t.Spec.ForgetGateModifier != null ? New(LD, T * B * H) : New(LD, 0);
        Out = New(_t.Layers, T * B * DH);
        int outRows = _t.OutputPerStep ? T * B : B;
        Y = new float[outRows * _t.OutputWidth];
        DY = new float[outRows * _t.OutputWidth];
        DX = new float[T * B * _t.I];
        _dOut = New(_t.Layers, T * B * DH);
        _dZ = new float[T * B * GH];
        DHZ = separate ? new float[T * B * GH] : [];
        _dh = new float[B * H]; _dhNext = new float[B * H]; CellStateCarry = new float[B * H]; ForgetGateScratch = new float[B * H];
        _bias = new float[GH];
    }

    /// <summary>
    /// Refuses a [batch, steps] whose largest buffer ((steps + 1)·batch·max(G·H, D·H, I, E) floats) does not fit in an array,
    /// counted in 64 bits so nothing wraps.
    /// </summary>
    internal static void CheckSize(NetworkTopology t, int batch, int steps)
    {
        long width = Math.Max(Math.Max((long)t.GateUnits, t.LayerOutputWidth), Math.Max(t.I, Math.Max(t.E, t.OutputWidth)));
        long largest = ((long)steps + 1) * batch * width;
        if (largest > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"batch {batch} × steps {steps} is too large for this network (hidden {t.HiddenSize}, input {t.I}): one workspace buffer would need {largest:N0} values, " +
                $"more than the {Array.MaxLength:N0} an array holds. Use smaller batches or shorter sequences.");
        }
    }

    private static float[][] New(int count, int length)
    {
        var a = new float[count][];
        for (int k = 0; k < count; k++) a[k] = new float[length];
        return a;
    }

    /// <summary>Writes batch row <paramref name="b"/> from a batch-major sequence [T, I] into X.</summary>
    public void SetInputRow(int b, ReadOnlySpan<float> sequence)
    {
        int I = _t.I, B = Batch;
        for (int s = 0; s < Steps; s++) sequence.Slice(s * I, I).CopyTo(X.AsSpan((s * B + b) * I, I));
    }

    /// <summary>Writes batch row <paramref name="b"/> of the extra (modifier) input [T, E] into Ex.</summary>
    public void SetExtraRow(int b, ReadOnlySpan<float> sequence)
    {
        int E = _t.E, B = Batch;
        if (E == 0) return;
        for (int s = 0; s < Steps; s++) sequence.Slice(s * E, E).CopyTo(Ex.AsSpan((s * B + b) * E, E));
    }

    private static int HPrevBlock(int d, int t) => d == 0 ? t : t + 1;
    private static int HOutBlock(int d, int t) => d == 0 ? t + 1 : t;
    private int InitBlock(int d) => d == 0 ? 0 : Steps;
    private int FinalBlock(int d) => d == 0 ? Steps : 0;

    /// <summary>
    /// Forward pass over the loaded input. <paramref name="h0"/>/<paramref name="c0"/> are [L*D, B, H] (empty = zeros).
    /// Output in <see cref="Y"/> (head) or <see cref="Out"/>[L-1] (no head), time-major. <paramref name="shared"/>, when given and
    /// packed for this batch size from the same <paramref name="p"/>, supplies W_hh already packed (read only).
    /// </summary>
    public void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, RecurrentWeightPacks? shared = null)
    {
        int B = Batch, T = Steps, H = _t.HiddenSize, GH = _t.GateUnits, DH = _t.LayerOutputWidth, D = _t.Directions, BH = B * H;
        var cell = _t.Cell;
        for (int l = 0; l < _t.Layers; l++)
        {
            float[] inp = l == 0 ? X : Out[l - 1];
            float[] outL = Out[l];
            for (int d = 0; d < D; d++)
            {
                int k = l * D + d;
                var co = _t.Cells[k];
                int inSize = co.InSize;
                float[] z = Z[k], hs = Hs[k];
                // Input projection for all steps: Z = X W_ih^T (+ biases).
                Gemm.Multiply(false, true, T * B, GH, inSize, 1f, inp, inSize, p.Slice(co.Wih, GH * inSize), inSize, 0f, z, GH);
                Span<float> bias = _bias;
                p.Slice(co.Bih, GH).CopyTo(bias);
                if (!cell.SeparateRecurrentProjection) VectorOps.Add(bias, p.Slice(co.Bhh, GH), bias);
                VectorOps.AddRowBroadcast(bias, z.AsSpan(0, T * B * GH), T * B);
                // Initial state.
                Span<float> hInit = hs.AsSpan(InitBlock(d) * BH, BH);
                if (h0.IsEmpty) hInit.Clear(); else h0.Slice(k * BH, BH).CopyTo(hInit);
                if (cell.HasCellState)
                {
                    Span<float> cInit = Cs[k].AsSpan(InitBlock(d) * BH, BH);
                    if (c0.IsEmpty) cInit.Clear(); else c0.Slice(k * BH, BH).CopyTo(cInit);
                }
                // When the per-step GEMM takes Gemm's direct (unpacked) path (small W_hh, or very few rows), a transposed B would be
                // transposed into scratch on every step: transpose W_hh once per call instead ([H, G*H], row-major B). The direct
                // kernel sees the same operand, so results are bitwise unchanged. Larger shapes pack B per call either way.
                bool preT = !RecurrentWeightPacks.PacksFor(_t, B);
                ReadOnlySpan<float> whh = p.Slice(co.Whh, GH * H);
                int ldw = H;
                if (preT)
                {
                    if (_whhT.Length != GH * H) _whhT = new float[GH * H];
                    for (int r = 0; r < GH; r++)
                        for (int c = 0; c < H; c++) _whhT[c * GH + r] = whh[r * H + c];
                    whh = _whhT; ldw = GH;
                }
                GemmPackedB? packed = preT ? null
                    : shared is { } sp && sp.Rows == B ? sp.Forward(k)
                    : (_whhPackedForward = Gemm.Pack(true, GH, H, whh, ldw, _whhPackedForward, B));
                var weights = new RecurrentWeights(whh, ldw, preT, packed);
                for (int s = 0; s < T; s++)
                {
                    int t = d == 0 ? s : T - 1 - s;
                    Span<float> hOut = hs.AsSpan(HOutBlock(d, t) * BH, BH);
                    cell.ForwardStep(this, new CellForwardStep
                    {
                        Topology = _t, Parameters = p, Offsets = co, K = k, T = t, Batch = B,
                        PrevBlock = HPrevBlock(d, t), OutBlock = HOutBlock(d, t),
                        HPrev = hs.AsSpan(HPrevBlock(d, t) * BH, BH), HOut = hOut, Z = z.AsSpan(t * B * GH, B * GH), Whh = weights,
                    });
                    for (int b = 0; b < B; b++) hOut.Slice(b * H, H).CopyTo(outL.AsSpan((t * B + b) * DH + d * H, H));
                }
            }
        }
        if (_t.HasHead) HeadForward(p);
    }

    private void HeadForward(ReadOnlySpan<float> p)
    {
        int B = Batch, T = Steps, DH = _t.LayerOutputWidth, O = _t.O;
        float[] top = Out[_t.Layers - 1];
        int rows = _t.OutputPerStep ? T * B : B;
        ReadOnlySpan<float> src = _t.OutputPerStep ? top.AsSpan(0, T * B * DH) : top.AsSpan((T - 1) * B * DH, B * DH);
        Gemm.Multiply(false, true, rows, O, DH, 1f, src, DH, p.Slice(_t.HeadW, O * DH), DH, 0f, Y, O);
        VectorOps.AddRowBroadcast(p.Slice(_t.HeadB, O), Y.AsSpan(0, rows * O), rows);
    }

    /// <summary>Active output rows (T*B per-step, else B) and width.</summary>
    public int OutputRows => _t.OutputPerStep ? Steps * Batch : Batch;

    /// <summary>The network output buffer (time-major rows).</summary>
    public float[] Output => _t.HasHead ? Y : Out[_t.Layers - 1];

    /// <summary>Copies the final states into [L*D, B, H] spans (c ignored for non-LSTM cells or when empty).</summary>
    public void GetFinalState(Span<float> h, Span<float> c)
    {
        int BH = Batch * _t.HiddenSize;
        for (int k = 0; k < _t.Layers * _t.Directions; k++)
        {
            int d = k % _t.Directions;
            Hs[k].AsSpan(FinalBlock(d) * BH, BH).CopyTo(h.Slice(k * BH, BH));
            if (_t.Cell.HasCellState && !c.IsEmpty) Cs[k].AsSpan(FinalBlock(d) * BH, BH).CopyTo(c.Slice(k * BH, BH));
        }
    }

    /// <summary>Number of input-gate activations of the last <see cref="Forward"/>: L * D * T * B * H (LSTM).</summary>
    public long InputGateCount => (long)_t.Layers * _t.Directions * Steps * Batch * _t.HiddenSize;

    /// <summary>Sum of the input-gate activations i (i = 1 - f for coupled gates) over every layer, direction, step, row and unit of the last <see cref="Forward"/> (LSTM).</summary>
    public double InputGateSum()
    {
        int rows = Steps * Batch, H = _t.HiddenSize, GH = _t.GateUnits;
        double sum = 0;
        for (int k = 0; k < _t.Layers * _t.Directions; k++)
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> i = Gates[k].AsSpan(r * GH, H);
                for (int j = 0; j < H; j++) sum += i[j];
            }
        return sum;
    }

    /// <summary>
    /// Backward pass for the last <see cref="Forward"/>, given dL/dOutput in <see cref="DY"/> (time-major, same layout as the output).
    /// Adds parameter gradients into <paramref name="grad"/>; when <paramref name="inputGradient"/> is true, fills <see cref="DX"/> [T, B, I].
    /// <paramref name="inputGatePenalty"/> (LSTM only) is c in an extra loss term c · Σ i over every input-gate activation (c = λ/N for
    /// λ · mean(i)): it adds c to dL/di, i.e. c · i(1 - i) to dL/dz_i (for coupled gates, i = 1 - f, -c · f(1 - f) to dL/dz_f). 0 adds nothing.
    /// <paramref name="shared"/>, when given and packed (with its backward packs) for this batch size from the same <paramref name="p"/>,
    /// supplies W_hh already packed (read only).
    /// </summary>
    public void Backward(ReadOnlySpan<float> p, Span<float> grad, bool inputGradient, float inputGatePenalty = 0f, RecurrentWeightPacks? shared = null)
    {
        int B = Batch, T = Steps, H = _t.HiddenSize, GH = _t.GateUnits, DH = _t.LayerOutputWidth, D = _t.Directions, O = _t.O, BH = B * H;
        var cell = _t.Cell;
        float[] dTop = _dOut[_t.Layers - 1];
        if (_t.HasHead)
        {
            float[] top = Out[_t.Layers - 1];
            ReadOnlySpan<float> w = p.Slice(_t.HeadW, O * DH);
            if (_t.OutputPerStep)
            {
                Gemm.Multiply(true, false, O, DH, T * B, 1f, DY, O, top, DH, 1f, grad.Slice(_t.HeadW, O * DH), DH);
                VectorOps.AddColumnSums(DY.AsSpan(0, T * B * O), T * B, grad.Slice(_t.HeadB, O));
                Gemm.Multiply(false, false, T * B, DH, O, 1f, DY, O, w, DH, 0f, dTop, DH);
            }
            else
            {
                ReadOnlySpan<float> last = top.AsSpan((T - 1) * B * DH, B * DH);
                Gemm.Multiply(true, false, O, DH, B, 1f, DY, O, last, DH, 1f, grad.Slice(_t.HeadW, O * DH), DH);
                VectorOps.AddColumnSums(DY.AsSpan(0, B * O), B, grad.Slice(_t.HeadB, O));
                dTop.AsSpan(0, (T - 1) * B * DH).Clear();
                Gemm.Multiply(false, false, B, DH, O, 1f, DY, O, w, DH, 0f, dTop.AsSpan((T - 1) * B * DH, B * DH), DH);
            }
        }
        else
        {
            DY.AsSpan(0, T * B * DH).CopyTo(dTop);
        }

        for (int l = _t.Layers - 1; l >= 0; l--)
        {
            float[] inp = l == 0 ? X : Out[l - 1];
            float[] dOutL = _dOut[l];
            bool needInput = l > 0 || inputGradient;
            int inSize = _t.Cells[l * D].InSize;
            Span<float> dIn = l > 0 ? _dOut[l - 1].AsSpan(0, T * B * inSize) : DX.AsSpan(0, T * B * inSize);
            if (needInput) dIn.Clear();
            for (int d = 0; d < D; d++)
            {
                int k = l * D + d;
                var co = _t.Cells[k];
                float[] hs = Hs[k];
                ReadOnlySpan<float> whh = p.Slice(co.Whh, GH * H);
                // dh_prev = dz W_hh at every step: pack W_hh once when those products take the packed path.
                GemmPackedB? packedBack = !RecurrentWeightPacks.PacksFor(_t, B) ? null
                    : shared is { } sp && sp.Rows == B && sp.HasBackward ? sp.Backward(k)
                    : (_whhPackedBackward = Gemm.Pack(false, H, GH, whh, H, _whhPackedBackward, B));
                Span<float> dhNext = _dhNext.AsSpan(0, BH), dh = _dh.AsSpan(0, BH);
                dhNext.Clear(); CellStateCarry.AsSpan(0, BH).Clear();
                for (int s = T - 1; s >= 0; s--)
                {
                    int t = d == 0 ? s : T - 1 - s;
                    for (int b = 0; b < B; b++)
                        VectorOps.Add(dOutL.AsSpan((t * B + b) * DH + d * H, H), dhNext.Slice(b * H, H), dh.Slice(b * H, H));
                    cell.BackwardStep(this, new CellBackwardStep
                    {
                        Topology = _t, Parameters = p, Gradient = grad, Offsets = co, K = k, T = t, Batch = B,
                        PrevBlock = HPrevBlock(d, t), OutBlock = HOutBlock(d, t),
                        HPrev = hs.AsSpan(HPrevBlock(d, t) * BH, BH), DH = dh, DZ = _dZ.AsSpan(t * B * GH, B * GH), DHNext = dhNext,
                        Whh = whh, WhhPacked = packedBack, InputGatePenalty = inputGatePenalty,
                    });
                }
                // Weight gradients over all steps at once.
                int rows = T * B;
                ReadOnlySpan<float> dZall = _dZ.AsSpan(0, rows * GH);
                ReadOnlySpan<float> hPrevAll = hs.AsSpan((d == 0 ? 0 : 1) * BH, rows * H);
                Gemm.Multiply(true, false, GH, inSize, rows, 1f, dZall, GH, inp, inSize, 1f, grad.Slice(co.Wih, GH * inSize), inSize);
                VectorOps.AddColumnSums(dZall, rows, grad.Slice(co.Bih, GH));
                ReadOnlySpan<float> dRec = cell.SeparateRecurrentProjection ? DHZ.AsSpan(0, rows * GH) : dZall;
                Gemm.Multiply(true, false, GH, H, rows, 1f, dRec, GH, hPrevAll, H, 1f, grad.Slice(co.Whh, GH * H), H);
                VectorOps.AddColumnSums(dRec, rows, grad.Slice(co.Bhh, GH));
                if (needInput)
                    Gemm.Multiply(false, false, rows, inSize, GH, 1f, dZall, GH, p.Slice(co.Wih, GH * inSize), inSize, 1f, dIn, inSize);
            }
        }
    }
}
