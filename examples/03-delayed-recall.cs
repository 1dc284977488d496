#:project ../src/MlNetLstm/MlNetLstm.csproj
// Delayed recall at a long delay k = 60. Step 0 shows a cue (one of 4 symbols, plus a "remember this" flag), steps
// 1..k-1 show random distractor symbols from the same alphabet (no flag), step k asks for the cue (query flag). Three
// inductive biases on the same data (3 seeds each; recurrent nets 30 epochs, attention 15):
//   LSTM      c_t = f ⊙ c_{t-1} + i ⊙ g: gates can ignore distractors and a forget gate near 1 carries the memory;
//   tanh RNN  h_t = tanh(W x_t + U h_{t-1} + b): no gate; the gradient from the query back to the cue vanishes;
//   local-window attention: step t sees only steps t-w+1..t. With w = k the cue (k steps back) is outside the window and
//             no training can help; with w = k + 1 the same model finds it.
using MlNetLstm;
using MlNetLstm.Models;
using MlNetLstm.Models.Attention;
using MlNetLstm.Training;

const int K = 60, A = 4, I = A + 2, T = K + 1, N = 1000, H = 16;
var rng = new Random(3);
(float[] X, float[] Y, int[] Cue) Make(int n)
{
    var x = new float[n * T * I]; var y = new float[n * A]; var cue = new int[n];
    for (int b = 0; b < n; b++)
    {
        cue[b] = rng.Next(A); y[b * A + cue[b]] = 1;
        x[b * T * I + cue[b]] = 1; x[b * T * I + A] = 1;                       // step 0: cue symbol + cue flag
        for (int t = 1; t < K; t++) x[(b * T + t) * I + rng.Next(A)] = 1;    // distractors: same symbols, no flag
        x[(b * T + K) * I + A + 1] = 1;                                        // step k: query flag
    }
    return (x, y, cue);
}
var (trainX, trainY, _) = Make(N);
var (testX, _, testCue) = Make(1000);
var data = new SequenceDataset(trainX, N, T, I, trainY, A);
var options = new TrainingOptions { Epochs = 30, BatchSize = 32, LearningRate = 3e-3f, LossFunction = Loss.SoftmaxCrossEntropy };
double Accuracy(float[] logits) => Enumerable.Range(0, 1000).Count(b => Enumerable.Range(0, A).MaxBy(a => logits[b * A + a]) == testCue[b]) / 1000.0;

// The LSTM starts "chrono-style" (Tallec and Ollivier 2018): forget bias 4, input bias -4, so a cell holds by default.
// "LSTM, default init" is the library default (forget bias 1, other biases ~ U(-1/4, 1/4)).
RecurrentNetwork Init(CellType cell, int seed, bool chrono = true)
{
    var spec = new RecurrentNetworkSpec { Cell = cell, InputSize = I, HiddenSize = H, OutputSize = A };
    var net = RecurrentNetwork.Create(spec, seed, forgetGateBias: chrono ? 4f : RecurrentNetwork.DefaultForgetGateBias);
    if (cell != CellType.Lstm || !chrono) return net;
    var sd = net.ToStateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
    sd["bias_ih_l0"].AsSpan(0, H).Fill(-4f);                                   // gate order i, f, g, o
    return RecurrentNetwork.FromStateDict(spec, sd);
}
// Progress on stderr (15 trainings, some seconds each): what finished, elapsed time and an estimate of the time left.
var clock = System.Diagnostics.Stopwatch.StartNew();
int runsDone = 0;
const int Runs = 15;
void Done(string what)
{
    double s = clock.Elapsed.TotalSeconds;
    runsDone++;
    Console.Error.WriteLine($"[{runsDone,2}/{Runs}] trained {what} ({s:F1} s elapsed, about {s / runsDone * (Runs - runsDone):F0} s left)");
}
var nets = new Dictionary<string, RecurrentNetwork>();
var acc = new Dictionary<string, double[]>();
foreach (var (name, cell, chrono) in new[] { ("LSTM", CellType.Lstm, true), ("LSTM, default init", CellType.Lstm, false), ("tanh RNN", CellType.Rnn, false) })
    acc[name] = [.. Enumerable.Range(0, 3).Select(s =>
    {
        nets[$"{name} {s}"] = RecurrentTrainer.Train(Init(cell, 11 + s, chrono), data, options with { Seed = 5 + s }).Network;
        Done($"{name}, seed {s}");
        return Accuracy(nets[$"{name} {s}"].Forward(testX, 1000, T).Values.ToArray());
    })];
// Why: |dL/dx| at the cue step relative to the last distractor step, untrained networks, 100 training sequences.
double CueGradient(RecurrentNetwork net)
{
    var g = net.ComputeGradients(trainX.AsSpan(0, 100 * T * I), 100, T,
        (y, dy) => Losses.Sum(Loss.SoftmaxCrossEntropy, y, trainY.AsSpan(0, 100 * A), 100, A, 0.01f, dy)).Inputs.ToArray();
    double Norm(int t) => Math.Sqrt(Enumerable.Range(0, 100 * I).Sum(k => Math.Pow(g[(k / I * T + t) * I + k % I], 2)));
    return Norm(0) / Norm(K - 1);
}
var cueWeight = new Dictionary<string, double>();
foreach (int w in new[] { K, K + 1 })
    acc[$"attention, w = {w}"] = [.. Enumerable.Range(0, 3).Select(s =>
    {
        var spec = new LocalWindowAttentionSpec { InputSize = I, ModelSize = 16, WindowSize = w, OutputSize = A };
        var model = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec, 11 + s), data, options with { Epochs = 15, Seed = 5 + s }).Model;
        Done($"attention w = {w}, seed {s}");
        var output = model.Forward(testX, 1000, T, captureAttention: true);
        if (w > K) cueWeight[$"{s}"] = Enumerable.Range(0, 1000).Average(b => output.Attention(b, 0, 0, K));
        return Accuracy(output.Values.ToArray());
    })];
Console.WriteLine($"delayed recall, cue {K} steps before the query, {A} symbols (chance 25%); test accuracy of 3 seeds:");
foreach (var (name, a) in acc) Console.WriteLine($"  {name,-18} {string.Join("  ", a.Select(v => $"{v,7:P1}"))}");
Console.WriteLine($"  attention with w = {K + 1} puts {cueWeight.Values.Min():F3}..{cueWeight.Values.Max():F3} of its weight on the cue step (mean over test sequences)");
Console.WriteLine($"gradient reaching the cue, |dL/dx_0| / |dL/dx_{K - 1}| at initialisation: LSTM {CueGradient(Init(CellType.Lstm, 11)):0.0E+00}, tanh RNN " +
    $"{CueGradient(Init(CellType.Rnn, 11)):0.0E+00}, LSTM with the default init {CueGradient(Init(CellType.Lstm, 11, chrono: false)):0.0E+00}");

// What the LSTM's gates did (seed 0, 1000 test sequences). Units are ranked by how well their cell state separates the
// four cues at step t (between-cue / within-cue variance): the best at t = 1 wrote the cue, the best at t = k answers.
var tel = nets["LSTM 0"].Forward(testX, 1000, T, captureTelemetry: true).Telemetry!;
double Mean(GateSignal g, int j, int t0, int t1, int cue = -1) => Enumerable.Range(0, 1000).Where(b => cue < 0 || testCue[b] == cue)
    .Average(b => Enumerable.Range(t0, t1 - t0).Average(t => tel.Value(g, 0, 0, b, t, j)));
double Separation(int j, int t)
{
    double[] c = [.. Enumerable.Range(0, 1000).Select(b => (double)tel.Value(GateSignal.CellState, 0, 0, b, t, j))];
    double[] m = [.. Enumerable.Range(0, A).Select(a => Enumerable.Range(0, 1000).Where(b => testCue[b] == a).Average(b => c[b]))];
    return Enumerable.Range(0, 1000).Sum(b => Math.Pow(m[testCue[b]] - c.Average(), 2)) / Enumerable.Range(0, 1000).Sum(b => Math.Pow(c[b] - m[testCue[b]], 2));
}
double forget = Enumerable.Range(0, H).Average(j => Mean(GateSignal.ForgetGate, j, 1, K));
Console.WriteLine($"LSTM (seed 0), forget gate over the delay: mean {forget:F4} over the {H} units");
foreach (int t in new[] { 1, K })
{
    int j = Enumerable.Range(0, H).MaxBy(j => Separation(j, t));
    Console.WriteLine($"  best unit at t = {t,2}: unit {j,2}, separation {Separation(j, t),6:F0}; input gate {Mean(GateSignal.InputGate, j, 0, 1):F2} at the cue, {Mean(GateSignal.InputGate, j, 1, K):F2} "
        + $"on distractors; forget gate {Mean(GateSignal.ForgetGate, j, 1, K):F4}; output gate {Mean(GateSignal.OutputGate, j, K, T):F2} at the query");
    Console.WriteLine("      mean c per cue A B C D at " + string.Join(", ", new[] { 1, K / 2, K }.Select(s =>
        $"t = {s}: {string.Join(" ", Enumerable.Range(0, A).Select(a => $"{Mean(GateSignal.CellState, j, s, s + 1, a):F2}"))}")));
}
if (acc["LSTM"].Min() < 0.95 || acc["tanh RNN"].Max() > 0.4 || acc[$"attention, w = {K}"].Max() > 0.35 || acc[$"attention, w = {K + 1}"].Min() < 0.95 || forget < 0.95)
    throw new Exception("expected LSTM >= 95%, tanh RNN and attention with w = k near chance, attention with w = k + 1 >= 95%, forget gate near 1");
// Expected output (about 12 s on 2 cores after the build). Reading: the tanh RNN's gradient from the query back to the
// cue is 1e-18 of the one from step 59, and with this budget it stays at chance; attention with w = 60 cannot see the cue
// at all (chance whatever the weights), with w = 61 it attends to it and is perfect. The default-init LSTM (gradient
// 1.7e-4; Adam rescales it) gets there on some seeds; the chrono init makes it reliable. The LSTM does not latch the cue
// in one write: unit 11 writes a small cue-specific value (input gate 0.19 vs 0.09 on distractors) and holds it (f = 0.9987);
// cells then integrate the distractor steps at a cue-dependent rate, kept by f ≈ 0.99, so the cues fan out (unit 10).
// delayed recall, cue 60 steps before the query, 4 symbols (chance 25%); test accuracy of 3 seeds:
//   LSTM               100.0 %   99.9 %   99.9 %
//   LSTM, default init  84.3 %  100.0 %   74.1 %
//   tanh RNN            25.7 %   24.7 %   23.1 %
//   attention, w = 60   23.9 %   24.6 %   24.2 %
//   attention, w = 61  100.0 %  100.0 %  100.0 %
//   attention with w = 61 puts 0.729..1.000 of its weight on the cue step (mean over test sequences)
// gradient reaching the cue, |dL/dx_0| / |dL/dx_59| at initialisation: LSTM 4.4E-01, tanh RNN 3.4E-18, LSTM with the default init 1.7E-04
// LSTM (seed 0), forget gate over the delay: mean 0.9859 over the 16 units
//   best unit at t =  1: unit 11, separation     50; input gate 0.19 at the cue, 0.09 on distractors; forget gate 0.9987; output gate 0.83 at the query
//       mean c per cue A B C D at t = 1: 0.05 0.20 0.13 0.03, t = 30: -1.55 0.84 0.50 -2.28, t = 60: -3.41 1.71 3.36 -6.68
//   best unit at t = 60: unit 10, separation   1743; input gate 0.03 at the cue, 0.09 on distractors; forget gate 0.9887; output gate 0.69 at the query
//       mean c per cue A B C D at t = 1: 0.03 0.03 0.02 0.02, t = 30: 1.91 0.00 -0.82 -2.11, t = 60: 7.13 -0.01 -1.72 -5.81
