using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// An immutable, thread-safe recurrent network (stacked, optionally bidirectional LSTM / GRU / tanh-RNN with an optional
/// dense head) whose weights live in one flat float buffer with PyTorch state_dict names and layouts
/// (weight_ih_l{k}[_reverse] [G*H, in], weight_hh_l{k} [G*H, H], bias_ih_l{k} [G*H], bias_hh_l{k} [G*H]; gate order
/// i, f, g, o for LSTM and r, z, n for GRU; head.weight [O, D*H], head.bias [O]).
/// Public sequence tensors are batch-major row-major: inputs [B, T, I], extra (modifier) inputs [B, T, E].
/// </summary>
public sealed partial class RecurrentNetwork
{
    /// <summary>Default initial forget-gate bias (written into bias_ih's forget slice; bias_hh's is 0).</summary>
    public const float DefaultForgetGateBias = 1f;

    private readonly float[] _p;

    // Forward/backward workspaces reused across calls (each call takes one exclusively), so batched inference does not
    // allocate and zero megabytes of buffers per call. At most one per core is kept; a kept workspace keeps the largest
    // [batch, steps] it has served.
    private readonly System.Collections.Concurrent.ConcurrentBag<RecurrentWorkspace> _workspaces = new();

    internal NetworkTopology Topology { get; }

    // Packed once for the streaming engine (GEMV takes transposed weights wT [k, n]).
    internal float[][] WihT { get; }
    internal float[][] WhhT { get; }
    internal float[][] BiasIh { get; }
    internal float[][] BiasHh { get; }
    internal float[] HeadT { get; } = [];

    private RecurrentNetwork(NetworkTopology topology, float[] parameters)
    {
        Topology = topology;
        _p = parameters;
        int LD = topology.Layers * topology.Directions, GH = topology.GateUnits, H = topology.HiddenSize;
        WihT = new float[LD][]; WhhT = new float[LD][]; BiasIh = new float[LD][]; BiasHh = new float[LD][];
        for (int k = 0; k < LD; k++)
        {
            var co = topology.Cells[k];
            WihT[k] = Transpose(_p.AsSpan(co.Wih, GH * co.InSize), GH, co.InSize);
            WhhT[k] = Transpose(_p.AsSpan(co.Whh, GH * H), GH, H);
            BiasIh[k] = _p.AsSpan(co.Bih, GH).ToArray();
            BiasHh[k] = _p.AsSpan(co.Bhh, GH).ToArray();
            if (!topology.Cell.SeparateRecurrentProjection)
            {
                VectorOps.Add(BiasIh[k], BiasHh[k], BiasIh[k]); // combined bias (LSTM / RNN)
                Array.Clear(BiasHh[k]);
            }
        }
        if (topology.HasHead) HeadT = Transpose(_p.AsSpan(topology.HeadW, topology.O * topology.LayerOutputWidth), topology.O, topology.LayerOutputWidth);
    }

    private static float[] Transpose(ReadOnlySpan<float> a, int rows, int cols)
    {
        var t = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }

    /// <summary>The architecture.</summary>
    public RecurrentNetworkSpec Spec => Topology.Spec;

    /// <summary>Named views into <see cref="Parameters"/> (PyTorch state_dict order).</summary>
    public ParameterLayout Layout => Topology.Layout;

    /// <summary>Total number of parameters.</summary>
    public int ParameterCount => _p.Length;

    /// <summary>The flat parameter buffer (read-only).</summary>
    public ReadOnlySpan<float> Parameters => _p;

    internal float[] ParameterArray => _p;

    /// <summary>The parameter layout a spec produces (names, offsets, shapes) without creating a network.</summary>
    /// <param name="spec">Architecture.</param>
    public static ParameterLayout CreateLayout(RecurrentNetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new NetworkTopology(spec).Layout;
    }

    /// <summary>
    /// Creates a network with PyTorch-style initialisation: every recurrent weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)),
    /// head ~ U(-1/sqrt(D*H), 1/sqrt(D*H)); for LSTM bias_ih's forget slice = <paramref name="forgetGateBias"/> and bias_hh's = 0;
    /// modifier parameters from <see cref="IForgetGateModifier.InitializeParameters"/>. Same seed, same weights.
    /// </summary>
    /// <param name="spec">Architecture.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="forgetGateBias">Initial LSTM forget bias (ignored for GRU/RNN).</param>
    public static RecurrentNetwork Create(RecurrentNetworkSpec spec, int seed, float forgetGateBias = DefaultForgetGateBias)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!float.IsFinite(forgetGateBias)) throw new ArgumentOutOfRangeException(nameof(forgetGateBias), forgetGateBias, "Must be finite.");
        var topo = new NetworkTopology(spec);
        var p = new float[topo.Layout.TotalLength];
        var rng = new Random(seed);
        float k = 1f / MathF.Sqrt(topo.HiddenSize);
        for (int i = 0; i < p.Length; i++) p[i] = (2f * rng.NextSingle() - 1f) * k;
        foreach (var co in topo.Cells)
        {
            topo.Cell.InitializeParameters(p, co, topo.HiddenSize, forgetGateBias);
            if (co.Mod >= 0) spec.ForgetGateModifier!.InitializeParameters(p.AsSpan(co.Mod, co.ModLength), topo.HiddenSize);
        }
        if (topo.HasHead)
        {
            float kh = 1f / MathF.Sqrt(topo.LayerOutputWidth);
            for (int i = 0; i < topo.O * topo.LayerOutputWidth + topo.O; i++) p[topo.HeadW + i] = (2f * rng.NextSingle() - 1f) * kh;
        }
        return new RecurrentNetwork(topo, p);
    }

    /// <summary>Creates a network from a flat parameter buffer laid out as <see cref="CreateLayout"/> (copied).</summary>
    /// <param name="spec">Architecture.</param>
    /// <param name="parameters">All parameters, length <see cref="ParameterLayout.TotalLength"/>, finite.</param>
    public static RecurrentNetwork FromParameters(RecurrentNetworkSpec spec, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var topo = new NetworkTopology(spec);
        if (parameters.Length != topo.Layout.TotalLength)
            throw new ArgumentException($"parameters has length {parameters.Length}, the spec needs {topo.Layout.TotalLength}.", nameof(parameters));
        InputValidation.Finite(parameters, nameof(parameters));
        return new RecurrentNetwork(topo, parameters.ToArray());
    }

    /// <summary>Creates a network from tensors named as in a PyTorch state_dict (every parameter required; flattened row-major).</summary>
    /// <param name="spec">Architecture.</param>
    /// <param name="stateDict">Name → flattened values.</param>
    public static RecurrentNetwork FromStateDict(RecurrentNetworkSpec spec, IReadOnlyDictionary<string, float[]> stateDict)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(stateDict);
        var topo = new NetworkTopology(spec);
        var p = new float[topo.Layout.TotalLength];
        foreach (var v in topo.Layout.Views)
        {
            if (!stateDict.TryGetValue(v.Name, out var data))
                throw new ArgumentException($"stateDict has no entry '{v.Name}'.", nameof(stateDict));
            if (data.Length != v.Length)
                throw new ArgumentException($"stateDict['{v.Name}'] has {data.Length} values, expected {v.Length} for shape [{string.Join(", ", v.Shape)}].", nameof(stateDict));
            InputValidation.Finite(data, $"stateDict['{v.Name}']");
            data.CopyTo(p, v.Offset);
        }
        return new RecurrentNetwork(topo, p);
    }

    /// <summary>A copy of the named parameter tensor (flattened row-major).</summary>
    /// <param name="name">State-dict name.</param>
    public float[] GetParameter(string name)
    {
        var v = Layout[name];
        return _p.AsSpan(v.Offset, v.Length).ToArray();
    }

    /// <summary>All parameters as a PyTorch-style state dict (copies).</summary>
    public IReadOnlyDictionary<string, float[]> ToStateDict() =>
        Layout.Views.ToDictionary(v => v.Name, v => _p.AsSpan(v.Offset, v.Length).ToArray(), StringComparer.Ordinal);

    /// <summary>A new network with the same spec and the given parameters.</summary>
    /// <param name="parameters">Flat parameters.</param>
    public RecurrentNetwork WithParameters(ReadOnlySpan<float> parameters) => FromParameters(Spec, parameters);

    internal static RecurrentNetwork FromTrusted(NetworkTopology topology, float[] parameters) => new(topology, parameters);

    internal void CheckInputs(ReadOnlySpan<float> inputs, int batch, int steps, ReadOnlySpan<float> extraInputs)
    {
        InputValidation.Sequence(inputs, batch, steps, Topology.I, nameof(inputs));
        if (Topology.E > 0) InputValidation.Sequence(extraInputs, batch, steps, Topology.E, nameof(extraInputs));
        else if (!extraInputs.IsEmpty) throw new ArgumentException("extraInputs must be empty: the network has no forget-gate modifier.", nameof(extraInputs));
    }

    private (float[] h, float[] c) CheckState(RecurrentState? state, int batch)
    {
        if (state is null) return ([], []);
        int ld = Topology.Layers * Topology.Directions;
        if (state.LayersTimesDirections != ld || state.Batch != batch || state.HiddenSize != Topology.HiddenSize)
            throw new ArgumentException($"initialState is [{state.LayersTimesDirections}, {state.Batch}, {state.HiddenSize}], expected [{ld}, {batch}, {Topology.HiddenSize}].", "initialState");
        if (Topology.Cell.HasCellState && state.Cell.IsEmpty)
            throw new ArgumentException("initialState needs a cell state for an LSTM.", "initialState");
        return (state.Hidden.ToArray(), state.Cell.ToArray());
    }

    internal RecurrentWorkspace RunForward(ReadOnlySpan<float> inputs, int batch, int steps, ReadOnlySpan<float> extraInputs, RecurrentState? initialState)
    {
        CheckInputs(inputs, batch, steps, extraInputs);
        var (h0, c0) = CheckState(initialState, batch);
        if (!_workspaces.TryTake(out RecurrentWorkspace? ws)) ws = new RecurrentWorkspace(Topology);
        ws.Ensure(batch, steps);
        int I = Topology.I, E = Topology.E;
        for (int b = 0; b < batch; b++)
        {
            ws.SetInputRow(b, inputs.Slice(b * steps * I, steps * I));
            if (E > 0) ws.SetExtraRow(b, extraInputs.Slice(b * steps * E, steps * E));
        }
        ws.Forward(_p, h0, c0);
        return ws;
    }

    private void Return(RecurrentWorkspace ws)
    {
        if (_workspaces.Count < Environment.ProcessorCount) _workspaces.Add(ws);
    }

    /// <summary>
    /// Drops the pooled forward workspaces (a cache sized by the largest batch seen, e.g. a validation pass over every validation
    /// sequence, up to one per core). Fitters call it before handing the network out, so a freshly fitted model costs the memory of
    /// a loaded one; the next <see cref="Forward"/> allocates what it needs again.
    /// </summary>
    internal void ReleaseWorkspaces() => _workspaces.Clear();

    /// <summary>Forward workspaces held in the pool (tests).</summary>
    internal int PooledWorkspaces => _workspaces.Count;

    /// <summary>Converts a time-major [T, B, W] buffer to batch-major [B, T, W].</summary>
    internal static void TimeToBatchMajor(ReadOnlySpan<float> src, int batch, int steps, int width, Span<float> dst)
    {
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                src.Slice((t * batch + b) * width, width).CopyTo(dst.Slice((b * steps + t) * width, width));
    }

    /// <summary>
    /// Batched forward pass.
    /// </summary>
    /// <param name="inputs">Inputs [B, T, I] batch-major, finite.</param>
    /// <param name="batch">B &gt; 0.</param>
    /// <param name="steps">T &gt; 0.</param>
    /// <param name="extraInputs">Forget-gate modifier inputs [B, T, E] (empty without a modifier).</param>
    /// <param name="initialState">Initial (h0, c0) [L*D, B, H]; null for zeros.</param>
    /// <param name="captureTelemetry">When true, records per-step gate activations (<see cref="RecurrentOutput.Telemetry"/>).</param>
    /// <returns>Output [B, O] (last-step head), [B, T, O] (every-step head) or [B, T, D*H] (no head), the final state and telemetry.</returns>
    public RecurrentOutput Forward(ReadOnlySpan<float> inputs, int batch, int steps, ReadOnlySpan<float> extraInputs = default,
        RecurrentState? initialState = null, bool captureTelemetry = false)
    {
        var ws = RunForward(inputs, batch, steps, extraInputs, initialState);
        var t = Topology;
        int w = t.OutputWidth;
        float[] y = new float[ws.OutputRows * w];
        if (t.OutputPerStep) TimeToBatchMajor(ws.Output, batch, steps, w, y);
        else ws.Output.AsSpan(0, batch * w).CopyTo(y);
        int n = t.Layers * t.Directions * batch * t.HiddenSize;
        var h = new float[n];
        var c = t.Cell.HasCellState ? new float[n] : [];
        ws.GetFinalState(h, c);
        var state = new RecurrentState(t.Layers * t.Directions, batch, t.HiddenSize, h, c);
        GateTelemetry? telemetry = captureTelemetry ? BuildTelemetry(ws) : null;
        Return(ws);
        return new RecurrentOutput(y, batch, t.OutputPerStep ? steps : 1, w, state, telemetry);
    }

    private GateTelemetry BuildTelemetry(RecurrentWorkspace ws)
    {
        var t = Topology;
        int B = ws.Batch, T = ws.Steps, H = t.HiddenSize, G = t.GateCount;
        var data = new Dictionary<(GateSignal, int), float[]>();
        IReadOnlyList<GateSignal> gateSignals = t.Cell.GateSignals;
        for (int k = 0; k < t.Layers * t.Directions; k++)
        {
            int d = k % t.Directions;
            for (int gi = 0; gi < gateSignals.Count; gi++)
            {
                var a = new float[B * T * H];
                for (int tt = 0; tt < T; tt++)
                    for (int b = 0; b < B; b++)
                        ws.Gates[k].AsSpan((tt * B + b) * G * H + gi * H, H).CopyTo(a.AsSpan((b * T + tt) * H, H));
                data[(gateSignals[gi], k)] = a;
            }
            data[(GateSignal.Hidden, k)] = StateTrace(ws.Hs[k], d, B, T, H);
            if (t.Cell.HasCellState) data[(GateSignal.CellState, k)] = StateTrace(ws.Cs[k], d, B, T, H);
            if (t.Cells[k].Mod >= 0)
            {
                var a = new float[B * T * H];
                TimeToBatchMajor(ws.Mod[k], B, T, H, a);
                data[(GateSignal.ForgetModifierTerm, k)] = a;
            }
        }
        return new GateTelemetry(Spec.Cell, t.Layers, t.Directions, B, T, H, data);
    }

    private static float[] StateTrace(float[] blocks, int direction, int B, int T, int H)
    {
        var a = new float[B * T * H];
        for (int tt = 0; tt < T; tt++)
        {
            int block = direction == 0 ? tt + 1 : tt;
            for (int b = 0; b < B; b++) blocks.AsSpan((block * B + b) * H, H).CopyTo(a.AsSpan((b * T + tt) * H, H));
        }
        return a;
    }

    /// <summary>
    /// Backpropagation through time for one batch: returns dL/dθ (flat, <see cref="Layout"/>) and dL/dinputs [B, T, I],
    /// given dL/doutput in the layout <see cref="Forward"/> returns.
    /// </summary>
    /// <param name="inputs">Inputs [B, T, I].</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="outputGradient">dL/dy, same shape as <see cref="RecurrentOutput.Values"/>.</param>
    /// <param name="extraInputs">Modifier inputs [B, T, E] or empty.</param>
    /// <param name="initialState">Initial state or null (its gradient is not computed).</param>
    /// <param name="inputGatePenalty">λ &gt;= 0 of an input-gate activation penalty λ · mean(i) added to the loss (mean over batch, steps,
    /// units, layers and directions; see <see cref="Training.TrainingOptions.InputGatePenalty"/>); its value is
    /// <see cref="RecurrentGradients.InputGatePenalty"/>. LSTM only; 0 (default) adds nothing.</param>
    public RecurrentGradients ComputeGradients(ReadOnlySpan<float> inputs, int batch, int steps, ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> extraInputs = default, RecurrentState? initialState = null, float inputGatePenalty = 0f)
    {
        CheckInputGatePenalty(inputGatePenalty);
        var ws = RunForward(inputs, batch, steps, extraInputs, initialState);
        var t = Topology;
        int w = t.OutputWidth;
        int expected = ws.OutputRows * w;
        if (outputGradient.Length != expected)
            throw new ArgumentException($"outputGradient has length {outputGradient.Length}, expected {expected}.", nameof(outputGradient));
        InputValidation.Finite(outputGradient, nameof(outputGradient));
        if (t.OutputPerStep)
        {
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < steps; s++)
                    outputGradient.Slice((b * steps + s) * w, w).CopyTo(ws.DY.AsSpan((s * batch + b) * w, w));
        }
        else outputGradient.CopyTo(ws.DY);
        var g = new float[_p.Length];
        double penalty = BackwardWithPenalty(ws, g, inputGatePenalty);
        var dx = new float[batch * steps * t.I];
        TimeToBatchMajor(ws.DX, batch, steps, t.I, dx);
        Return(ws);
        return new RecurrentGradients(g, dx, inputGatePenalty: penalty);
    }

    private void CheckInputGatePenalty(float inputGatePenalty)
    {
        if (!(inputGatePenalty >= 0) || !float.IsFinite(inputGatePenalty))
            throw new ArgumentOutOfRangeException(nameof(inputGatePenalty), inputGatePenalty, "inputGatePenalty must be non-negative and finite (0 disables).");
        if (inputGatePenalty > 0 && !Topology.Cell.HasInputGate)
            throw new ArgumentException($"inputGatePenalty applies to LSTM cells only; this network's cell is {Spec.Cell}.", nameof(inputGatePenalty));
    }

    // Backward with the penalty λ · mean(i) (c = λ/N per activation); returns the penalty's value.
    private double BackwardWithPenalty(RecurrentWorkspace ws, float[] g, float inputGatePenalty)
    {
        if (inputGatePenalty == 0f)
        {
            ws.Backward(_p, g, inputGradient: true);
            return 0;
        }
        ws.Backward(_p, g, inputGradient: true, (float)(inputGatePenalty / (double)ws.InputGateCount));
        return inputGatePenalty * ws.InputGateSum() / ws.InputGateCount;
    }

    /// <summary>
    /// One forward and one backward pass with a caller-defined loss on the network output: <paramref name="loss"/> receives the
    /// output (layout as <see cref="RecurrentOutput.Values"/>) and must write dL/doutput into its second argument (pre-zeroed)
    /// and return L. Returns dL/dθ, dL/dinputs and L (<see cref="RecurrentGradients.Loss"/>; with an input-gate penalty, L + λ · mean(i)).
    /// </summary>
    /// <param name="inputs">Inputs [B, T, I].</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="loss">Loss callback (output, outputGradient) → L.</param>
    /// <param name="extraInputs">Modifier inputs [B, T, E] or empty.</param>
    /// <param name="initialState">Initial state or null.</param>
    /// <param name="inputGatePenalty">λ &gt;= 0 of an input-gate activation penalty λ · mean(i) added to the loss (mean over batch, steps,
    /// units, layers and directions; see <see cref="Training.TrainingOptions.InputGatePenalty"/>). LSTM only; 0 (default) adds nothing.</param>
    public RecurrentGradients ComputeGradients(ReadOnlySpan<float> inputs, int batch, int steps, OutputLoss loss,
        ReadOnlySpan<float> extraInputs = default, RecurrentState? initialState = null, float inputGatePenalty = 0f)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckInputGatePenalty(inputGatePenalty);
        var ws = RunForward(inputs, batch, steps, extraInputs, initialState);
        var t = Topology;
        int w = t.OutputWidth;
        var y = new float[ws.OutputRows * w];
        if (t.OutputPerStep) TimeToBatchMajor(ws.Output, batch, steps, w, y);
        else ws.Output.AsSpan(0, batch * w).CopyTo(y);
        var dy = new float[y.Length];
        double value = loss(y, dy);
        if (!double.IsFinite(value)) throw new ArithmeticException($"The loss callback returned {value}.");
        InputValidation.Finite(dy, "outputGradient");
        if (t.OutputPerStep)
        {
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < steps; s++)
                    dy.AsSpan((b * steps + s) * w, w).CopyTo(ws.DY.AsSpan((s * batch + b) * w, w));
        }
        else dy.CopyTo(ws.DY, 0);
        var g = new float[_p.Length];
        double penalty = BackwardWithPenalty(ws, g, inputGatePenalty);
        var dx = new float[batch * steps * t.I];
        TimeToBatchMajor(ws.DX, batch, steps, t.I, dx);
        Return(ws);
        return new RecurrentGradients(g, dx, value + penalty, penalty);
    }

    /// <summary>
    /// A streaming engine (batch 1, unidirectional) carrying its own (h, c); one per caller. Throws
    /// <see cref="NotSupportedException"/> for bidirectional networks.
    /// </summary>
    public RecurrentStreamingEngine CreateStreamingEngine() => new(this);
}
