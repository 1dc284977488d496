using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// One recurrent cell type (LSTM, GRU, tanh RNN): everything that differs between cell types lives in one subclass.
/// <see cref="RecurrentWorkspace"/> (batched training forward/backward), <see cref="RecurrentStreamingEngine"/> (batch-1 steps),
/// <see cref="RecurrentNetwork"/> (initialisation, final state, telemetry) and the spec helpers call a cell without knowing its
/// type; <see cref="For"/> is the only place a <see cref="CellType"/> becomes a cell. Cells are stateless singletons: the
/// per-network settings (peepholes, coupled gates, forget-gate modifier) come with the step through its topology.
/// <para>
/// Shared layout every cell follows: per layer and direction the parameters weight_ih [G·H, in], weight_hh [G·H, H],
/// bias_ih [G·H], bias_hh [G·H] (then any extras such as LSTM peepholes); a step's pre-activation z_t [B, G·H] arrives holding
/// x_t·W_ih^T + b_ih (+ b_hh unless <see cref="SeparateRecurrentProjection"/>), and the cell adds the recurrent product itself
/// through <see cref="RecurrentWeights"/>.
/// </para>
/// </summary>
internal abstract class RecurrentCell
{
    /// <summary>The cell for <paramref name="type"/>: the one switch over cell types. A new cell adds one line here.</summary>
    public static RecurrentCell For(CellType type) => type switch
    {
        CellType.Lstm => LstmCell.Instance,
        CellType.Gru => GruCell.Instance,
        CellType.Rnn => RnnCell.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown cell type."),
    };

    /// <summary>The enum value this cell implements.</summary>
    public abstract CellType Type { get; }

    /// <summary>Gates per cell G: the weight matrices have G·H rows.</summary>
    public abstract int GateCount { get; }

    /// <summary>True when the cell carries a cell state c besides h (LSTM): state tensors then have a c part of the same shape [L·D, B, H].</summary>
    public abstract bool HasCellState { get; }

    /// <summary>
    /// True when the recurrent projection W_hh·h + b_hh must be kept apart from the input projection (GRU, whose reset gate
    /// multiplies it): b_hh is then not folded into the input bias, the training pass stores it per step in
    /// <see cref="RecurrentWorkspace.HZ"/>, and weight_hh / bias_hh take their gradient from a separate buffer.
    /// </summary>
    public virtual bool SeparateRecurrentProjection => false;

    /// <summary>
    /// The gate activations the cell stores per step, in block order: block g of a step's stored gates [B, G·H] holds
    /// signal <c>GateSignals[g]</c>. Telemetry and the streaming engine read gates through this list. Empty when the cell
    /// stores no gate activations (tanh RNN).
    /// </summary>
    public abstract IReadOnlyList<GateSignal> GateSignals { get; }

    /// <summary>True when the cell has an input gate whose activations can be penalised (block 0 of the stored gates).</summary>
    public virtual bool HasInputGate => false;

    /// <summary>Cell-specific initial values written after the uniform initialisation (for example the LSTM forget-gate bias). Default: none.</summary>
    /// <param name="parameters">The whole flat parameter buffer.</param>
    /// <param name="offsets">Offsets of one layer and direction.</param>
    /// <param name="hidden">H.</param>
    /// <param name="forgetGateBias">The requested initial forget-gate bias (cells without a forget gate ignore it).</param>
    public virtual void InitializeParameters(Span<float> parameters, in CellOffsets offsets, int hidden, float forgetGateBias) { }

    /// <summary>
    /// One training forward step of one layer and direction: completes z_t with the recurrent product, writes h_t (and the cell's
    /// own state such as c_t) and stores in the workspace what <see cref="BackwardStep"/> needs.
    /// </summary>
    public abstract void ForwardStep(RecurrentWorkspace ws, in CellForwardStep step);

    /// <summary>
    /// One backward step (steps visited in reverse order): from dL/dh_t in <c>step.DH</c> writes dL/dz_t into <c>step.DZ</c>
    /// (the rows whose gradient reaches W_ih, b_ih and the layer input), adds extra-parameter gradients, and overwrites
    /// <c>step.DHNext</c> with dL/dh_{t-1} (and the cell's own carried gradients, such as dL/dc_{t-1}, in the workspace).
    /// </summary>
    public abstract void BackwardStep(RecurrentWorkspace ws, in CellBackwardStep step);

    /// <summary>One batch-1 streaming step of one layer: z arrives as b + x·W_ih^T (b_hh folded in unless <see cref="SeparateRecurrentProjection"/>); updates h (and c) in place.</summary>
    public abstract void StreamStep(in CellStreamStep step);
}

/// <summary>The recurrent weight operand of the per-step products, prepared once per layer-direction and call.</summary>
/// <remarks>
/// Weights: W_hh [G·H, H] row-major, or its transpose [H, G·H] when Transposed (the direct GEMM path); Leading: its leading
/// dimension; Packed: W_hh packed for the packed GEMM path, or null.
/// </remarks>
internal readonly ref struct RecurrentWeights
{
    public RecurrentWeights(ReadOnlySpan<float> weights, int leading, bool transposed, GemmPackedB? packed)
    {
        Weights = weights; Leading = leading; Transposed = transposed; Packed = packed;
    }

    public ReadOnlySpan<float> Weights { get; }
    public int Leading { get; }
    public bool Transposed { get; }
    public GemmPackedB? Packed { get; }

    /// <summary>dst [B, G·H] = h [B, H]·W_hh^T + beta·dst.</summary>
    public void Multiply(int batch, int gateUnits, int hidden, ReadOnlySpan<float> h, float beta, Span<float> dst) =>
        Gemm.Multiply(false, !Transposed, batch, gateUnits, hidden, 1f, h, hidden, Weights, Leading, Packed, beta, dst, gateUnits);
}

/// <summary>What a cell's training forward step works on (one layer-direction k, one time index t).</summary>
internal readonly ref struct CellForwardStep
{
    public required NetworkTopology Topology { get; init; }
    public required ReadOnlySpan<float> Parameters { get; init; }
    public required CellOffsets Offsets { get; init; }
    /// <summary>Layer-direction index k = l·D + d.</summary>
    public required int K { get; init; }
    /// <summary>Actual time index t (descending for the reverse direction).</summary>
    public required int T { get; init; }
    public required int Batch { get; init; }
    /// <summary>Block of h_{t-1} (and c_{t-1}) in the per-k state buffers [(T+1), B, H].</summary>
    public required int PrevBlock { get; init; }
    /// <summary>Block of h_t (and c_t) in the per-k state buffers.</summary>
    public required int OutBlock { get; init; }
    public required ReadOnlySpan<float> HPrev { get; init; }
    public required Span<float> HOut { get; init; }
    /// <summary>z_t [B, G·H], holding the input projection and biases on entry.</summary>
    public required Span<float> Z { get; init; }
    public required RecurrentWeights Whh { get; init; }
}

/// <summary>What a cell's backward step works on (one layer-direction k, one time index t).</summary>
internal readonly ref struct CellBackwardStep
{
    public required NetworkTopology Topology { get; init; }
    public required ReadOnlySpan<float> Parameters { get; init; }
    public required Span<float> Gradient { get; init; }
    public required CellOffsets Offsets { get; init; }
    public required int K { get; init; }
    public required int T { get; init; }
    public required int Batch { get; init; }
    public required int PrevBlock { get; init; }
    public required int OutBlock { get; init; }
    public required ReadOnlySpan<float> HPrev { get; init; }
    /// <summary>dL/dh_t [B, H] (output gradient plus the carried dL/dh from step t+1).</summary>
    public required ReadOnlySpan<float> DH { get; init; }
    /// <summary>Destination of dL/dz_t [B, G·H].</summary>
    public required Span<float> DZ { get; init; }
    /// <summary>Destination of dL/dh_{t-1} [B, H] (overwritten).</summary>
    public required Span<float> DHNext { get; init; }
    /// <summary>W_hh [G·H, H] row-major, for dh_{t-1} = dz·W_hh.</summary>
    public required ReadOnlySpan<float> Whh { get; init; }
    public required GemmPackedB? WhhPacked { get; init; }
    /// <summary>c of the input-gate penalty c·Σi (0 for none; only cells with <see cref="RecurrentCell.HasInputGate"/>).</summary>
    public required float InputGatePenalty { get; init; }
}

/// <summary>What a cell's streaming step works on (one layer, batch 1).</summary>
internal readonly ref struct CellStreamStep
{
    public required NetworkTopology Topology { get; init; }
    public required ReadOnlySpan<float> Parameters { get; init; }
    public required CellOffsets Offsets { get; init; }
    /// <summary>W_hh^T [H, G·H] for the GEMV.</summary>
    public required float[] WhhT { get; init; }
    /// <summary>b_hh [G·H] (zero when folded into the input bias).</summary>
    public required float[] BiasHh { get; init; }
    /// <summary>z [G·H], holding b + x·W_ih^T on entry.</summary>
    public required Span<float> Z { get; init; }
    /// <summary>Scratch [G·H] for the separate recurrent projection (empty unless <see cref="RecurrentCell.SeparateRecurrentProjection"/>).</summary>
    public required Span<float> HZ { get; init; }
    /// <summary>Gate activations [G·H], read through <see cref="RecurrentCell.GateSignals"/>.</summary>
    public required Span<float> Gates { get; init; }
    /// <summary>h, updated in place.</summary>
    public required Span<float> H { get; init; }
    /// <summary>c, updated in place (empty without <see cref="RecurrentCell.HasCellState"/>).</summary>
    public required Span<float> C { get; init; }
    /// <summary>Forget-gate modifier term [H] (empty without a modifier).</summary>
    public required Span<float> Term { get; init; }
    /// <summary>The step's extra (modifier) input e_t.</summary>
    public required ReadOnlySpan<float> Extra { get; init; }
}
