#:project ../src/MlNetLstm/MlNetLstm.csproj
// A bidirectional LSTM on palindromes. Task: read a sequence of T = 12 symbols (alphabet of 4) and emit, at every step t,
// the symbol at the mirrored position T-1-t: the sequence reversed, i.e. the palindrome completion. A one-directional
// LSTM at step t < T/2 has not yet seen that symbol, so it can only guess (25%); the reverse direction of a
// bidirectional LSTM has. Same hidden width per direction, same data, same training. The reversed output then
// answers "is the input a palindrome?" (prediction == input).
using MlNetLstm;
using MlNetLstm.Models;
using MlNetLstm.Training;

const int T = 12, A = 4, H = 32;
var rng = new Random(3);
(float[] X, float[] Y, int[][] Seqs) Make(int n, bool palindromes = false)
{
    var x = new float[n * T * A]; var y = new float[n * T * A]; var seqs = new int[n][];
    for (int b = 0; b < n; b++)
    {
        var s = seqs[b] = new int[T];
        for (int t = 0; t < T; t++) s[t] = palindromes && t >= T / 2 ? s[T - 1 - t] : rng.Next(A);
        for (int t = 0; t < T; t++) { x[(b * T + t) * A + s[t]] = 1; y[(b * T + t) * A + s[T - 1 - t]] = 1; }
    }
    return (x, y, seqs);
}
var (trainX, trainY, _) = Make(3000);
var (testX, testY, testSeqs) = Make(1000);
var data = new SequenceDataset(trainX, 3000, T, A, trainY, A, targetsPerStep: true);
var options = new TrainingOptions { Epochs = 80, BatchSize = 32, LearningRate = 1e-2f, LossFunction = Loss.SoftmaxCrossEntropy, Seed = 5, Threads = 1 };

double[] PerPosition(RecurrentNetwork net, float[] x, float[] y, int n)
{
    var output = net.Forward(x, n, T).Values; var correct = new double[T];
    for (int b = 0; b < n; b++) for (int t = 0; t < T; t++)
    {
        var logits = output.Slice((b * T + t) * A, A); int best = 0;
        for (int k = 1; k < A; k++) if (logits[k] > logits[best]) best = k;
        if (y[(b * T + t) * A + best] == 1) correct[t] += 1.0 / n;
    }
    return correct;
}
var nets = new Dictionary<string, RecurrentNetwork>(); var firstHalf = new Dictionary<string, double>();
foreach (bool bi in new[] { false, true })
{
    var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = A, HiddenSize = H, Bidirectional = bi, OutputSize = A, HeadMode = HeadMode.EveryStep };
    var result = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, seed: 11), data, options);
    string name = bi ? "bidirectional" : "forward only";
    nets[name] = result.Network;
    double[] acc = PerPosition(result.Network, testX, testY, 1000);
    firstHalf[name] = acc[..(T / 2)].Average();
    Console.WriteLine($"{name,-14} accuracy by output step t (target = input at {T - 1}-t): " + string.Join(" ", acc.Select(a => $"{a:P0}")));
    Console.WriteLine($"{"",14} first half {acc[..(T / 2)].Average():P1}, second half {acc[(T / 2)..].Average():P1}, loss {result.Report.TrainingLoss[^1]:F3}");
}
// What the directions did: the reverse direction's cell state at step t must carry the later symbols; measure how much
// each direction's hidden state changes when only the LAST input symbol changes (it is the target at t = 0).
var biNet = nets["bidirectional"];
var (px, _, pseqs) = Make(1, palindromes: true);
var qx = (float[])px.Clone();
int last = pseqs[0][T - 1], other = (last + 1) % A;
qx[(T - 1) * A + last] = 0; qx[(T - 1) * A + other] = 1;
var tp = biNet.Forward(px, 1, T, captureTelemetry: true).Telemetry!; var tq = biNet.Forward(qx, 1, T, captureTelemetry: true).Telemetry!;
double Diff(int dir, int t) { double d = 0; for (int j = 0; j < H; j++) d += Math.Abs(tp.Value(GateSignal.Hidden, 0, dir, 0, t, j) - tq.Value(GateSignal.Hidden, 0, dir, 0, t, j)); return d; }
Console.WriteLine($"changing only the last symbol moves h at t = 0 by {Diff(0, 0):F3} (forward direction) and {Diff(1, 0):F3} (reverse direction)");
Console.WriteLine($"reverse direction, forget gate (mean over units) along the sequence: " +
    string.Join(" ", Enumerable.Range(0, T).Select(t => { double f = 0; for (int j = 0; j < H; j++) f += tp.Value(GateSignal.ForgetGate, 0, 1, 0, t, j); return $"{f / H:F2}"; })));
// Palindrome detection from the reversed output: predicted reverse == input.
var (palX, _, palSeqs) = Make(500, palindromes: true);
var (rndX, _, rndSeqs) = Make(500);
int Detect(RecurrentNetwork net, float[] x, int[][] seqs, bool expected)
{
    var output = net.Forward(x, seqs.Length, T).Values; int ok = 0;
    for (int b = 0; b < seqs.Length; b++)
    {
        bool same = true;
        for (int t = 0; t < T && same; t++) { var l = output.Slice((b * T + t) * A, A); int best = 0; for (int k = 1; k < A; k++) if (l[k] > l[best]) best = k; same = best == seqs[b][t]; }
        if (same == expected) ok++;
    }
    return ok;
}
foreach (var (name, net) in nets)
    Console.WriteLine($"{name,-14} palindrome detection: {Detect(net, palX, palSeqs, true) + Detect(net, rndX, rndSeqs, false)} / 1000 correct");
double biFirst = firstHalf["bidirectional"], uniFirst = firstHalf["forward only"];
if (biFirst < 0.95 || uniFirst > 0.4) throw new Exception($"expected bidirectional >= 95% and forward-only near chance on the first half, got {biFirst:P1} / {uniFirst:P1}");
// Expected output (about 12 s on 2 cores after the build; identical on the AVX-512 and AVX2 kernel paths, within a percent
// on Vector128 / scalar). Guessing the first half, the forward-only net (almost) never confirms a palindrome: 500 / 1000.
// forward only   accuracy by output step t (target = input at 11-t): 27 % 26 % 24 % 25 % 24 % 26 % 100 % 98 % 96 % 96 % 98 % 99 %
//                first half 25.2 %, second half 97.9 %, loss 0.699
// bidirectional  accuracy by output step t (target = input at 11-t): 100 % 100 % 100 % 100 % 100 % 100 % 100 % 100 % 100 % 100 % 100 % 100 %
//                first half 100.0 %, second half 100.0 %, loss 0.000
// changing only the last symbol moves h at t = 0 by 0.000 (forward direction) and 10.955 (reverse direction)
// reverse direction, forget gate (mean over units) along the sequence: 0.76 0.81 0.90 0.91 0.94 0.96 0.94 0.81 0.80 0.69 0.81 0.82
// forward only   palindrome detection: 500 / 1000 correct
// bidirectional  palindrome detection: 994 / 1000 correct
