#:project ../src/MlNetLstm/MlNetLstm.csproj
// User telemetry (HCI). Synthetic action logs of 40 actions: confident users run task scripts (search, click, scroll,
// type, submit...) with few slips; confused users start the same scripts but often wander off (back, undo, help, idle,
// a random action) and restart. An LSTM is trained only to predict the next action; it never sees who is confused.
// A proposed rule of thumb (issue #21) reads confusion off the gates: a session whose mean forget gate is below 0.4 or
// whose mean input gate is above 0.7 is flagged. The script applies that rule to held-out sessions and reports how well
// the gate telemetry alone separates the groups (rule accuracy, the area under the ROC curve of each gate statistic, the
// best threshold chosen on training sessions), for three network seeds, next to a classifier trained on the labels
// with the same network size, for scale.
using MlNetLstm;
using MlNetLstm.Models;
using MlNetLstm.Training;

string[] actions = ["search", "click", "scroll", "type", "submit", "back", "undo", "help", "idle", "home"];
int[][] scripts = [[0, 1, 2, 2, 3, 4], [9, 1, 3, 3, 4], [0, 1, 2, 1, 2, 3, 4], [9, 0, 1, 2, 4]];
const int A = 10, T = 40, H = 16, N = 1500, NTest = 600;
var rng = new Random(14);
(float[] X, float[] Y, bool[] Confused) Make(int n)
{
    var x = new float[n * T * A]; var y = new float[n * T * A]; var confused = new bool[n];
    for (int b = 0; b < n; b++)
    {
        confused[b] = b % 2 == 1;
        double slip = confused[b] ? 0.2 + 0.25 * rng.NextDouble() : 0.1 * rng.NextDouble();   // chance of leaving the script
        var log = new List<int>();
        int[] s = scripts[rng.Next(scripts.Length)]; int pos = 0;
        while (log.Count <= T)
        {
            if (rng.NextDouble() < slip)
            {
                log.Add(confused[b] && rng.NextDouble() < 0.7 ? 5 + rng.Next(4) : rng.Next(A));  // back/undo/help/idle or anything
                if (rng.NextDouble() < 0.5) pos = 0;                                              // ... and start the task over
                continue;
            }
            log.Add(s[pos++]);
            if (pos == s.Length) { s = scripts[rng.Next(scripts.Length)]; pos = 0; }
        }
        for (int t = 0; t < T; t++) { x[(b * T + t) * A + log[t]] = 1; y[(b * T + t) * A + log[t + 1]] = 1; }
    }
    return (x, y, confused);
}
var (trainX, trainY, trainConfused) = Make(N);
var (testX, testY, confusedTest) = Make(NTest);
var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = A, HiddenSize = H, OutputSize = A, HeadMode = HeadMode.EveryStep };
var data = new SequenceDataset(trainX, N, T, A, trainY, A, targetsPerStep: true);
// Per session: the mean gate over its units and steps t >= 1.
double[] SessionMeans(GateTelemetry tel, GateSignal g, int n)
{
    float[] v = tel.Get(g).ToArray();
    return [.. Enumerable.Range(0, n).Select(b => Enumerable.Range(1, T - 1).Average(t => Enumerable.Range(0, H).Average(j => v[(b * T + t) * H + j])))];
}
double Avg(double[] v, bool conf) => Enumerable.Range(0, NTest).Where(b => confusedTest[b] == conf).Average(b => v[b]);
// Area under the ROC curve: the probability that a random confused session scores higher than a random confident one.
double Auc(double[] score) =>
    Enumerable.Range(0, NTest).Where(b => confusedTest[b]).Sum(p => Enumerable.Range(0, NTest).Where(b => !confusedTest[b])
        .Sum(q => score[p] > score[q] ? 1.0 : score[p] == score[q] ? 0.5 : 0)) / (NTest / 2.0 * (NTest / 2.0));
double Accuracy(Func<int, bool> flag) => Enumerable.Range(0, NTest).Average(b => flag(b) == confusedTest[b] ? 1.0 : 0);
// The best single threshold on a statistic (either direction; candidates every 10th sorted value), chosen on the training sessions.
(double Threshold, bool Above) Best(double[] v) => v.Order().Where((_, k) => k % 10 == 5).SelectMany(th => new[] { (th, true), (th, false) })
    .MaxBy(p => Enumerable.Range(0, N).Count(b => (p.Item2 ? v[b] > p.th : v[b] < p.th) == trainConfused[b]));
var worst = new List<double>(); var best = new List<double>();
foreach (int seed in new[] { 1, 2, 3 })
{
    var net = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, seed), data,
        new TrainingOptions { Epochs = 20, BatchSize = 32, LearningRate = 1e-2f, Seed = 2, LossFunction = Loss.SoftmaxCrossEntropy }).Network;
    var output = net.Forward(testX, NTest, T, captureTelemetry: true);
    double[] meanF = SessionMeans(output.Telemetry!, GateSignal.ForgetGate, NTest), meanI = SessionMeans(output.Telemetry!, GateSignal.InputGate, NTest);
    double[] next = [.. Enumerable.Range(0, NTest).Select(b => Enumerable.Range(0, T).Average(t =>
        Enumerable.Range(0, A).MaxBy(k => output.Values[(b * T + t) * A + k]) == Enumerable.Range(0, A).First(k => testY[(b * T + t) * A + k] == 1) ? 1.0 : 0))];
    Console.WriteLine($"network seed {seed}: next action predicted in {Avg(next, false):P1} of confident and {Avg(next, true):P1} of confused sessions' steps");
    Console.WriteLine($"  session mean forget gate: confident {Avg(meanF, false):F3}, confused {Avg(meanF, true):F3} (all sessions {meanF.Min():F3}..{meanF.Max():F3})");
    Console.WriteLine($"  session mean input gate:  confident {Avg(meanI, false):F3}, confused {Avg(meanI, true):F3} (all sessions {meanI.Min():F3}..{meanI.Max():F3})");
    bool Flag(int b) => meanF[b] < 0.4 || meanI[b] > 0.7;
    double rule = Accuracy(Flag);
    Console.WriteLine($"  rule \"mean f < 0.4 or mean i > 0.7\": flags {Enumerable.Range(0, NTest).Count(Flag)} of {NTest}; accuracy {rule:P1} " +
        $"(confused flagged {Enumerable.Range(0, NTest).Count(b => Flag(b) && confusedTest[b]) / (NTest / 2.0):P1}, confident flagged {Enumerable.Range(0, NTest).Count(b => Flag(b) && !confusedTest[b]) / (NTest / 2.0):P1})");
    Console.WriteLine($"  AUC in the rule's direction: low f {Auc([.. meanF.Select(v => -v)]):F3}, high i {Auc(meanI):F3} (0.5 = no separation, 0 = perfect the other way)");
    var tel = net.Forward(trainX, N, T, captureTelemetry: true).Telemetry!;
    double[] fTr = SessionMeans(tel, GateSignal.ForgetGate, N), iTr = SessionMeans(tel, GateSignal.InputGate, N);
    var (thF, aboveF) = Best(fTr); var (thI, aboveI) = Best(iTr);
    double accF = Accuracy(b => aboveF ? meanF[b] > thF : meanF[b] < thF), accI = Accuracy(b => aboveI ? meanI[b] > thI : meanI[b] < thI);
    Console.WriteLine($"  threshold fitted on training sessions: confused if mean f {(aboveF ? ">" : "<")} {thF:F3}: test accuracy {accF:P1}; if mean i {(aboveI ? ">" : "<")} {thI:F3}: {accI:P1}");
    worst.Add(rule); best.Add(Math.Max(accF, accI));
}
// For scale: the same network trained on the label (confused or not, read at the last step).
float[] labels = [.. trainConfused.SelectMany(c => c ? new[] { 0f, 1f } : [1f, 0f])];
var cls = RecurrentTrainer.Train(RecurrentNetwork.Create(spec with { OutputSize = 2, HeadMode = HeadMode.LastStep }, seed: 1), new SequenceDataset(trainX, N, T, A, labels, 2),
    new TrainingOptions { Epochs = 20, BatchSize = 32, LearningRate = 1e-2f, Seed = 2, LossFunction = Loss.SoftmaxCrossEntropy }).Network;
float[] logits = cls.Forward(testX, NTest, T).Values.ToArray();
double supervised = Accuracy(b => logits[b * 2 + 1] > logits[b * 2]);
Console.WriteLine($"for scale, the same LSTM trained on the labels: test accuracy {supervised:P1}");
if (best.Min() < 0.9 || supervised < 0.9)
    throw new Exception("expected a fitted gate threshold and the supervised classifier to reach 90 %");
// Expected output (about 10 s on 2 cores after the build; longer on a busy machine; AVX2+FMA kernels; without AVX2/FMA
// (DOTNET_EnableAVX2=0) only the supervised accuracy moves (96.7 %)).
// Reading: the rule of thumb fails here, and in the opposite direction: it flags the CONFIDENT sessions (accuracy 2-3
// %), because in these networks the confident users' script-following writes more (mean input gate 0.76 vs 0.64) and
// keeps less (forget gate 0.54-0.61 vs 0.59-0.65); no session's mean forget gate is anywhere near 0.4. Gate telemetry
// still separates the groups well without labels in training (AUC 0.996-0.997 for the input gate read the other way),
// and a threshold fitted on labelled sessions gets 96.3-97.8 % (mean input gate) against 96 % for the LSTM trained on
// the labels. So the gates carry the signal, but its direction and thresholds belong to the network and the task: they
// must be calibrated, not assumed.
// network seed 1: next action predicted in 76.7 % of confident and 52.5 % of confused sessions' steps
//   session mean forget gate: confident 0.537, confused 0.587 (all sessions 0.514..0.638)
//   session mean input gate:  confident 0.762, confused 0.634 (all sessions 0.567..0.791)
//   rule "mean f < 0.4 or mean i > 0.7": flags 300 of 600; accuracy 3.0 % (confused flagged 3.0 %, confident flagged 97.0 %)
//   AUC in the rule's direction: low f 0.017, high i 0.004 (0.5 = no separation, 0 = perfect the other way)
//   threshold fitted on training sessions: confused if mean f > 0.556: test accuracy 94.8 %; if mean i < 0.688: 96.5 %
// network seed 2: next action predicted in 76.7 % of confident and 52.1 % of confused sessions' steps
//   session mean forget gate: confident 0.570, confused 0.595 (all sessions 0.548..0.641)
//   session mean input gate:  confident 0.771, confused 0.639 (all sessions 0.518..0.802)
//   rule "mean f < 0.4 or mean i > 0.7": flags 318 of 600; accuracy 3.0 % (confused flagged 6.0 %, confident flagged 100.0 %)
//   AUC in the rule's direction: low f 0.088, high i 0.003 (0.5 = no separation, 0 = perfect the other way)
//   threshold fitted on training sessions: confused if mean f > 0.578: test accuracy 83.7 %; if mean i < 0.716: 96.3 %
// network seed 3: next action predicted in 76.7 % of confident and 52.3 % of confused sessions' steps
//   session mean forget gate: confident 0.606, confused 0.653 (all sessions 0.565..0.715)
//   session mean input gate:  confident 0.761, confused 0.636 (all sessions 0.571..0.786)
//   rule "mean f < 0.4 or mean i > 0.7": flags 308 of 600; accuracy 2.3 % (confused flagged 3.7 %, confident flagged 99.0 %)
//   AUC in the rule's direction: low f 0.048, high i 0.003 (0.5 = no separation, 0 = perfect the other way)
//   threshold fitted on training sessions: confused if mean f > 0.625: test accuracy 89.5 %; if mean i < 0.701: 97.8 %
// for scale, the same LSTM trained on the labels: test accuracy 96.0 %
