#:project ../src/MlNetLstm/MlNetLstm.csproj
// Counting a^n b^n with a two-layer LSTM (after Gers and Schmidhuber 2001). The network reads a^n b^n followed by padding
// and, at every step, says whether the string ends here: during the b's that is right only when #b = #a, so the
// network must count the a's up and the b's down. It is trained on n = 1..10 and tested on n = 1..16. The cell that
// does it is found by correlating every cell state with the running count #a - #b.
using MlNetLstm;
using MlNetLstm.Models;
using MlNetLstm.Training;

const int TrainMax = 10, TestMax = 16;
(float[] X, float[] Y, int T) Make(IReadOnlyList<int> ns, int steps)
{
    var x = new float[ns.Count * steps * 3]; var y = new float[ns.Count * steps * 2];
    for (int b = 0; b < ns.Count; b++)
        for (int t = 0; t < steps; t++)
        {
            int n = ns[b], symbol = t < n ? 0 : t < 2 * n ? 1 : 2;            // a, b, padding
            x[(b * steps + t) * 3 + symbol] = 1;
            y[(b * steps + t) * 2 + (t == 2 * n - 1 ? 1 : 0)] = 1;          // class 1: "the string ends here"
        }
    return (x, y, steps);
}
var rng = new Random(1);
int[] trainNs = Enumerable.Range(0, 1200).Select(_ => rng.Next(1, TrainMax + 1)).ToArray();
var (trainX, trainY, trainT) = Make(trainNs, 2 * TrainMax + 2);
var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 3, HiddenSize = 8, Layers = 2, OutputSize = 2, HeadMode = HeadMode.EveryStep };
var result = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, seed: 2),
    new SequenceDataset(trainX, trainNs.Length, trainT, 3, trainY, 2, targetsPerStep: true),
    new TrainingOptions { Epochs = 60, BatchSize = 32, LearningRate = 1e-2f, LossFunction = Loss.SoftmaxCrossEntropy, Seed = 3, Threads = 1 });
RecurrentNetwork net = result.Network;

// A string counts as recognised when every step's end / not-end call is right.
int[] testNs = Enumerable.Range(1, TestMax).ToArray();
var (testX, testY, testT) = Make(testNs, 2 * TestMax + 2);
var output = net.Forward(testX, testNs.Length, testT, captureTelemetry: true);
var correct = testNs.Select((n, b) => Enumerable.Range(0, testT).All(t =>
    (output.Values[(b * testT + t) * 2 + 1] > output.Values[(b * testT + t) * 2]) == (testY[(b * testT + t) * 2 + 1] == 1))).ToArray();
Console.WriteLine("n:          " + string.Join(" ", testNs.Select(n => $"{n,2}")));
Console.WriteLine("recognised: " + string.Join(" ", correct.Select(c => c ? " ✓" : " ✗")) + $"   (trained on n <= {TrainMax})");

// Which cell is the counter? Correlate each unit's cell state with #a - #b over the a/b steps of every test string.
var tel = output.Telemetry!;
(int Layer, int Unit, double R) counter = (0, 0, 0);
for (int layer = 0; layer < 2; layer++)
    for (int j = 0; j < spec.HiddenSize; j++)
    {
        var pairs = new List<(double Count, double Cell)>();
        for (int b = 0; b < testNs.Length; b++)
            for (int t = 0; t < 2 * testNs[b]; t++)
                pairs.Add((t < testNs[b] ? t + 1 : 2 * testNs[b] - t - 1, tel.Value(GateSignal.CellState, layer, 0, b, t, j)));
        double mc = pairs.Average(p => p.Count), mv = pairs.Average(p => p.Cell);
        double r = pairs.Sum(p => (p.Count - mc) * (p.Cell - mv)) / Math.Sqrt(pairs.Sum(p => (p.Count - mc) * (p.Count - mc)) * pairs.Sum(p => (p.Cell - mv) * (p.Cell - mv)));
        if (Math.Abs(r) > Math.Abs(counter.R)) counter = (layer, j, r);
    }
Console.WriteLine($"counter cell: layer {counter.Layer}, unit {counter.Unit}, correlation with #a - #b = {counter.R:F3}");
int show = 8 - 1;   // the string a^8 b^8
Console.WriteLine("a^8 b^8, step by step (counter unit: cell c, input gate i, candidate g = what is written, forget gate f):");
for (int t = 0; t < 2 * testNs[show] + 1; t++)
{
    float V(GateSignal s) => tel.Value(s, counter.Layer, 0, show, t, counter.Unit);
    char symbol = t < testNs[show] ? 'a' : t < 2 * testNs[show] ? 'b' : '_';
    Console.WriteLine($"  {symbol}  c = {V(GateSignal.CellState),6:F2}   i = {V(GateSignal.InputGate):F2}   g = {V(GateSignal.CellCandidate),5:F2}   f = {V(GateSignal.ForgetGate):F2}   end? {(output.Values[(show * testT + t) * 2 + 1] > output.Values[(show * testT + t) * 2] ? "yes" : "no")}");
}
if (!correct.Take(TrainMax).All(c => c) || Math.Abs(counter.R) < 0.9)
    throw new Exception("the network did not learn to count a^n b^n on the trained range, or no cell tracks the count");
// Expected output (about 3 s on 2 cores after the build; identical on the AVX-512, AVX2, Vector128 and scalar kernel paths).
// The input gate stays open; the candidate's sign carries the symbol (+0.8 per a, -0.6..-0.9 per b) and the forget gate's
// leak (f ~ 0.97 while c is large) adds the rest of each down-step:
// n:           1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16
// recognised:  ✓  ✓  ✓  ✓  ✓  ✓  ✓  ✓  ✓  ✓  ✓  ✓  ✗  ✗  ✗  ✗   (trained on n <= 10)
// counter cell: layer 0, unit 5, correlation with #a - #b = 0.996
// a^8 b^8, step by step (counter unit: cell c, input gate i, candidate g = what is written, forget gate f):
//   a  c =   0.66   i = 0.89   g =  0.74   f = 0.85   end? no
//   a  c =   1.30   i = 0.99   g =  0.68   f = 0.94   end? no
//   a  c =   2.01   i = 1.00   g =  0.75   f = 0.98   end? no
//   a  c =   2.79   i = 1.00   g =  0.81   f = 0.99   end? no
//   a  c =   3.60   i = 1.00   g =  0.83   f = 0.99   end? no
//   a  c =   4.41   i = 1.00   g =  0.84   f = 0.99   end? no
//   a  c =   5.22   i = 1.00   g =  0.84   f = 0.99   end? no
//   a  c =   6.02   i = 1.00   g =  0.85   f = 0.99   end? no
//   b  c =   5.30   i = 1.00   g = -0.58   f = 0.98   end? no
//   b  c =   4.53   i = 1.00   g = -0.61   f = 0.97   end? no
//   b  c =   3.76   i = 1.00   g = -0.63   f = 0.97   end? no
//   b  c =   3.00   i = 1.00   g = -0.64   f = 0.97   end? no
//   b  c =   2.23   i = 1.00   g = -0.67   f = 0.96   end? no
//   b  c =   1.40   i = 1.00   g = -0.73   f = 0.95   end? no
//   b  c =   0.45   i = 1.00   g = -0.84   f = 0.92   end? no
//   b  c =  -0.55   i = 1.00   g = -0.90   f = 0.78   end? yes
//   _  c =   0.73   i = 0.99   g =  0.84   f = 0.18   end? no
