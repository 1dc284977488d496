#:project ../src/MlNetLstm/MlNetLstm.csproj
// The coupled-gate LSTM (input gate i = 1 - f) updates c_t = f c_{t-1} + (1 - f) g_t: an exponential moving average
// of the candidate g_t with smoothing 1 - f. With a small input weight g_t = tanh(w x) ≈ w x, so c_t / w
// tracks EMA(x). Weights are set by hand; the script compares the cell against a plain EMA.
using MlNetLstm.Models;

var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 1, HiddenSize = 1, CoupledGates = true, OutputSize = 0 };
var net = RecurrentNetwork.Create(spec, seed: 1);
var sd = net.ToStateDict().ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length]);
Console.WriteLine("parameters: " + string.Join(", ", sd.Select(kv => $"{kv.Key}[{kv.Value.Length}]")));
double alpha = 0.2;                                  // EMA smoothing: f = 1 - alpha
const float w = 0.1f;                                // tanh(0.1 x) ≈ 0.1 x for |x| ≲ 3
// PyTorch gate order i, f, g, o (the coupled cell ignores the input-gate rows).
sd["weight_ih_l0"][2] = w;
sd["bias_ih_l0"][1] = (float)Math.Log((1 - alpha) / alpha);   // σ(b_f) = 1 - alpha
sd["bias_ih_l0"][3] = 8f;                                     // output gate ≈ 1
net = RecurrentNetwork.FromStateDict(spec, sd);

var rng = new Random(3);
int steps = 60;
float[] x = new float[steps];
for (int t = 0; t < steps; t++) x[t] = (float)((t < 30 ? 0.0 : 2.0) + 0.5 * (rng.NextDouble() - 0.5));   // a level shift at t = 30
var tel = net.Forward(x, 1, steps, captureTelemetry: true).Telemetry!;
var f = tel.Get(GateSignal.ForgetGate); var i = tel.Get(GateSignal.InputGate); var c = tel.Get(GateSignal.CellState);

double ema = 0, maxErr = 0;
Console.WriteLine("  t      x    f      i   c/w (cell)   EMA(x)");
for (int t = 0; t < steps; t++)
{
    ema = (1 - alpha) * ema + alpha * x[t];
    maxErr = Math.Max(maxErr, Math.Abs(c[t] / w - ema));
    if (t % 5 == 0 || (t >= 29 && t <= 34))
        Console.WriteLine($"{t,3} {x[t],6:F2} {f[t],5:F3} {i[t],6:F3} {c[t] / w,10:F3} {ema,8:F3}");
}
Console.WriteLine($"i + f = {i[0] + f[0]:F3} at every step; max |cell/w - EMA| = {maxErr:F4} (tanh curvature); half-life of the memory {Math.Log(0.5) / Math.Log(1 - alpha):F1} steps");
// Expected output:
// parameters: weight_ih_l0[4], weight_hh_l0[4], bias_ih_l0[4], bias_hh_l0[4]
//   t      x    f      i   c/w (cell)   EMA(x)
//   0  -0.10 0.800  0.200     -0.021   -0.021
//   5  -0.16 0.800  0.200     -0.026   -0.026
//  10   0.00 0.800  0.200     -0.015   -0.015
//  15   0.20 0.800  0.200     -0.005   -0.005
//  20  -0.14 0.800  0.200     -0.013   -0.013
//  25  -0.02 0.800  0.200      0.007    0.007
//  29  -0.00 0.800  0.200     -0.004   -0.004
//  30   1.90 0.800  0.200      0.372    0.377
//  31   1.87 0.800  0.200      0.668    0.676
//  32   2.00 0.800  0.200      0.929    0.941
//  33   1.78 0.800  0.200      1.096    1.109
//  34   2.10 0.800  0.200      1.290    1.306
//  35   2.20 0.800  0.200      1.464    1.484
//  40   2.15 0.800  0.200      1.867    1.894
//  45   1.97 0.800  0.200      1.957    1.985
//  50   2.13 0.800  0.200      1.993    2.021
//  55   2.10 0.800  0.200      1.996    2.024
// i + f = 1.000 at every step; max |cell/w - EMA| = 0.0283 (tanh curvature); half-life of the memory 3.1 steps
