#:project ../src/MlNetLstm/MlNetLstm.csproj
// A trigger word held across a long sequence, with a hand-wired one-unit LSTM: the input gate WRITES when the trigger
// appears, the forget gate HOLDS the cell for 200 noisy steps, the output gate READS only when the query arrives.
// Inputs per step: [noise word, trigger, query]; the hand-set weights ignore the noise channel (a trained cell learns that).
using MlNetLstm.Models;

var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 3, HiddenSize = 1, OutputSize = 0 };
var sd = RecurrentNetwork.Create(spec, seed: 1).ToStateDict().ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length]);
// weight_ih_l0 is [4 gates (i, f, g, o), 3 inputs], row-major.
sd["weight_ih_l0"] = [0f, 10f, 0f,     // input gate: opens on the trigger
                      0f, 0f, 0f,      // forget gate: constant
                      0f, 10f, 0f,     // candidate: +1 on the trigger
                      0f, 0f, 12f];    // output gate: opens on the query
sd["bias_ih_l0"] = [-6f, 9f, 0f, -6f]; // i and o closed at rest, f = σ(9) ≈ 0.9999
var net = RecurrentNetwork.FromStateDict(spec, sd);

int steps = 202, trigger = 1, query = steps - 1;
var rng = new Random(5);
foreach (bool withTrigger in new[] { true, false })
{
    float[] x = new float[steps * 3];
    for (int t = 0; t < steps; t++) x[t * 3] = (float)(rng.NextDouble() * 2 - 1);   // distractor words
    if (withTrigger) x[trigger * 3 + 1] = 1f;
    x[query * 3 + 2] = 1f;
    var tel = net.Forward(x, 1, steps, captureTelemetry: true).Telemetry!;
    var i = tel.Get(GateSignal.InputGate); var f = tel.Get(GateSignal.ForgetGate);
    var o = tel.Get(GateSignal.OutputGate); var c = tel.Get(GateSignal.CellState); var h = tel.Get(GateSignal.Hidden);
    Console.WriteLine(withTrigger ? "sequence WITH the trigger at t = 1:" : "sequence WITHOUT the trigger:");
    Console.WriteLine("    t   input gate  forget gate  output gate   cell c_t   hidden h_t");
    foreach (int t in new[] { 0, 1, 2, 100, 200, 201 })
        Console.WriteLine($"  {t,3}   {i[t],10:F4}  {f[t],11:F4}  {o[t],11:F4}  {c[t],9:F4}  {h[t],11:F4}");
    Console.WriteLine($"  answer read at the query: h = {h[query]:F3} -> trigger {(h[query] > 0.3 ? "seen" : "not seen")}; between write and read the output gate stayed <= {o[2..query].ToArray().Max():F4}");
}
// Expected output:
// sequence WITH the trigger at t = 1:
//     t   input gate  forget gate  output gate   cell c_t   hidden h_t
//     0       0.0025       0.9999       0.0025     0.0000       0.0000
//     1       0.9820       0.9999       0.0025     0.9820       0.0019
//     2       0.0025       0.9999       0.0025     0.9819       0.0019
//   100       0.0025       0.9999       0.0025     0.9701       0.0019
//   200       0.0025       0.9999       0.0025     0.9582       0.0018
//   201       0.0025       0.9999       0.9975     0.9581       0.7416
//   answer read at the query: h = 0.742 -> trigger seen; between write and read the output gate stayed <= 0.0025
// sequence WITHOUT the trigger:
//     t   input gate  forget gate  output gate   cell c_t   hidden h_t
//     0       0.0025       0.9999       0.0025     0.0000       0.0000
//     1       0.0025       0.9999       0.0025     0.0000       0.0000
//     2       0.0025       0.9999       0.0025     0.0000       0.0000
//   100       0.0025       0.9999       0.0025     0.0000       0.0000
//   200       0.0025       0.9999       0.0025     0.0000       0.0000
//   201       0.0025       0.9999       0.9975     0.0000       0.0000
//   answer read at the query: h = 0.000 -> trigger not seen; between write and read the output gate stayed <= 0.0025
