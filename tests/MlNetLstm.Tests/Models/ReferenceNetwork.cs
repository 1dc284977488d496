using MlNetLstm.Models;

namespace MlNetLstm.Tests.Models;

/// <summary>
/// Independent, deliberately plain double-precision forward pass for every network variant (batch-major, per sample,
/// straight from the textbook equations and PyTorch's documentation). Used as the oracle for the float engine and
/// for central finite differences.
/// </summary>
internal static class ReferenceNetwork
{
    private static double Sig(double x) => 1.0 / (1.0 + Math.Exp(-x));
    private static double Softplus(double x) => Math.Log(1.0 + Math.Exp(x));

    /// <summary>
    /// Output in the same layout as RecurrentNetwork.Forward: [B, O] (last-step head) or [B, T, W].
    /// <paramref name="onInputGate"/>, if given, receives every LSTM input-gate activation i (1 - f for coupled gates).
    /// </summary>
    public static double[] Forward(RecurrentNetworkSpec spec, ParameterLayout layout, double[] p, double[] x, double[]? extra, int B, int T,
        Action<double>? onInputGate = null)
    {
        int I = spec.InputSize, H = spec.HiddenSize, D = spec.Directions, E = spec.ExtraInputSize;
        bool head = spec.OutputSize > 0, every = !head || spec.HeadMode == HeadMode.EveryStep;
        int W = head ? spec.OutputSize : D * H;
        var result = new double[B * (every ? T : 1) * W];
        double P(string name, int idx) => p[layout[name].Offset + idx];
        for (int b = 0; b < B; b++)
        {
            var input = new double[T][];
            for (int t = 0; t < T; t++) { input[t] = new double[I]; for (int i = 0; i < I; i++) input[t][i] = x[(b * T + t) * I + i]; }
            int inSize = I;
            for (int l = 0; l < spec.Layers; l++)
            {
                var output = new double[T][];
                for (int t = 0; t < T; t++) output[t] = new double[D * H];
                for (int d = 0; d < D; d++)
                {
                    string sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                    var h = new double[H]; var c = new double[H];
                    for (int s = 0; s < T; s++)
                    {
                        int t = d == 0 ? s : T - 1 - s;
                        int G = spec.GateCount;
                        var zx = new double[G * H]; var zh = new double[G * H];
                        for (int r = 0; r < G * H; r++)
                        {
                            double a = P("bias_ih" + sfx, r), hh = P("bias_hh" + sfx, r);
                            for (int i = 0; i < inSize; i++) a += P("weight_ih" + sfx, r * inSize + i) * input[t][i];
                            for (int j = 0; j < H; j++) hh += P("weight_hh" + sfx, r * H + j) * h[j];
                            zx[r] = a; zh[r] = hh;
                        }
                        var hn = new double[H];
                        for (int j = 0; j < H; j++)
                        {
                            switch (spec.Cell)
                            {
                                case CellType.Lstm:
                                {
                                    double zi = zx[j] + zh[j], zf = zx[H + j] + zh[H + j], zg = zx[2 * H + j] + zh[2 * H + j], zo = zx[3 * H + j] + zh[3 * H + j];
                                    if (spec.ForgetGateModifier != null)
                                        for (int e = 0; e < E; e++)
                                        {
                                            double ev = extra![(b * T + t) * E + e];
                                            zf -= Softplus(P("forget_modifier_rho" + sfx, j * E + e)) * Math.Abs(ev);
                                            // The leverage modifier adds the signed term gamma · e (gamma unconstrained).
                                            if (spec.ForgetGateModifier is LeverageForgetModifier) zf += P("forget_modifier_gamma" + sfx, j * E + e) * ev;
                                        }
                                    if (spec.Peepholes) { zi += P("weight_peephole_i" + sfx, j) * c[j]; zf += P("weight_peephole_f" + sfx, j) * c[j]; }
                                    double f = Sig(zf), ig = spec.CoupledGates ? 1 - f : Sig(zi), g = Math.Tanh(zg);
                                    double cn = f * c[j] + ig * g;
                                    onInputGate?.Invoke(ig);
                                    if (spec.Peepholes) zo += P("weight_peephole_o" + sfx, j) * cn;
                                    double o = Sig(zo);
                                    c[j] = cn;
                                    hn[j] = o * Math.Tanh(cn);
                                    break;
                                }
                                case CellType.Gru:
                                {
                                    double r = Sig(zx[j] + zh[j]), u = Sig(zx[H + j] + zh[H + j]);
                                    double n = Math.Tanh(zx[2 * H + j] + r * zh[2 * H + j]);
                                    hn[j] = (1 - u) * n + u * h[j];
                                    break;
                                }
                                default:
                                    hn[j] = Math.Tanh(zx[j] + zh[j]);
                                    break;
                            }
                        }
                        h = hn;
                        for (int j = 0; j < H; j++) output[t][d * H + j] = h[j];
                    }
                }
                input = output;
                inSize = D * H;
            }
            // input now holds the top-layer outputs [T][D*H]
            for (int s = 0; s < (every ? T : 1); s++)
            {
                int t = every ? s : T - 1;
                int row = (b * (every ? T : 1) + s) * W;
                for (int o = 0; o < W; o++)
                {
                    if (!head) { result[row + o] = input[t][o]; continue; }
                    double a = P("head.bias", o);
                    for (int k = 0; k < D * H; k++) a += P("head.weight", o * D * H + k) * input[t][k];
                    result[row + o] = a;
                }
            }
        }
        return result;
    }
}
