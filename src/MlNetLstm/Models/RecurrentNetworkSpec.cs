namespace MlNetLstm.Models;

/// <summary>
/// Immutable architecture of a <see cref="RecurrentNetwork"/>: cell, sizes, stacking, direction, LSTM variants,
/// an optional forget-gate modifier and an optional dense head <c>y = W h + b</c>.
/// </summary>
public sealed record RecurrentNetworkSpec
{
    /// <summary>Default number of stacked layers.</summary>
    public const int DefaultLayers = 1;

    /// <summary>Cell type. Default <see cref="CellType.Lstm"/>.</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>Input features per time step, I &gt; 0.</summary>
    public int InputSize { get; init; }

    /// <summary>Hidden units per layer and direction, H &gt; 0.</summary>
    public int HiddenSize { get; init; }

    /// <summary>Stacked layers L &gt;= 1; layer l &gt; 0 reads the D*H outputs of layer l-1.</summary>
    public int Layers { get; init; } = DefaultLayers;

    /// <summary>When true every layer has a reverse direction (D = 2) whose outputs are concatenated after the forward ones.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>
    /// LSTM only: peephole connections (Gers and Schmidhuber 2000). z_i += w_ci ⊙ c_{t-1}, z_f += w_cf ⊙ c_{t-1},
    /// z_o += w_co ⊙ c_t. Parameters weight_peephole_{i,f,o}_l{k}[_reverse], each [H].
    /// </summary>
    public bool Peepholes { get; init; }

    /// <summary>
    /// LSTM only: coupled input-forget gate, i = 1 - f. The input-gate rows of weight_ih/weight_hh/biases are kept
    /// (PyTorch layout) but unused; their gradient is zero.
    /// </summary>
    public bool CoupledGates { get; init; }

    /// <summary>
    /// LSTM only: optional extension adding a term to every forget-gate pre-activation z_f (every layer and direction
    /// has its own parameters). Null for none.
    /// </summary>
    public IForgetGateModifier? ForgetGateModifier { get; init; }

    /// <summary>Outputs O of the dense head; 0 means no head (the network returns the top-layer hidden outputs).</summary>
    public int OutputSize { get; init; }

    /// <summary>Where the dense head reads (ignored without a head). Default <see cref="HeadMode.LastStep"/>.</summary>
    public HeadMode HeadMode { get; init; } = HeadMode.LastStep;

    /// <summary>Number of directions D (1 or 2).</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Gates per cell G: 4 (LSTM), 3 (GRU) or 1 (RNN); weight_ih and weight_hh have G·H rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Cell"/> is not a defined <see cref="CellType"/>.</exception>
    public int GateCount => RecurrentCell.For(Cell).GateCount;

    /// <summary>Width of the top-layer output per step, D*H.</summary>
    public int RecurrentOutputSize => Directions * HiddenSize;

    /// <summary>Extra input features per step required by the forget-gate modifier (0 without one).</summary>
    public int ExtraInputSize => ForgetGateModifier?.ExtraInputSize ?? 0;

    /// <summary>Throws <see cref="ArgumentException"/> describing the first invalid setting.</summary>
    public void Validate()
    {
        if (InputSize <= 0) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "InputSize must be positive.");
        if (HiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "HiddenSize must be positive.");
        if (Layers <= 0) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "Layers must be at least 1.");
        if (OutputSize < 0) throw new ArgumentOutOfRangeException(nameof(OutputSize), OutputSize, "OutputSize must be 0 (no head) or positive.");
        if (!Enum.IsDefined(Cell)) throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Unknown cell type.");
        if (!Enum.IsDefined(HeadMode)) throw new ArgumentOutOfRangeException(nameof(HeadMode), HeadMode, "Unknown head mode.");
        if (Cell != CellType.Lstm && (Peepholes || CoupledGates || ForgetGateModifier != null))
            throw new ArgumentException("Peepholes, CoupledGates and ForgetGateModifier apply to LSTM cells only.", nameof(Cell));
        if (ForgetGateModifier != null && ForgetGateModifier.ExtraInputSize < 0)
            throw new ArgumentException("ForgetGateModifier.ExtraInputSize must not be negative.", nameof(ForgetGateModifier));
    }
}
