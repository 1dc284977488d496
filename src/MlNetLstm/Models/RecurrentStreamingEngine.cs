using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// Step-by-step inference for one caller (batch 1, unidirectional networks). Carries (h, c) for every layer between calls;
/// all buffers are preallocated and the weights were transposed once when the model was built, so <see cref="Step"/>
/// allocates nothing. Not thread-safe: create one engine per caller; the underlying <see cref="RecurrentNetwork"/> is shared.
/// Step computes, per layer, z = b + W_ih^T-packed GEMV(x) + W_hh^T-packed GEMV(h_prev), then the cell update; the result
/// equals <see cref="RecurrentNetwork.Forward"/> at each step up to float rounding.
/// </summary>
public sealed class RecurrentStreamingEngine
{
    private readonly RecurrentNetwork _net;
    private readonly NetworkTopology _t;
    private readonly float[][] _z, _hz, _gates, _h, _c, _term;
    private readonly float[] _y;

    internal RecurrentStreamingEngine(RecurrentNetwork network)
    {
        _net = network;
        _t = network.Topology;
        if (_t.Directions != 1) throw new NotSupportedException("Streaming needs a unidirectional network: a reverse direction needs the future.");
        int L = _t.Layers, GH = _t.GateUnits, H = _t.HiddenSize;
        _z = Alloc(L, GH); _hz = Alloc(L, _t.Cell.SeparateRecurrentProjection ? GH : 0); _gates = Alloc(L, GH);
        _h = Alloc(L, H); _c = Alloc(L, _t.Cell.HasCellState ? H : 0); _term = Alloc(L, _t.Spec.ForgetGateModifier != null ? H : 0);
        _y = new float[_t.HasHead ? _t.O : 0];
    }

    private static float[][] Alloc(int n, int len)
    {
        var a = new float[n][];
        for (int i = 0; i < n; i++) a[i] = new float[len];
        return a;
    }

    /// <summary>The shared model.</summary>
    public RecurrentNetwork Network => _net;

    /// <summary>Number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>Zeroes (h, c) of every layer.</summary>
    public void Reset()
    {
        for (int l = 0; l < _t.Layers; l++) { Array.Clear(_h[l]); Array.Clear(_c[l]); }
        StepCount = 0;
    }

    /// <summary>Sets (h, c) from a batch-1 state (for example the final state of a batched forward pass).</summary>
    /// <param name="state">[L, 1, H] state.</param>
    public void SetState(RecurrentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.LayersTimesDirections != _t.Layers || state.Batch != 1 || state.HiddenSize != _t.HiddenSize)
            throw new ArgumentException($"state is [{state.LayersTimesDirections}, {state.Batch}, {state.HiddenSize}], expected [{_t.Layers}, 1, {_t.HiddenSize}].", nameof(state));
        for (int l = 0; l < _t.Layers; l++)
        {
            state.Hidden.Slice(l * _t.HiddenSize, _t.HiddenSize).CopyTo(_h[l]);
            if (_c[l].Length > 0)
            {
                if (state.Cell.IsEmpty) throw new ArgumentException("state needs a cell state for an LSTM.", nameof(state));
                state.Cell.Slice(l * _t.HiddenSize, _t.HiddenSize).CopyTo(_c[l]);
            }
        }
    }

    /// <summary>A copy of the current state, [L, 1, H].</summary>
    public RecurrentState GetState()
    {
        int H = _t.HiddenSize;
        var h = new float[_t.Layers * H];
        var c = _t.Cell.HasCellState ? new float[_t.Layers * H] : [];
        for (int l = 0; l < _t.Layers; l++)
        {
            _h[l].CopyTo(h, l * H);
            if (c.Length > 0) _c[l].CopyTo(c, l * H);
        }
        return new RecurrentState(_t.Layers, 1, H, h, c);
    }

    /// <summary>
    /// The latest value of a per-step signal for layer <paramref name="layer"/>, length H (valid until the next step).
    /// </summary>
    /// <param name="signal">Gate or state; must exist for the cell type.</param>
    /// <param name="layer">Layer in [0, L).</param>
    public ReadOnlySpan<float> GetSignal(GateSignal signal, int layer = 0)
    {
        if ((uint)layer >= (uint)_t.Layers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layer must be in [0, {_t.Layers}).");
        int H = _t.HiddenSize;
        var cell = _t.Cell;
        if (signal == GateSignal.Hidden) return _h[layer];
        if (signal == GateSignal.CellState && cell.HasCellState) return _c[layer];
        if (signal == GateSignal.ForgetModifierTerm && _term[layer].Length > 0) return _term[layer];
        for (int g = 0; g < cell.GateSignals.Count; g++)
            if (cell.GateSignals[g] == signal) return _gates[layer].AsSpan(g * H, H);
        throw new ArgumentException($"Signal {signal} is not available for this {cell.Type} network.", nameof(signal));
    }

    /// <summary>
    /// Advances one step and returns the network output for it: the head output [O], or the top hidden state [H] without a head.
    /// The returned span is valid until the next call.
    /// </summary>
    /// <param name="input">x_t, length I, finite.</param>
    /// <param name="extra">Modifier input e_t, length E (empty without a modifier).</param>
    public ReadOnlySpan<float> Step(ReadOnlySpan<float> input, ReadOnlySpan<float> extra = default)
    {
        if (input.Length != _t.I) throw new ArgumentException($"input has length {input.Length}, expected {_t.I}.", nameof(input));
        if (extra.Length != _t.E) throw new ArgumentException($"extra has length {extra.Length}, expected {_t.E}.", nameof(extra));
        if (!VectorOps.AllFinite(input)) InputValidation.Finite(input, nameof(input));
        if (!VectorOps.AllFinite(extra)) InputValidation.Finite(extra, nameof(extra));
        var p = _net.Parameters;
        int GH = _t.GateUnits;
        var cell = _t.Cell;
        ReadOnlySpan<float> x = input;
        for (int l = 0; l < _t.Layers; l++)
        {
            var co = _t.Cells[l];
            Span<float> z = _z[l], h = _h[l];
            _net.BiasIh[l].CopyTo(z);
            Gemv.MultiplyTransposedAdd(_net.WihT[l], co.InSize, GH, x, z);
            cell.StreamStep(new CellStreamStep
            {
                Topology = _t, Parameters = p, Offsets = co, WhhT = _net.WhhT[l], BiasHh = _net.BiasHh[l],
                Z = z, HZ = _hz[l], Gates = _gates[l], H = h, C = _c[l], Term = _term[l], Extra = extra,
            });
            x = h;
        }
        StepCount++;
        if (!_t.HasHead) return x;
        _net.Parameters.Slice(_t.HeadB, _t.O).CopyTo(_y);
        Gemv.MultiplyTransposedAdd(_net.HeadT, _t.LayerOutputWidth, _t.O, x, _y);
        return _y;
    }
}
