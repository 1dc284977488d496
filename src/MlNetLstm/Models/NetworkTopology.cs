namespace MlNetLstm.Models;

/// <summary>Offsets of one layer/direction's parameters in the flat buffer (-1 when absent).</summary>
internal readonly record struct CellOffsets(int InSize, int Wih, int Whh, int Bih, int Bhh, int Pi, int Pf, int Po, int Mod, int ModLength);

/// <summary>Precomputed offsets for a spec; shared by the model, the workspaces and the streaming engines.</summary>
internal sealed class NetworkTopology
{
    public NetworkTopology(RecurrentNetworkSpec spec)
    {
        spec.Validate();
        Spec = spec;
        Cell = RecurrentCell.For(spec.Cell);
        HiddenSize = spec.HiddenSize; Directions = spec.Directions; Layers = spec.Layers; GateCount = spec.GateCount;
        I = spec.InputSize; O = spec.OutputSize; E = spec.ExtraInputSize;
        CheckSize(spec);
        GateUnits = GateCount * HiddenSize; LayerOutputWidth = Directions * HiddenSize;
        var entries = new List<(string, int[])>();
        Cells = new CellOffsets[Layers * Directions];
        int offset = 0;
        int Add(string name, params int[] shape)
        {
            entries.Add((name, shape));
            int at = offset;
            int n = 1; foreach (int s in shape) n = checked(n * s);
            offset = checked(offset + n);
            return at;
        }
        for (int l = 0; l < Layers; l++)
        {
            int inSize = l == 0 ? I : LayerOutputWidth;
            for (int d = 0; d < Directions; d++)
            {
                string sfx = Suffix(l, d);
                int wih = Add("weight_ih" + sfx, GateUnits, inSize);
                int whh = Add("weight_hh" + sfx, GateUnits, HiddenSize);
                int bih = Add("bias_ih" + sfx, GateUnits);
                int bhh = Add("bias_hh" + sfx, GateUnits);
                int pi = -1, pf = -1, po = -1, mod = -1, modLen = 0;
                if (spec.Peepholes)
                {
                    pi = Add("weight_peephole_i" + sfx, HiddenSize);
                    pf = Add("weight_peephole_f" + sfx, HiddenSize);
                    po = Add("weight_peephole_o" + sfx, HiddenSize);
                }
                if (spec.ForgetGateModifier is { } m)
                {
                    mod = offset;
                    foreach (var (n, shape) in m.GetParameterShapes(HiddenSize)) Add("forget_modifier_" + n + sfx, shape);
                    modLen = offset - mod;
                }
                Cells[l * Directions + d] = new CellOffsets(inSize, wih, whh, bih, bhh, pi, pf, po, mod, modLen);
            }
        }
        HeadW = HeadB = -1;
        if (O > 0)
        {
            HeadW = Add("head.weight", O, LayerOutputWidth);
            HeadB = Add("head.bias", O);
        }
        Layout = new ParameterLayout(entries);
    }

    /// <summary>
    /// Refuses architectures whose parameter count or per-sequence buffers do not fit in a .NET array (counted in 64 bits, so
    /// nothing wraps): P = L·D·(G·H·(I' + H + 2) + extras) + O·(D·H + 1) with I' the layer input (I, then D·H).
    /// </summary>
    private static void CheckSize(RecurrentNetworkSpec spec)
    {
        long h = spec.HiddenSize, d = spec.Directions, g = spec.GateCount, i = spec.InputSize, o = spec.OutputSize;
        long total = 0;
        for (int l = 0; l < spec.Layers; l++)
        {
            long inSize = l == 0 ? i : d * h;
            // G·H·inSize + G·H·H + 2·G·H (+ 3·H peepholes, + modifier parameters, at most a few H·(E + 2))
            total += d * (g * h * (inSize + h + 2) + 3 * h + h * (Math.Max(spec.ExtraInputSize, 0) + 4));
            if (total > Array.MaxLength) break;
        }
        total += o * (d * h + 1);
        if (total > Array.MaxLength || g * h * Math.Max(d * h, i) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(spec),
                $"RecurrentNetworkSpec with InputSize {spec.InputSize}, HiddenSize {spec.HiddenSize}, Layers {spec.Layers}, Directions {spec.Directions} " +
                $"needs about {total:N0} parameters (one weight matrix alone {g * h * Math.Max(d * h, i):N0} values); at most {Array.MaxLength:N0} fit in an array. Use a smaller HiddenSize or InputSize.");
        }
    }

    public static string Suffix(int layer, int direction) => "_l" + layer + (direction == 1 ? "_reverse" : "");

    public RecurrentNetworkSpec Spec { get; }
    /// <summary>The cell implementation for <see cref="RecurrentNetworkSpec.Cell"/>.</summary>
    public RecurrentCell Cell { get; }
    public ParameterLayout Layout { get; }
    public CellOffsets[] Cells { get; }
    /// <summary>Hidden units per layer and direction (H).</summary>
    public int HiddenSize { get; }
    /// <summary>Directions: 1, or 2 when bidirectional (D).</summary>
    public int Directions { get; }
    /// <summary>Stacked layers (L).</summary>
    public int Layers { get; }
    /// <summary>Gates per cell (G): 4 for LSTM, 3 for GRU, 1 for the tanh RNN.</summary>
    public int GateCount { get; }
    /// <summary>Rows of a layer's weight matrices, G·H: the stacked gate pre-activations of one step.</summary>
    public int GateUnits { get; }
    /// <summary>Width of a layer's output per step, D·H (both directions concatenated): the next layer's input width.</summary>
    public int LayerOutputWidth { get; }
    public int I { get; }
    public int O { get; }
    public int E { get; }
    public int HeadW { get; }
    public int HeadB { get; }
    public bool HasHead => O > 0;
    /// <summary>True for an LSTM whose pointwise step is the fused kernel (<see cref="LstmCell.UsesFusedKernel"/>).</summary>
    public bool FusedLstm => Cell is LstmCell && LstmCell.UsesFusedKernel(Spec);

    /// <summary>Width of one step of the network output (O with a head, else D*H).</summary>
    public int OutputWidth => HasHead ? O : LayerOutputWidth;

    /// <summary>True when the output has one row per step (every-step head or no head).</summary>
    public bool OutputPerStep => !HasHead || Spec.HeadMode == HeadMode.EveryStep;
}
