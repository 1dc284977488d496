#:project ../src/MlNetLstm/MlNetLstm.csproj
// Epidemic regime reset. Infections follow a renewal process I_t ~ Poisson(R_t Σ_s w_s I_{t-s}) (generation interval
// w over 1-7 days); reported cases are C_t ~ Poisson(Σ_d δ_d I_{t-d}) with a reporting delay d of 3-10 days. Each
// outbreak has its own reproduction number R0 in [1.3, 2.5] until an intervention on a random day (30..50), after which
// R drops abruptly to its own R1 in [0.5, 0.95]; the reported cases show it only from 3 days later, gradually. Task:
// from the daily log growth of reported cases so far, predict tomorrow's (one step ahead, every day). Three forecasters:
//   LSTM + step       the LSTM also reads an intervention indicator (0 before, 1 from the intervention day on);
//   LSTM + pulse      ... or an indicator that is 1 on the intervention day only (it must remember the regime itself);
//   LSTM, no signal   the same LSTM without it: it has to notice the change in the counts;
//   fixed memory      the mean log growth of the last 7 days (a fixed window: it forgets at the same pace always).
// An oracle that knows R_t (expected cases from the renewal equation) shows the floor set by the Poisson noise.
// The question: does the signal make the forget gate drop at the intervention, discarding the stale estimate of R0?
using MlNetLstm.Models;
using MlNetLstm.Training;

const int T = 80, H = 16, N = 1200, NTest = 400, Window = 7;
double[] w = [0.10, 0.20, 0.25, 0.20, 0.12, 0.08, 0.05];                      // generation interval, days 1..7
double[] delay = [0.05, 0.10, 0.15, 0.20, 0.20, 0.15, 0.10, 0.05];             // reporting delay, days 3..10
var rng = new Random(11);
double Poisson(double mean)                                                    // exact below 50, normal approximation above
{
    if (mean > 50) return Math.Max(0, Math.Round(mean + Math.Sqrt(mean) * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())));
    double l = Math.Exp(-mean), p = 1; int k = 0;
    do { k++; p *= rng.NextDouble(); } while (p > l);
    return k - 1;
}
const float Scale = 5f;                                                // log growth rates are ~±0.2; scale them to ~±1
(float[] X, float[] Y, int[] Day, double[] Oracle) Make(int n)
{
    var x = new float[n * T * 2]; var y = new float[n * T]; var day = new int[n]; var oracle = new double[n * T];
    for (int b = 0; b < n; b++)
    {
        double r0 = 1.3 + 1.2 * rng.NextDouble(), r1 = 0.5 + 0.45 * rng.NextDouble();
        day[b] = 30 + rng.Next(21);
        var inf = Enumerable.Repeat(20.0, 10).ToList();                                   // seeding: 10 days of 20 infections
        var cases = new List<double>(); var expected = new List<double>();
        for (int t = 0; t <= T + 1; t++)
        {
            double pressure = Enumerable.Range(1, 7).Sum(s => w[s - 1] * inf[^s]);
            inf.Add(Poisson((t >= day[b] ? r1 : r0) * pressure));
            expected.Add(Enumerable.Range(3, 8).Sum(d => delay[d - 3] * inf[inf.Count - 1 - d]));
            cases.Add(Poisson(expected[^1]));
        }
        // Log growth of reported cases g_t = log((C_t + 1) / (C_{t-1} + 1)), t = 1..T.
        double G(int t) => Math.Log((cases[t] + 1) / (cases[t - 1] + 1));
        for (int t = 0; t < T; t++)
        {
            int i = b * T + t;
            x[i * 2] = (float)(Scale * G(t + 1)); x[i * 2 + 1] = t >= day[b] ? 1 : 0;
            y[i] = (float)(Scale * G(t + 2));
            oracle[i] = Scale * Math.Log((expected[t + 2] + 1) / (cases[t + 1] + 1));     // knows the infections: E[C_(t+1)]
        }
    }
    return (x, y, day, oracle);
}
var (trainX, trainY, _, _) = Make(N);
var (testX, testY, day, oracle) = Make(NTest);
var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 2, HiddenSize = H, OutputSize = 1, HeadMode = HeadMode.EveryStep };
float[] Signal(float[] x, int kind)                                            // 0 none, 1 step (as made), 2 pulse
{
    var c = (float[])x.Clone();
    for (int i = 0; i < c.Length / 2; i++)
        c[i * 2 + 1] = kind == 1 ? x[i * 2 + 1] : kind == 2 && x[i * 2 + 1] == 1 && (i % T == 0 || x[i * 2 - 1] == 0) ? 1 : 0;
    return c;
}
var options = new TrainingOptions { Epochs = 30, BatchSize = 32, LearningRate = 5e-3f, Seed = 3 };
RecurrentOutput Run(int kind) => RecurrentTrainer.Train(RecurrentNetwork.Create(spec, seed: 1), new SequenceDataset(Signal(trainX, kind), N, T, 2, trainY, 1, targetsPerStep: true), options)
    .Network.Forward(Signal(testX, kind), NTest, T, captureTelemetry: true);
var (outS, outP, outN) = (Run(1), Run(2), Run(0));
double Fixed(int i) { int t = i % T, k = Math.Min(Window, t + 1); return Enumerable.Range(0, k).Average(s => testX[(i - s) * 2]); }

// Errors by day relative to the intervention (k = t - day: the forecast made on day t for day t + 1).
(string Name, Func<int, double> Forecast)[] models = [("LSTM + step signal", i => outS.Values[i]), ("LSTM + pulse signal", i => outP.Values[i]), ("LSTM, no signal", i => outN.Values[i]), ($"fixed memory ({Window} d)", Fixed), ("oracle (knows R)", i => oracle[i])];
(int From, int To)[] spans = [(-20, -1), (0, 2), (3, 6), (7, 13), (14, 29)];
int[] Days(int from, int to) => [.. Enumerable.Range(0, NTest * T).Where(i => i % T >= 10 && i % T - day[i / T] >= from && i % T - day[i / T] <= to)];
Console.WriteLine($"RMSE of tomorrow's log growth (x{Scale}) by day k relative to the intervention (forecast made on day k):");
Console.WriteLine($"{"",-22}" + string.Concat(spans.Select(s => $"{$"k = {s.From}..{s.To}",13}")));
var rmse = new Dictionary<(string, int), double>();
foreach (var (name, forecast) in models)
{
    Console.Write($"{name,-22}");
    foreach (var s in spans)
    {
        rmse[(name, s.From)] = Math.Sqrt(Days(s.From, s.To).Average(i => Math.Pow(forecast(i) - testY[i], 2)));
        Console.Write($"{rmse[(name, s.From)],13:F3}");
    }
    Console.WriteLine();
}
// Forget gates around the intervention: the network mean, and the unit whose gate falls most below its day -1 value
// within days 0..10 (a reset).
double F(RecurrentOutput o, int k, int unit = -1)
{
    float[] f = o.Telemetry!.Get(GateSignal.ForgetGate).ToArray();
    return Enumerable.Range(0, NTest).Average(b => unit >= 0 ? f[(b * T + day[b] + k) * H + unit] : Enumerable.Range(0, H).Average(j => f[(b * T + day[b] + k) * H + j]));
}
int[] ks = [-5, -1, 0, 1, 2, 3, 5, 7, 10];
Console.WriteLine("mean forget gate by day k relative to the intervention:      " + string.Concat(ks.Select(k => $"{$"k={k}",7}")));
var drop = new Dictionary<string, (double Mean, double Unit)>();
foreach (var (name, o) in new[] { ("LSTM + step signal", outS), ("LSTM + pulse signal", outP), ("LSTM, no signal", outN) })
{
    int unit = Enumerable.Range(0, H).MaxBy(j => F(o, -1, j) - Enumerable.Range(0, 11).Min(k => F(o, k, j)));
    Console.WriteLine($"  {name,-20} mean of {H} units                 " + string.Concat(ks.Select(k => $"{F(o, k),7:F3}")));
    Console.WriteLine($"  {name,-20} unit {unit,2} (largest fall)          " + string.Concat(ks.Select(k => $"{F(o, k, unit),7:F3}")));
    drop[name] = (F(o, -1) - F(o, 0), F(o, -1, unit) - Enumerable.Range(0, 11).Min(k => F(o, k, unit)));
}
if (rmse[("LSTM + step signal", 0)] > 0.6 * rmse[("LSTM, no signal", 0)] || rmse[("LSTM + step signal", 0)] > 0.6 * rmse[($"fixed memory ({Window} d)", 0)]
    || drop["LSTM, no signal"].Unit < 0.3 || drop["LSTM + pulse signal"].Mean < 0.02)
    throw new Exception("expected the step signal to cut the error of days 0..2 by 40 % against both, a data-driven reset unit without a signal, and a forget-gate dip at the pulse");
// Expected output (about 10 s on 2 cores after the build; longer on a busy machine; AVX2+FMA kernels; without AVX2/FMA
// (DOTNET_EnableAVX2=0) the gate figures move in the third digit).
// Reading: the signal is worth most in the days the counts cannot show the change yet: days 0-2 RMSE 0.126 with it,
// 0.303 without, 0.382 for the 7-day window (oracle 0.088); the window is worst when the decline arrives (0.932 in days
// 3-6). Later all LSTMs meet. The mechanism is weaker than the literature's story of the signal making the forget gate
// discard the stale R: with the step indicator the network reads the flag directly and its mean forget gate does not
// drop at all (0.734 -> 0.743); with a one-day pulse it dips for that day only (0.746 -> 0.699). The clearest
// forgetting is data-driven, in every network: a unit whose forget gate falls over days 3-10 as the decline shows in
// the reported counts (0.64 -> 0.12 without a signal). So here the signal helps by being an input, not by timing the
// reset.
// RMSE of tomorrow's log growth (x5) by day k relative to the intervention (forecast made on day k):
//                         k = -20..-1     k = 0..2     k = 3..6    k = 7..13   k = 14..29
// LSTM + step signal            0.248        0.126        0.188        0.175        0.338
// LSTM + pulse signal           0.250        0.129        0.183        0.174        0.350
// LSTM, no signal               0.260        0.303        0.223        0.185        0.341
// fixed memory (7 d)            0.312        0.382        0.932        0.398        0.444
// oracle (knows R)              0.190        0.088        0.094        0.122        0.300
// mean forget gate by day k relative to the intervention:         k=-5   k=-1    k=0    k=1    k=2    k=3    k=5    k=7   k=10
//   LSTM + step signal   mean of 16 units                   0.734  0.734  0.743  0.749  0.765  0.785  0.823  0.836  0.833
//   LSTM + step signal   unit  5 (largest fall)            0.911  0.911  0.888  0.861  0.856  0.834  0.785  0.743  0.633
//   LSTM + pulse signal  mean of 16 units                   0.746  0.746  0.699  0.771  0.777  0.785  0.796  0.800  0.807
//   LSTM + pulse signal  unit  1 (largest fall)            0.806  0.805  0.889  0.762  0.673  0.608  0.475  0.405  0.452
//   LSTM, no signal      mean of 16 units                   0.737  0.732  0.731  0.731  0.725  0.722  0.727  0.738  0.758
//   LSTM, no signal      unit  1 (largest fall)            0.643  0.579  0.565  0.553  0.479  0.355  0.166  0.118  0.156
