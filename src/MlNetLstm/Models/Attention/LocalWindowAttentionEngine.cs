namespace MlNetLstm.Models.Attention;

/// <summary>Offsets of the named tensors of a <see cref="LocalWindowAttention"/> in its flat parameter buffer.</summary>
internal sealed class AttentionTopology
{
    public AttentionTopology(LocalWindowAttentionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        I = spec.InputSize; D = spec.ModelSize; W = spec.WindowSize; Nh = spec.Heads; Dk = spec.HeadSize; F = spec.FeedForwardSize; O = spec.OutputSize;
        var entries = new List<(string, int[])>
        {
            ("input.weight", [D, I]), ("input.bias", [D]), ("position", [W, D]),
            ("query.weight", [D, D]), ("query.bias", [D]), ("key.weight", [D, D]), ("value.weight", [D, D]),
            ("attention_output.weight", [D, D]), ("attention_output.bias", [D]),
        };
        if (F > 0) entries.AddRange([("feed_forward1.weight", [F, D]), ("feed_forward1.bias", [F]), ("feed_forward2.weight", [D, F]), ("feed_forward2.bias", [D])]);
        entries.AddRange([("head.weight", [O, D]), ("head.bias", [O])]);
        Layout = new ParameterLayout(entries);
        int Off(string name) => Layout.Contains(name) ? Layout[name].Offset : -1;
        Win = Off("input.weight"); Bin = Off("input.bias"); Pos = Off("position");
        Wq = Off("query.weight"); Bq = Off("query.bias"); Wk = Off("key.weight"); Wv = Off("value.weight");
        Wo = Off("attention_output.weight"); Bo = Off("attention_output.bias");
        W1 = Off("feed_forward1.weight"); B1 = Off("feed_forward1.bias"); W2 = Off("feed_forward2.weight"); B2 = Off("feed_forward2.bias");
        Wy = Off("head.weight"); By = Off("head.bias");
    }

    public LocalWindowAttentionSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public bool EveryStep => Spec.HeadMode == HeadMode.EveryStep;
    public readonly int I, D, W, Nh, Dk, F, O;
    public readonly int Win, Bin, Pos, Wq, Bq, Wk, Wv, Wo, Bo, W1, B1, W2, B2, Wy, By;
}

/// <summary>
/// Double-precision forward and exact backward pass of one sequence (see <see cref="LocalWindowAttention"/> for the
/// formulas). Keys and values are linear in z = e + P, so they are computed as k_{t,j} = K^e_{t-j} + K^p_j with
/// K^e_s = W_k e_s and K^p_j = W_k P_j (likewise for values): O(T w D + (T + w) D^2) per sequence instead of O(T w D^2).
/// Not thread-safe: one workspace per thread.
/// </summary>
internal sealed class AttentionWorkspace
{
    private readonly AttentionTopology _t;
    private double[] _x = [], _e = [], _ke = [], _ve = [], _de = [], _dke = [], _dve = [];
    private double[] _q = [], _a = [], _o = [], _u = [], _pre = [], _m = [];
    private readonly double[] _kp, _vp, _dkp, _dvp, _qb, _dm, _du, _do, _dq, _dr, _da;
    private int _steps, _t0, _s0, _rows;

    public AttentionWorkspace(AttentionTopology topology)
    {
        _t = topology;
        int D = _t.D, W = _t.W;
        _kp = new double[W * D]; _vp = new double[W * D]; _dkp = new double[W * D]; _dvp = new double[W * D];
        _qb = new double[D]; _dm = new double[D]; _du = new double[D]; _do = new double[D]; _dq = new double[D];
        _dr = new double[Math.Max(1, _t.F)]; _da = new double[W];
    }

    /// <summary>Output rows of the last forward pass (1 or T).</summary>
    public int Rows => _rows;

    /// <summary>First output step of the last forward pass (T-1 for a last-step head, else 0).</summary>
    public int FirstOutputStep => _t0;

    /// <summary>Attention weights of the last forward pass, [rows, heads, w]; entry j is the weight on step t-j (0 beyond the sequence start).</summary>
    public ReadOnlySpan<double> Attention => _a.AsSpan(0, _rows * _t.Nh * _t.W);

    private static void Ensure(ref double[] a, int n)
    {
        if (a.Length < n) a = new double[n];
    }

    // y[r] = W[r, :] x (+ y[r] when accumulate); W is [rows, cols] row-major at offset.
    private static void MatVec(double[] p, int w, int rows, int cols, ReadOnlySpan<double> x, Span<double> y, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            double s = accumulate ? y[r] : 0;
            int o = w + r * cols;
            for (int c = 0; c < cols; c++) s += p[o + c] * x[c];
            y[r] = s;
        }
    }

    // y[c] += Σ_r W[r, c] dy[r] (transposed product, accumulated).
    private static void MatTVecAdd(double[] p, int w, int rows, int cols, ReadOnlySpan<double> dy, Span<double> y)
    {
        for (int r = 0; r < rows; r++)
        {
            double d = dy[r];
            if (d == 0) continue;
            int o = w + r * cols;
            for (int c = 0; c < cols; c++) y[c] += p[o + c] * d;
        }
    }

    // g[W + r * cols + c] += dy[r] x[c] (outer product, accumulated).
    private static void OuterAdd(double[] g, int w, int rows, int cols, ReadOnlySpan<double> dy, ReadOnlySpan<double> x)
    {
        for (int r = 0; r < rows; r++)
        {
            double d = dy[r];
            if (d == 0) continue;
            int o = w + r * cols;
            for (int c = 0; c < cols; c++) g[o + c] += d * x[c];
        }
    }

    private static void AddTo(double[] g, int offset, ReadOnlySpan<double> d)
    {
        for (int i = 0; i < d.Length; i++) g[offset + i] += d[i];
    }

    /// <summary>Forward pass of one sequence x [T, I]; writes y [rows, O] (rows = 1 for a last-step head, else T).</summary>
    public void Forward(double[] p, ReadOnlySpan<float> x, int steps, Span<double> y)
    {
        var t = _t;
        int I = t.I, D = t.D, W = t.W, Nh = t.Nh, Dk = t.Dk, F = t.F, O = t.O;
        _steps = steps;
        _t0 = t.EveryStep ? 0 : steps - 1;
        _s0 = Math.Max(0, _t0 - W + 1);
        _rows = steps - _t0;
        Ensure(ref _x, steps * I); Ensure(ref _e, steps * D); Ensure(ref _ke, steps * D); Ensure(ref _ve, steps * D);
        Ensure(ref _q, _rows * D); Ensure(ref _a, _rows * Nh * W); Ensure(ref _o, _rows * D); Ensure(ref _u, _rows * D);
        Ensure(ref _pre, _rows * Math.Max(1, F)); Ensure(ref _m, _rows * D);
        for (int i = _s0 * I; i < steps * I; i++) _x[i] = x[i];
        // e_s = W_in x_s + b_in; K^e_s = W_k e_s; V^e_s = W_v e_s for every step some output row can see.
        for (int s = _s0; s < steps; s++)
        {
            Span<double> e = _e.AsSpan(s * D, D);
            p.AsSpan(t.Bin, D).CopyTo(e);
            MatVec(p, t.Win, D, I, _x.AsSpan(s * I, I), e, accumulate: true);
            MatVec(p, t.Wk, D, D, e, _ke.AsSpan(s * D, D), accumulate: false);
            MatVec(p, t.Wv, D, D, e, _ve.AsSpan(s * D, D), accumulate: false);
        }
        int jMax = Math.Min(W, steps);
        for (int j = 0; j < jMax; j++)
        {
            MatVec(p, t.Wk, D, D, p.AsSpan(t.Pos + j * D, D), _kp.AsSpan(j * D, D), accumulate: false);
            MatVec(p, t.Wv, D, D, p.AsSpan(t.Pos + j * D, D), _vp.AsSpan(j * D, D), accumulate: false);
        }
        // q_t = W_q (e_t + P_0) + b_q = W_q e_t + (W_q P_0 + b_q).
        p.AsSpan(t.Bq, D).CopyTo(_qb);
        MatVec(p, t.Wq, D, D, p.AsSpan(t.Pos, D), _qb, accumulate: true);
        double scale = 1.0 / Math.Sqrt(Dk);
        for (int r = 0; r < _rows; r++)
        {
            int tt = _t0 + r, n = Math.Min(W, tt + 1);
            Span<double> q = _q.AsSpan(r * D, D), o = _o.AsSpan(r * D, D), u = _u.AsSpan(r * D, D), m = _m.AsSpan(r * D, D);
            _qb.CopyTo(q);
            MatVec(p, t.Wq, D, D, _e.AsSpan(tt * D, D), q, accumulate: true);
            o.Clear();
            for (int h = 0; h < Nh; h++)
            {
                Span<double> a = _a.AsSpan((r * Nh + h) * W, W);
                a.Clear();
                int d0 = h * Dk;
                double max = double.NegativeInfinity;
                for (int j = 0; j < n; j++)
                {
                    int ks = (tt - j) * D + d0, kj = j * D + d0;
                    double sc = 0;
                    for (int d = 0; d < Dk; d++) sc += q[d0 + d] * (_ke[ks + d] + _kp[kj + d]);
                    a[j] = sc * scale;
                    if (a[j] > max) max = a[j];
                }
                double z = 0;
                for (int j = 0; j < n; j++) { a[j] = Math.Exp(a[j] - max); z += a[j]; }
                for (int j = 0; j < n; j++)
                {
                    a[j] /= z;
                    int vs = (tt - j) * D + d0, vj = j * D + d0;
                    for (int d = 0; d < Dk; d++) o[d0 + d] += a[j] * (_ve[vs + d] + _vp[vj + d]);
                }
            }
            // u = e_t + W_o o + b_o
            for (int d = 0; d < D; d++) u[d] = _e[tt * D + d] + p[t.Bo + d];
            MatVec(p, t.Wo, D, D, o, u, accumulate: true);
            u.CopyTo(m);
            if (F > 0)
            {
                Span<double> pre = _pre.AsSpan(r * F, F);
                p.AsSpan(t.B1, F).CopyTo(pre);
                MatVec(p, t.W1, F, D, u, pre, accumulate: true);
                Span<double> relu = _dr.AsSpan(0, F);
                for (int f = 0; f < F; f++) relu[f] = pre[f] > 0 ? pre[f] : 0;
                for (int d = 0; d < D; d++) m[d] += p[t.B2 + d];
                MatVec(p, t.W2, D, F, relu, m, accumulate: true);
            }
            Span<double> yr = y.Slice(r * O, O);
            p.AsSpan(t.By, O).CopyTo(yr);
            MatVec(p, t.Wy, O, D, m, yr, accumulate: true);
        }
    }

    /// <summary>
    /// Backward pass of the last <see cref="Forward"/>: adds dL/dθ to <paramref name="grad"/> given dL/dy [rows, O], and writes
    /// dL/dx [T, I] into <paramref name="inputGradient"/> when it is not empty (steps no output can see get 0).
    /// </summary>
    public void Backward(double[] p, ReadOnlySpan<double> dy, double[] grad, Span<double> inputGradient)
    {
        var t = _t;
        int I = t.I, D = t.D, W = t.W, Nh = t.Nh, Dk = t.Dk, F = t.F, O = t.O, steps = _steps;
        Ensure(ref _de, steps * D); Ensure(ref _dke, steps * D); Ensure(ref _dve, steps * D);
        Array.Clear(_de, 0, steps * D); Array.Clear(_dke, 0, steps * D); Array.Clear(_dve, 0, steps * D);
        Array.Clear(_dkp); Array.Clear(_dvp);
        Span<double> dP0 = stackalloc double[D], z0 = stackalloc double[D];
        double scale = 1.0 / Math.Sqrt(Dk);
        for (int r = 0; r < _rows; r++)
        {
            int tt = _t0 + r, n = Math.Min(W, tt + 1);
            ReadOnlySpan<double> dyr = dy.Slice(r * O, O);
            ReadOnlySpan<double> q = _q.AsSpan(r * D, D), o = _o.AsSpan(r * D, D), u = _u.AsSpan(r * D, D), m = _m.AsSpan(r * D, D);
            // y = W_y m + b_y
            OuterAdd(grad, t.Wy, O, D, dyr, m);
            AddTo(grad, t.By, dyr);
            Array.Clear(_dm);
            MatTVecAdd(p, t.Wy, O, D, dyr, _dm);
            _dm.CopyTo(_du, 0);
            if (F > 0)
            {
                // m = u + W_2 relu(pre) + b_2, pre = W_1 u + b_1
                ReadOnlySpan<double> pre = _pre.AsSpan(r * F, F);
                Span<double> relu = _dr.AsSpan(0, F);
                for (int f = 0; f < F; f++) relu[f] = pre[f] > 0 ? pre[f] : 0;
                OuterAdd(grad, t.W2, D, F, _dm, relu);
                AddTo(grad, t.B2, _dm);
                relu.Clear();
                MatTVecAdd(p, t.W2, D, F, _dm, relu);          // relu now holds d relu
                for (int f = 0; f < F; f++) if (pre[f] <= 0) relu[f] = 0; // d pre
                OuterAdd(grad, t.W1, F, D, relu, u);
                AddTo(grad, t.B1, relu);
                MatTVecAdd(p, t.W1, F, D, relu, _du);
            }
            // u = e_t + W_o o + b_o
            for (int d = 0; d < D; d++) _de[tt * D + d] += _du[d];
            OuterAdd(grad, t.Wo, D, D, _du, o);
            AddTo(grad, t.Bo, _du);
            Array.Clear(_do);
            MatTVecAdd(p, t.Wo, D, D, _du, _do);
            // attention, per head: o = Σ_j a_j v_j, a = softmax(s), s_j = q·k_j / sqrt(d_k)
            Array.Clear(_dq);
            for (int h = 0; h < Nh; h++)
            {
                ReadOnlySpan<double> a = _a.AsSpan((r * Nh + h) * W, W);
                int d0 = h * Dk;
                double mean = 0;
                for (int j = 0; j < n; j++)
                {
                    int vs = (tt - j) * D + d0, vj = j * D + d0;
                    double da = 0;
                    for (int d = 0; d < Dk; d++)
                    {
                        double g = _do[d0 + d];
                        da += g * (_ve[vs + d] + _vp[vj + d]);
                        _dve[vs + d] += a[j] * g;
                        _dvp[vj + d] += a[j] * g;
                    }
                    _da[j] = da;
                    mean += a[j] * da;
                }
                for (int j = 0; j < n; j++)
                {
                    double ds = a[j] * (_da[j] - mean) * scale;
                    if (ds == 0) continue;
                    int ks = (tt - j) * D + d0, kj = j * D + d0;
                    for (int d = 0; d < Dk; d++)
                    {
                        _dq[d0 + d] += ds * (_ke[ks + d] + _kp[kj + d]);
                        _dke[ks + d] += ds * q[d0 + d];
                        _dkp[kj + d] += ds * q[d0 + d];
                    }
                }
            }
            // q = W_q (e_t + P_0) + b_q
            for (int d = 0; d < D; d++) z0[d] = _e[tt * D + d] + p[t.Pos + d];
            OuterAdd(grad, t.Wq, D, D, _dq, z0);
            AddTo(grad, t.Bq, _dq);
            MatTVecAdd(p, t.Wq, D, D, _dq, _de.AsSpan(tt * D, D));
            MatTVecAdd(p, t.Wq, D, D, _dq, dP0);
        }
        AddTo(grad, t.Pos, dP0);
        // K^e_s = W_k e_s, V^e_s = W_v e_s
        for (int s = _s0; s < steps; s++)
        {
            ReadOnlySpan<double> e = _e.AsSpan(s * D, D), dke = _dke.AsSpan(s * D, D), dve = _dve.AsSpan(s * D, D);
            OuterAdd(grad, t.Wk, D, D, dke, e);
            OuterAdd(grad, t.Wv, D, D, dve, e);
            MatTVecAdd(p, t.Wk, D, D, dke, _de.AsSpan(s * D, D));
            MatTVecAdd(p, t.Wv, D, D, dve, _de.AsSpan(s * D, D));
        }
        // K^p_j = W_k P_j, V^p_j = W_v P_j
        int jMax = Math.Min(W, steps);
        for (int j = 0; j < jMax; j++)
        {
            ReadOnlySpan<double> pj = p.AsSpan(t.Pos + j * D, D), dkp = _dkp.AsSpan(j * D, D), dvp = _dvp.AsSpan(j * D, D);
            OuterAdd(grad, t.Wk, D, D, dkp, pj);
            OuterAdd(grad, t.Wv, D, D, dvp, pj);
            MatTVecAdd(p, t.Wk, D, D, dkp, grad.AsSpan(t.Pos + j * D, D));
            MatTVecAdd(p, t.Wv, D, D, dvp, grad.AsSpan(t.Pos + j * D, D));
        }
        // e_s = W_in x_s + b_in
        if (!inputGradient.IsEmpty) inputGradient.Slice(0, steps * I).Clear();
        for (int s = _s0; s < steps; s++)
        {
            ReadOnlySpan<double> de = _de.AsSpan(s * D, D);
            OuterAdd(grad, t.Win, D, I, de, _x.AsSpan(s * I, I));
            AddTo(grad, t.Bin, de);
            if (!inputGradient.IsEmpty) MatTVecAdd(p, t.Win, D, I, de, inputGradient.Slice(s * I, I));
        }
    }
}
