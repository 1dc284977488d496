#:project ../src/MlNetLstm/MlNetLstm.csproj
// Ebbinghaus' forgetting curve as an LSTM cell: a constant forget gate f decays the memory trace c_t = f * c_{t-1},
// and "learning events" open the input gate and write the trace back towards 1. Weights are set by hand.
using MlNetLstm.Models;

var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 1, HiddenSize = 1, OutputSize = 0 };
var net = RecurrentNetwork.Create(spec, seed: 1);
var sd = net.ToStateDict().ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone());
// PyTorch gate order i, f, g, o; one unit, one input (x = 1 on a learning event).
float Logit(double p) => (float)Math.Log(p / (1 - p));
sd["weight_ih_l0"] = [12f, 0f, 5f, 0f];              // the input gate opens and the candidate is 1 only when x = 1
sd["weight_hh_l0"] = [0f, 0f, 0f, 0f];
sd["bias_ih_l0"] = [-6f, Logit(0.85), 0f, 6f];      // i closed at rest, f = 0.85 (a constant forgetting rate), o ≈ 1
sd["bias_hh_l0"] = [0f, 0f, 0f, 0f];
net = RecurrentNetwork.FromStateDict(spec, sd);

int steps = 30;
int[] learningDays = [0, 3, 10];
float[] x = new float[steps];
foreach (int d in learningDays) x[d] = 1f;
var output = net.Forward(x, batch: 1, steps: steps, captureTelemetry: true);
var tel = output.Telemetry!;
var f = tel.Get(GateSignal.ForgetGate); var i = tel.Get(GateSignal.InputGate); var c = tel.Get(GateSignal.CellState);

Console.WriteLine("day  event  input gate  forget gate  memory strength c_t");
for (int t = 0; t < steps; t++)
    if (t < 14 || t % 4 == 0)
        Console.WriteLine($"{t,3}  {(x[t] > 0 ? "learn" : ""),5}  {i[t],10:F3}  {f[t],11:F3}  {c[t],13:F3}");
// Half-life of the trace after the last event: ln 0.5 / ln f.
double halfLife = Math.Log(0.5) / Math.Log(f[^1]);
Console.WriteLine($"forget gate {f[^1]:F3} -> half-life {halfLife:F1} days; retention after 20 quiet days {c[^1]:F3} (analytic {c[learningDays[^1]] * Math.Pow(f[^1], steps - 1 - learningDays[^1]):F3})");

// Expected output (each learning event adds to the decayed trace: the spacing effect; between events it decays by f per day):
// day  event  input gate  forget gate  memory strength c_t
//   0  learn       0.998        0.850          0.997
//   1              0.002        0.850          0.848
//   2              0.002        0.850          0.721
//   3  learn       0.998        0.850          1.610
//   4              0.002        0.850          1.368
//   5              0.002        0.850          1.163
//   6              0.002        0.850          0.989
//   7              0.002        0.850          0.840
//   8              0.002        0.850          0.714
//   9              0.002        0.850          0.607
//  10  learn       0.998        0.850          1.514
//  11              0.002        0.850          1.287
//  12              0.002        0.850          1.094
//  13              0.002        0.850          0.930
//  16              0.002        0.850          0.571
//  20              0.002        0.850          0.298
//  24              0.002        0.850          0.156
//  28              0.002        0.850          0.081
// forget gate 0.850 -> half-life 4.3 days; retention after 20 quiet days 0.069 (analytic 0.069)
