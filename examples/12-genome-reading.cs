#:project ../src/MlNetLstm/MlNetLstm.csproj
// Reading a genome. A synthetic genome with planted grammar: exons of 4-10 codons drawn from a skewed 12-codon usage
// table, introns that open with the donor motif GTAAGT, carry an A/T-rich body of 12-40 nucleotides and close with the
// acceptor motif TTTCAG, then the next exon. An LSTM is trained ONLY to predict the next nucleotide; nobody tells it
// where exons and introns are. Afterwards linear probes (LinearProbe: ridge regression from h_t, fitted on half the
// test windows and scored on the other half) ask whether h_t knows the region and where a boundary just was, against
// the same probes on an untrained network's h_t and on the last 6 nucleotides themselves (a local window); and the
// forget gate is read around the boundaries.
using MlNetLstm;
using MlNetLstm.Models;
using MlNetLstm.Training;

const string Bases = "ACGT";
const int T = 150, H = 24, N = 600, NTest = 200, Window = 6;
var rng = new Random(12);
string[] codons = [.. Enumerable.Range(0, 12).Select(_ => new string([.. Enumerable.Range(0, 3).Select(_ => Bases[rng.Next(4)])]))];
double[] usage = [.. Enumerable.Range(0, 12).Select(k => 1.0 / (k + 1))];
string Codon() { double u = rng.NextDouble() * usage.Sum(); int k = 0; while ((u -= usage[k]) > 0) k++; return codons[k]; }
char Intronic() { double u = rng.NextDouble(); return u < 0.4 ? 'A' : u < 0.8 ? 'T' : u < 0.9 ? 'C' : 'G'; }
Console.WriteLine("codon usage (most to least frequent): " + string.Join(" ", codons) + "; donor GTAAGT, acceptor TTTCAG");
// Region 0 = exon, 1 = intron (motifs included); a boundary is the first nucleotide of a region.
(float[] X, float[] Y, int[] Region, bool[] Boundary) Make(int n)
{
    var x = new float[n * T * 4]; var y = new float[n * T * 4]; var region = new int[n * T]; var boundary = new bool[n * T];
    for (int b = 0; b < n; b++)
    {
        var seq = new List<(char Base, int Region, bool Start)>();
        while (seq.Count <= T)
        {
            int codonCount = rng.Next(4, 11);
            for (int k = 0; k < codonCount; k++) foreach (char c in Codon()) seq.Add((c, 0, false));
            string intron = "GTAAGT" + new string([.. Enumerable.Range(0, rng.Next(12, 41)).Select(_ => Intronic())]) + "TTTCAG";
            foreach (char c in intron) seq.Add((c, 1, false));
        }
        for (int t = 1; t < seq.Count; t++) if (seq[t].Region != seq[t - 1].Region) seq[t] = seq[t] with { Start = true };
        int skip = rng.Next(30);                                                         // windows start anywhere
        for (int t = 0; t < T; t++)
        {
            var (c, r, start) = seq[(skip + t) % seq.Count];
            int i = b * T + t;
            x[i * 4 + Bases.IndexOf(c)] = 1; y[i * 4 + Bases.IndexOf(seq[(skip + t + 1) % seq.Count].Base)] = 1;
            region[i] = r; boundary[i] = start;
        }
    }
    return (x, y, region, boundary);
}
var (trainX, trainY, _, _) = Make(N);
var (testX, testY, region, boundary) = Make(NTest);
var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 4, HiddenSize = H, OutputSize = 4, HeadMode = HeadMode.EveryStep };
var untrained = RecurrentNetwork.Create(spec, seed: 1);
var result = RecurrentTrainer.Train(untrained, new SequenceDataset(trainX, N, T, 4, trainY, 4, targetsPerStep: true),
    new TrainingOptions { Epochs = 20, BatchSize = 16, LearningRate = 1e-2f, Seed = 2, LossFunction = Loss.SoftmaxCrossEntropy });
var net = result.Network;
var output = net.Forward(testX, NTest, T, captureTelemetry: true);
var tel = output.Telemetry!;
// Next-nucleotide prediction: cross-entropy in bits per nucleotide, in exons and introns.
double Bits(int i)
{
    double max = Enumerable.Range(0, 4).Max(k => output.Values[i * 4 + k]);
    double logZ = max + Math.Log(Enumerable.Range(0, 4).Sum(k => Math.Exp(output.Values[i * 4 + k] - max)));
    int target = Enumerable.Range(0, 4).First(k => testY[i * 4 + k] == 1);
    return (logZ - output.Values[i * 4 + target]) / Math.Log(2);
}
int[] steps = [.. Enumerable.Range(0, NTest * T).Where(i => i % T >= 10)];         // skip each window's first 10 steps (no context yet)
Console.WriteLine($"next nucleotide: {steps.Where(i => region[i] == 0).Average(Bits):F2} bits in exons, {steps.Where(i => region[i] == 1).Average(Bits):F2} in introns (2.00 = uniform guessing; the intron body's own entropy is 1.72)");

// Probes, fitted on test windows 0..99 and scored on 100..199. Features: h_t of the trained network, h_t of the untrained
// one, and the one-hot last 6 nucleotides. Targets: the region (exon/intron), and "a boundary in the last 6 nucleotides".
float[] hTrained = tel.Get(GateSignal.Hidden).ToArray();
float[] hUntrained = untrained.Forward(testX, NTest, T, captureTelemetry: true).Telemetry!.Get(GateSignal.Hidden).ToArray();
float[] local = new float[NTest * T * Window * 4];
for (int i = 0; i < NTest * T; i++)
    for (int k = 0; k < Window && k <= i % T; k++)
        for (int c = 0; c < 4; c++) local[(i * Window + k) * 4 + c] = testX[(i - k) * 4 + c];
bool RecentBoundary(int i) => Enumerable.Range(0, Window).Any(k => k <= i % T && boundary[i - k]);
int[] fitRows = [.. steps.Where(i => i / T < NTest / 2)], scoreRows = [.. steps.Where(i => i / T >= NTest / 2)];
float[] Rows(float[] features, int width, int[] rows) => [.. rows.SelectMany(i => features.AsSpan(i * width, width).ToArray())];
Console.WriteLine($"linear probes on held-out windows ({scoreRows.Length} positions), AUC (0.5 = chance, 1 = perfect):");
Console.WriteLine("features                           width   exon vs intron   boundary in the last 6 nt");
var auc = new Dictionary<string, (double Region, double Boundary)>();
foreach (var (name, features, width) in new[] { ("h_t, trained on next nucleotide", hTrained, H), ("h_t, untrained network", hUntrained, H), ("last 6 nucleotides (one-hot)", local, Window * 4) })
{
    float[] fit = Rows(features, width, fitRows), score = Rows(features, width, scoreRows);
    double Auc(Func<int, bool> label)
    {
        var probe = LinearProbe.Fit(fit, width, [.. fitRows.Select(i => label(i) ? 1.0 : 0.0)]);
        return LinearProbe.AreaUnderRoc(probe.PredictRows(score), [.. scoreRows.Select(label)]);
    }
    auc[name] = (Auc(i => region[i] == 1), Auc(RecentBoundary));
    Console.WriteLine($"{name,-34} {width,5} {auc[name].Region,16:F3} {auc[name].Boundary,27:F3}");
}

// Forget gates around the boundaries, by offset from the first nucleotide of the new region (0 = that nucleotide). The
// gates also react to the letter being read, so each value is compared with the same unit's mean forget gate on the
// same letter away from boundaries ("letter-matched"): a boundary reset is a dip below that.
float[] f = tel.Get(GateSignal.ForgetGate).ToArray();
int Base(int i) => Enumerable.Range(0, 4).First(c => testX[i * 4 + c] == 1);
int[] donors = [.. steps.Where(i => boundary[i] && region[i] == 1 && i % T + 12 < T)], acceptors = [.. steps.Where(i => boundary[i] && region[i] == 0 && i % T + 12 < T)];
int[] away = [.. steps.Where(i => !Enumerable.Range(-8, 20).Any(k => i % T + k >= 0 && i % T + k < T && boundary[i + k]))];
double[,] matched = new double[H, 4];
for (int j = 0; j < H; j++) for (int c = 0; c < 4; c++) matched[j, c] = away.Where(i => Base(i) == c).Average(i => (double)f[i * H + j]);
int[] offsets = [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 8, 10];
Console.WriteLine("forget gate around the boundaries, offset from the first nucleotide of the new region: " + string.Concat(offsets.Select(k => $"{k,6}")));
var dip = new Dictionary<string, double>();
foreach (var (name, at) in new[] { ("exon -> intron (donor GTAAGT)", donors), ("intron -> exon (after TTTCAG)", acceptors) })
{
    double Mean(int k, int unit) => at.Average(i => (double)f[(i + k) * H + unit]);
    double Dip(int k, int unit) => at.Average(i => matched[unit, Base(i + k)] - f[(i + k) * H + unit]);
    double MeanAll(int k) => Enumerable.Range(0, H).Average(j => Mean(k, j));
    double DipAll(int k) => Enumerable.Range(0, H).Average(j => Dip(k, j));
    int unit = Enumerable.Range(0, H).MaxBy(j => offsets.Max(k => Dip(k, j)));
    Console.WriteLine($"  {name}:");
    Console.WriteLine($"    mean of {H} units                                        " + string.Concat(offsets.Select(k => $"{MeanAll(k),6:F2}")));
    Console.WriteLine($"    mean of {H} units, dip below letter-matched              " + string.Concat(offsets.Select(k => $"{DipAll(k),6:F2}")));
    Console.WriteLine($"    unit {unit,2} (largest dip)                                  " + string.Concat(offsets.Select(k => $"{Mean(k, unit),6:F2}")));
    Console.WriteLine($"    unit {unit,2}, dip below letter-matched                      " + string.Concat(offsets.Select(k => $"{Dip(k, unit),6:F2}")));
    dip[name] = offsets.Max(k => Dip(k, unit));
}
if (auc["h_t, trained on next nucleotide"].Region < 0.95 || auc["h_t, trained on next nucleotide"].Region < auc["h_t, untrained network"].Region + 0.05
    || auc["h_t, trained on next nucleotide"].Region < auc["last 6 nucleotides (one-hot)"].Region + 0.05)
    throw new Exception("expected the trained h_t to read the region (AUC >= 0.95, 0.05 above the untrained network and the local window)");
// Expected output (about 7 s on 2 cores after the build; AVX2+FMA kernels; without AVX2/FMA (DOTNET_EnableAVX2=0) the
// trained network differs in detail (boundary AUC 0.958; unit 11 is then the switch at both boundaries) and the checks
// still pass).
// Reading: trained only on the next nucleotide, the network knows where it is: a linear probe reads exon vs intron from
// h_t at AUC 0.999 on held-out windows, against 0.917 for an untrained network's h_t and 0.878 for the last 6
// nucleotides, and "a boundary within the last 6 nt" at 0.943 (vs 0.848 and 0.839). The forget-gate claim holds in
// single units only, weaker than the literature's picture: averaged over units the gate does not dip at the boundaries
// (at most 0.10 below the letter-matched level); unit 6 dips 0.4-0.74 below its letter-matched level across the donor
// (already on the exon's last two nucleotides), and unit 11 is a region switch rather than a pulse: f ≈ 0.8-0.9 in the
// intron, ≈ 0.1 from the first exon nucleotide on.
// codon usage (most to least frequent): TCA AGA CCC GAT TGC GTC ATC TAA TAC ATG GGA CTC; donor GTAAGT, acceptor TTTCAG
// next nucleotide: 1.10 bits in exons, 1.41 in introns (2.00 = uniform guessing; the intron body's own entropy is 1.72)
// linear probes on held-out windows (14000 positions), AUC (0.5 = chance, 1 = perfect):
// features                           width   exon vs intron   boundary in the last 6 nt
// h_t, trained on next nucleotide       24            0.999                       0.943
// h_t, untrained network                24            0.917                       0.848
// last 6 nucleotides (one-hot)          24            0.878                       0.839
// forget gate around the boundaries, offset from the first nucleotide of the new region:     -3    -2    -1     0     1     2     3     4     5     6     8    10
//   exon -> intron (donor GTAAGT):
//     mean of 24 units                                          0.52  0.58  0.54  0.51  0.60  0.63  0.58  0.57  0.58  0.64  0.60  0.60
//     mean of 24 units, dip below letter-matched                0.06 -0.03  0.04  0.04 -0.01 -0.02  0.02 -0.02  0.02 -0.05 -0.02 -0.01
//     unit  6 (largest dip)                                    0.57  0.21  0.09  0.87  0.03  0.02  0.27  0.99  0.30  0.36  0.76  0.74
//     unit  6, dip below letter-matched                        0.06  0.40  0.55 -0.00  0.51  0.74  0.49 -0.12  0.24  0.28 -0.10 -0.08
//   intron -> exon (after TTTCAG):
//     mean of 24 units                                          0.54  0.57  0.55  0.48  0.59  0.53  0.50  0.59  0.53  0.50  0.53  0.59
//     mean of 24 units, dip below letter-matched               -0.01  0.04  0.01  0.10 -0.03  0.05  0.08 -0.03  0.05  0.08  0.05 -0.03
//     unit 11 (largest dip)                                    0.91  0.82  0.81  0.22  0.17  0.08  0.14  0.13  0.06  0.12  0.05  0.09
//     unit 11, dip below letter-matched                       -0.29 -0.18 -0.17  0.48  0.49  0.56  0.56  0.53  0.58  0.58  0.59  0.56
