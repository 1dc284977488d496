namespace MlNetLstm.Models.Attention;

/// <summary>
/// An immutable, thread-safe local-window (causal, sliding) self-attention sequence model: the attention counterpart of a
/// <see cref="RecurrentNetwork"/> with a fixed, finite field of view. For inputs x [B, T, I] and window w, at every
/// step t (offsets j = 0 .. n_t - 1, n_t = min(w, t + 1), heads h with d_k = D / n_h dimensions each):
/// <code>
/// e_s     = W_in x_s + b_in                                  [D]       input projection
/// z_{t,j} = e_{t-j} + P_j                                    [D]       learned positional embedding per offset j
/// q_t     = W_q z_{t,0} + b_q,  k_{t,j} = W_k z_{t,j},  v_{t,j} = W_v z_{t,j}
/// a^h_{t,j} = softmax_j( q^h_t · k^h_{t,j} / sqrt(d_k) )                 attention of head h over the window
/// o_t     = concat_h Σ_j a^h_{t,j} v^h_{t,j}                  [D]
/// u_t     = e_t + W_o o_t + b_o                               [D]       residual
/// m_t     = u_t + W_2 relu(W_1 u_t + b_1) + b_2               [D]       feed-forward with residual (m_t = u_t when F = 0)
/// y_t     = W_y m_t + b_y                                     [O]       head: last step (y [B, O]) or every step (y [B, T, O])
/// </code>
/// y_t depends only on x_{t-w+1} .. x_t: an input more than w - 1 steps back cannot change it, whatever the weights.
/// There is one block and no layer normalisation. Parameters live in one flat float buffer (<see cref="Layout"/>:
/// input.weight [D, I], input.bias [D], position [w, D], query.weight [D, D], query.bias [D], key.weight [D, D],
/// value.weight [D, D], attention_output.weight [D, D], attention_output.bias [D], feed_forward1.weight [F, D],
/// feed_forward1.bias [F], feed_forward2.weight [D, F], feed_forward2.bias [D] (the four only when F &gt; 0),
/// head.weight [O, D], head.bias [O]; all row-major). Forward and backward passes compute in double precision;
/// gradients are exact (hand-written backward pass). Train with <c>MlNetLstm.Training.LocalWindowAttentionTrainer</c>.
/// </summary>
public sealed class LocalWindowAttention
{
    private readonly float[] _p;
    private readonly double[] _pd;

    private LocalWindowAttention(AttentionTopology topology, float[] parameters)
    {
        Topology = topology;
        _p = parameters;
        _pd = Array.ConvertAll(parameters, v => (double)v);
    }

    internal AttentionTopology Topology { get; }

    internal float[] ParameterArray => _p;

    internal double[] ParameterDoubles => _pd;

    /// <summary>The architecture.</summary>
    public LocalWindowAttentionSpec Spec => Topology.Spec;

    /// <summary>Named views into <see cref="Parameters"/> (order as listed in the class summary).</summary>
    public ParameterLayout Layout => Topology.Layout;

    /// <summary>Total number of parameters.</summary>
    public int ParameterCount => _p.Length;

    /// <summary>The flat parameter buffer (read-only).</summary>
    public ReadOnlySpan<float> Parameters => _p;

    /// <summary>The parameter layout a spec produces (names, offsets, shapes) without creating a model.</summary>
    /// <param name="spec">Architecture (validated).</param>
    public static ParameterLayout CreateLayout(LocalWindowAttentionSpec spec) => new AttentionTopology(spec).Layout;

    /// <summary>
    /// Creates a model with PyTorch nn.Linear-style initialisation: every weight matrix and its bias ~ U(-1/sqrt(fan_in),
    /// 1/sqrt(fan_in)) (fan_in I for the input projection, D for query, key, value, attention output, first feed-forward
    /// layer and head, F for the second feed-forward layer); query.bias ~ U(-1/sqrt(D), 1/sqrt(D)); position ~ U(-1/sqrt(D), 1/sqrt(D)).
    /// Same spec and seed, same weights.
    /// </summary>
    /// <param name="spec">Architecture.</param>
    /// <param name="seed">Random seed.</param>
    public static LocalWindowAttention Create(LocalWindowAttentionSpec spec, int seed)
    {
        var topo = new AttentionTopology(spec);
        var p = new float[topo.Layout.TotalLength];
        var rng = new Random(seed);
        foreach (var v in topo.Layout.Views)
        {
            int fanIn = v.Name switch
            {
                "input.weight" or "input.bias" => topo.I,
                "feed_forward2.weight" or "feed_forward2.bias" => topo.F,
                _ => topo.D,
            };
            float bound = 1f / MathF.Sqrt(fanIn);
            for (int i = 0; i < v.Length; i++) p[v.Offset + i] = (2f * rng.NextSingle() - 1f) * bound;
        }
        return new LocalWindowAttention(topo, p);
    }

    /// <summary>Creates a model from a flat parameter buffer laid out as <see cref="CreateLayout"/> (copied).</summary>
    /// <param name="spec">Architecture.</param>
    /// <param name="parameters">All parameters, length <see cref="ParameterLayout.TotalLength"/>, finite.</param>
    public static LocalWindowAttention FromParameters(LocalWindowAttentionSpec spec, ReadOnlySpan<float> parameters)
    {
        var topo = new AttentionTopology(spec);
        if (parameters.Length != topo.Layout.TotalLength)
            throw new ArgumentException($"parameters has length {parameters.Length}, the spec needs {topo.Layout.TotalLength}.", nameof(parameters));
        InputValidation.Finite(parameters, nameof(parameters));
        return new LocalWindowAttention(topo, parameters.ToArray());
    }

    internal static LocalWindowAttention FromTrusted(AttentionTopology topology, float[] parameters) => new(topology, parameters);

    /// <summary>A new model with the same spec and the given parameters.</summary>
    /// <param name="parameters">Flat parameters.</param>
    public LocalWindowAttention WithParameters(ReadOnlySpan<float> parameters) => FromParameters(Spec, parameters);

    /// <summary>A copy of the named parameter tensor (flattened row-major).</summary>
    /// <param name="name">Name from <see cref="Layout"/>, for example "position".</param>
    public float[] GetParameter(string name)
    {
        var v = Layout[name];
        return _p.AsSpan(v.Offset, v.Length).ToArray();
    }

    internal void CheckInputs(ReadOnlySpan<float> inputs, int batch, int steps)
    {
        InputValidation.Positive(batch, nameof(batch));
        InputValidation.Positive(steps, nameof(steps));
        InputValidation.Sequence(inputs, batch, steps, Topology.I, nameof(inputs));
    }

    /// <summary>Output rows per sequence for <paramref name="steps"/> steps: 1 for a last-step head, else T.</summary>
    internal int RowsFor(int steps) => Topology.EveryStep ? steps : 1;

    /// <summary>Batched forward pass.</summary>
    /// <param name="inputs">Inputs [B, T, I] batch-major, finite.</param>
    /// <param name="batch">B &gt; 0.</param>
    /// <param name="steps">T &gt; 0 (any length; the window is truncated at the sequence start).</param>
    /// <param name="captureAttention">When true, records the attention weights (<see cref="LocalWindowAttentionOutput.AttentionWeights"/>).</param>
    /// <returns>Output [B, O] (last-step head) or [B, T, O] (every-step head), and the attention weights when requested.</returns>
    public LocalWindowAttentionOutput Forward(ReadOnlySpan<float> inputs, int batch, int steps, bool captureAttention = false)
    {
        CheckInputs(inputs, batch, steps);
        var t = Topology;
        int rows = RowsFor(steps), O = t.O, I = t.I, aw = t.Nh * t.W;
        var y = new float[batch * rows * O];
        var att = captureAttention ? new float[batch * rows * aw] : [];
        var ws = new AttentionWorkspace(t);
        var yd = new double[rows * O];
        for (int b = 0; b < batch; b++)
        {
            ws.Forward(_pd, inputs.Slice(b * steps * I, steps * I), steps, yd);
            for (int k = 0; k < yd.Length; k++) y[b * rows * O + k] = (float)yd[k];
            if (captureAttention)
            {
                ReadOnlySpan<double> a = ws.Attention;
                for (int k = 0; k < a.Length; k++) att[b * rows * aw + k] = (float)a[k];
            }
        }
        return new LocalWindowAttentionOutput(y, batch, rows, O, t.Nh, t.W, att);
    }

    /// <summary>
    /// Exact gradients for one batch: returns dL/dθ (flat, <see cref="Layout"/>) and dL/dinputs [B, T, I], given
    /// dL/doutput in the layout <see cref="Forward"/> returns. Inputs no output can see get a zero gradient.
    /// </summary>
    /// <param name="inputs">Inputs [B, T, I].</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="outputGradient">dL/dy, same shape as <see cref="LocalWindowAttentionOutput.Values"/>, finite.</param>
    public LocalWindowAttentionGradients ComputeGradients(ReadOnlySpan<float> inputs, int batch, int steps, ReadOnlySpan<float> outputGradient)
    {
        CheckInputs(inputs, batch, steps);
        var t = Topology;
        int rows = RowsFor(steps), O = t.O, I = t.I;
        if (outputGradient.Length != batch * rows * O)
            throw new ArgumentException($"outputGradient has length {outputGradient.Length}, expected {batch * rows * O}.", nameof(outputGradient));
        InputValidation.Finite(outputGradient, nameof(outputGradient));
        var ws = new AttentionWorkspace(t);
        var g = new double[_p.Length];
        var yd = new double[rows * O];
        var dy = new double[rows * O];
        var dxd = new double[steps * I];
        var dx = new float[batch * steps * I];
        for (int b = 0; b < batch; b++)
        {
            ws.Forward(_pd, inputs.Slice(b * steps * I, steps * I), steps, yd);
            for (int k = 0; k < dy.Length; k++) dy[k] = outputGradient[b * rows * O + k];
            ws.Backward(_pd, dy, g, dxd);
            for (int k = 0; k < dxd.Length; k++) dx[b * steps * I + k] = (float)dxd[k];
        }
        return new LocalWindowAttentionGradients(Array.ConvertAll(g, v => (float)v), dx);
    }

    /// <summary>Double-precision forward pass of one sequence with explicit parameters (for gradient checks).</summary>
    internal static double[] ForwardDouble(AttentionTopology topology, double[] parameters, ReadOnlySpan<float> x, int steps)
    {
        var ws = new AttentionWorkspace(topology);
        var y = new double[(topology.EveryStep ? steps : 1) * topology.O];
        ws.Forward(parameters, x, steps, y);
        return y;
    }

    /// <summary>Double-precision gradient of Σ y ⊙ dy for one sequence with explicit parameters (for gradient checks).</summary>
    internal static double[] GradientDouble(AttentionTopology topology, double[] parameters, ReadOnlySpan<float> x, int steps, double[] dy, double[] inputGradient)
    {
        var ws = new AttentionWorkspace(topology);
        var y = new double[dy.Length];
        ws.Forward(parameters, x, steps, y);
        var g = new double[parameters.Length];
        ws.Backward(parameters, dy, g, inputGradient);
        return g;
    }
}
