#:project ../src/MlNetLstm/MlNetLstm.csproj
// Music phrases. Synthetic melodies over 12 pitches are built from a small vocabulary: 6 motifs of 4 notes and 2
// cadences of 3 notes (each starts on its own pitch, so its first note names it). A phrase is 3 random motifs and then
// a random cadence (15 notes); a melody is 4 phrases. Nothing marks a boundary: the network, trained only to predict
// the next note, must recognise motifs from their first note, play them out, count 3 motifs to expect a cadence, and
// start over after it. The literature's reading of the gates: the forget gate is lowest at phrase boundaries (the old
// phrase is useless) and the input gate highest where a new motif starts (new information). The script measures both.
using MlNetLstm;
using MlNetLstm.Models;
using MlNetLstm.Training;

const int P = 12, M = 6, Phrases = 4, PhraseLength = 3 * 4 + 3, T = Phrases * PhraseLength, H = 16, N = 1000, NTest = 300;
var rng = new Random(15);
int[] firsts = [.. Enumerable.Range(0, P).OrderBy(_ => rng.Next()).Take(M + 2)];          // distinct first pitches
int[][] motifs = [.. Enumerable.Range(0, M + 2).Select(k => new[] { firsts[k] }.Concat(Enumerable.Range(0, k < M ? 3 : 2).Select(_ => rng.Next(P))).ToArray())];
Console.WriteLine("motifs: " + string.Join("  ", motifs.Take(M).Select(m => string.Join("-", m))) + ";  cadences: " + string.Join("  ", motifs.Skip(M).Select(m => string.Join("-", m))));
// Position classes of each note: 0 first note of a phrase (boundary), 1 first note of motif 2 or 3, 2 first note of the
// cadence, 3 notes 2-3 of a motif, 4 last note of a motif, 5 middle note of the cadence, 6 last note of the phrase.
string[] classes = ["first note of a phrase (boundary)", "first note of motif 2 or 3", "first note of the cadence", "notes 2-3 of a motif", "last note of a motif", "middle note of the cadence", "last note of the phrase"];
(float[] X, float[] Y, int[] Cls) Make(int n)
{
    var x = new float[n * T * P]; var y = new float[n * T * P]; var cls = new int[n * T];
    for (int b = 0; b < n; b++)
    {
        var notes = new List<int>(); var c = new List<int>();
        for (int p = 0; p <= Phrases; p++)                                                    // one extra phrase for the last target
            for (int k = 0; k < 4; k++)
            {
                int[] m = motifs[k < 3 ? rng.Next(M) : M + rng.Next(2)];
                for (int q = 0; q < m.Length; q++)
                {
                    notes.Add(m[q]);
                    c.Add(q > 0 ? (k < 3 ? (q == 3 ? 4 : 3) : q == 2 ? 6 : 5) : k == 0 ? 0 : k < 3 ? 1 : 2);
                }
            }
        for (int t = 0; t < T; t++)
        {
            x[(b * T + t) * P + notes[t]] = 1; y[(b * T + t) * P + notes[t + 1]] = 1; cls[b * T + t] = c[t];
        }
    }
    return (x, y, cls);
}
var (trainX, trainY, _) = Make(N);
var (testX, testY, cls) = Make(NTest);
var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = P, HiddenSize = H, OutputSize = P, HeadMode = HeadMode.EveryStep };
var data = new SequenceDataset(trainX, N, T, P, trainY, P, targetsPerStep: true);
// Skip t = 0 (the state starts at zero there, so its forget gate means nothing).
int[][] at = [.. Enumerable.Range(0, classes.Length).Select(k => Enumerable.Range(0, NTest * T).Where(i => i % T > 0 && cls[i] == k).ToArray())];
int[] predictable = [0, 1, 2, 3, 5];
var checks = new List<string>();
var net = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, seed: 1), data,
    new TrainingOptions { Epochs = 30, BatchSize = 32, LearningRate = 1e-2f, Seed = 2, LossFunction = Loss.SoftmaxCrossEntropy }).Network;
var output = net.Forward(testX, NTest, T, captureTelemetry: true);
float[] f = output.Telemetry!.Get(GateSignal.ForgetGate).ToArray(), ig = output.Telemetry!.Get(GateSignal.InputGate).ToArray();
bool Right(int i) => Enumerable.Range(0, P).MaxBy(k => output.Values[i * P + k]) == Enumerable.Range(0, P).First(k => testY[i * P + k] == 1);
double Mean(float[] g, int[] idx, int unit = -1) => unit >= 0 ? idx.Average(i => g[i * H + unit]) : idx.Average(i => Enumerable.Range(0, H).Average(j => g[i * H + j]));
Console.WriteLine("note position (the gates read this note)  notes   next note right   forget gate (mean of units)   input gate");
for (int k = 0; k < classes.Length; k++)
{
    double acc = at[k].Average(i => Right(i) ? 1.0 : 0);
    if (predictable.Contains(k) && acc < 0.99) checks.Add($"{classes[k]} predicted {acc:P1}");
    Console.WriteLine($"{classes[k],-40} {at[k].Length,6} {acc,17:P1} {Mean(f, at[k]),29:F3} {Mean(ig, at[k]),12:F3}");
}
// Per unit: at which note position is its forget gate lowest and its input gate highest (class means)?
int[] fMin = [.. Enumerable.Range(0, H).Select(j => Enumerable.Range(0, classes.Length).MinBy(k => Mean(f, at[k], j)))];
int[] iMax = [.. Enumerable.Range(0, H).Select(j => Enumerable.Range(0, classes.Length).MaxBy(k => Mean(ig, at[k], j)))];
string PerClass(int[] v) => string.Join(" ", Enumerable.Range(0, classes.Length).Select(k => v.Count(x => x == k)));
Console.WriteLine($"units by the position of their lowest forget gate:  {PerClass(fMin)} (in class order); at the boundary's two notes (first, last): {fMin.Count(k => k is 0 or 6)} of {H}");
Console.WriteLine($"units by the position of their highest input gate:  {PerClass(iMax)}; at a motif start (first three classes): {iMax.Count(k => k <= 2)} of {H}");
int reset = Enumerable.Range(0, H).MaxBy(j => Enumerable.Range(1, 5).Average(k => Mean(f, at[k], j)) - (Mean(f, at[0], j) + Mean(f, at[6], j)) / 2);
int writer = Enumerable.Range(0, H).MaxBy(j => Mean(ig, at[1], j) - Mean(ig, at[3], j));
Console.WriteLine($"phrase-reset unit {reset,2}: f by class " + string.Join(" ", Enumerable.Range(0, classes.Length).Select(k => $"{Mean(f, at[k], reset):F2}")));
Console.WriteLine($"motif-writer unit {writer,2}: i by class " + string.Join(" ", Enumerable.Range(0, classes.Length).Select(k => $"{Mean(ig, at[k], writer):F2}")));
Console.WriteLine($"over the first two phrases of test melody 0 (digit = floor(10 g); ! = phrase start, | = motif start):");
Console.WriteLine("  notes   " + string.Concat(Enumerable.Range(0, 2 * PhraseLength).Select(t => cls[t] == 0 ? '!' : cls[t] is 1 or 2 ? '|' : '.')));
Console.WriteLine($"  f[{reset,2}]   " + string.Concat(Enumerable.Range(0, 2 * PhraseLength).Select(t => (char)('0' + Math.Min(9, (int)(10 * f[t * H + reset]))))));
Console.WriteLine($"  i[{writer,2}]   " + string.Concat(Enumerable.Range(0, 2 * PhraseLength).Select(t => (char)('0' + Math.Min(9, (int)(10 * ig[t * H + writer]))))));
double boundaryF = (Mean(f, at[0], reset) + Mean(f, at[6], reset)) / 2;
if (Enumerable.Range(1, 5).Average(k => Mean(f, at[k], reset)) < boundaryF + 0.2) checks.Add($"unit {reset}'s forget gate is not lower across the boundary by 0.2");
if (fMin.Count(k => k is 0 or 6) < 4) checks.Add("fewer than 4 units have their lowest forget gate at the boundary");
if (checks.Count > 0) throw new Exception(string.Join("; ", checks));
// Expected output (about 7 s on 2 cores after the build; AVX2+FMA kernels; without AVX2/FMA (DOTNET_EnableAVX2=0) the
// figures move by up to 0.1 (still 6 of 16 units lowest across the boundary, reset unit 9 at 0.19 / 0.09) and the
// checks still pass).
// Reading: everything predictable is predicted (100 %; after a motif's last note 1 in 6 is chance). The literature's
// picture shows in single units, not in the averages, so this is weaker than the claim: unit 9 is a phrase-reset unit
// (f = 0.10 on the cadence's last note and 0.17 on the new phrase's first note, 0.39-0.78 elsewhere: it resets across
// the boundary, starting one note early because the cadence announces the end), and 6 of 16 units have their lowest
// forget gate on those two notes; but the mean forget gate hardly moves (0.60-0.72), and input gates are open almost
// everywhere (0.85-0.97). The "motif writer" unit 14 is open at every motif start (1.00 vs 0.83 inside a motif) but its
// clearest feature is closing (0.39) on a motif's last note.
// motifs: 11-11-3-5  1-4-2-3  2-0-1-9  10-6-6-3  0-2-2-9  6-11-8-1;  cadences: 5-8-4  3-3-4
// note position (the gates read this note)  notes   next note right   forget gate (mean of units)   input gate
// first note of a phrase (boundary)           900           100.0 %                         0.602        0.951
// first note of motif 2 or 3                 2400           100.0 %                         0.601        0.961
// first note of the cadence                  1200           100.0 %                         0.668        0.928
// notes 2-3 of a motif                       7200           100.0 %                         0.703        0.908
// last note of a motif                       3600            26.7 %                         0.665        0.847
// middle note of the cadence                 1200           100.0 %                         0.722        0.970
// last note of the phrase                    1200            14.4 %                         0.638        0.960
// units by the position of their lowest forget gate:  1 1 2 2 3 2 5 (in class order); at the boundary's two notes (first, last): 6 of 16
// units by the position of their highest input gate:  3 3 1 0 0 6 3; at a motif start (first three classes): 7 of 16
// phrase-reset unit  9: f by class 0.17 0.39 0.78 0.41 0.73 0.48 0.10
// motif-writer unit 14: i by class 1.00 1.00 0.97 0.83 0.39 1.00 1.00
// over the first two phrases of test melody 0 (digit = floor(10 g); ! = phrase start, | = motif start):
//   notes   !...|...|...|..!...|...|...|..
//   f[ 9]   855732274227830017928682868751
//   i[14]   997499209981999990499779986999
