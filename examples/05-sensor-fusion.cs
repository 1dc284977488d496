#:project ../src/MlNetLstm/MlNetLstm.csproj
// Sensor fusion: two sensors measure the same signal; at any time one of them is reliable (small noise) and the other
// returns garbage, and a flag says which. The target is the true signal. A linear read-out cannot multiply a reading by
// its reliability, so the LSTM has to gate: its output gates learn to open for the sensor that is reliable now and to
// close for the other one. (Its input gates follow the flag too: the trained cell both writes and reads selectively;
// the table shows both.) Inputs per step: [reading A, reading B, flag = 1 when A is reliable].
using MlNetLstm.Models;
using MlNetLstm.Training;

const int T = 60, H = 8;
var rng = new Random(4);
(float[] X, float[] Y, bool[] AReliable) Make(int n)
{
    var x = new float[n * T * 3]; var y = new float[n * T]; var aOk = new bool[n * T];
    for (int b = 0; b < n; b++)
    {
        double freq = 0.05 + 0.15 * rng.NextDouble(), phase = 6.28 * rng.NextDouble();
        bool a = rng.Next(2) == 0;
        for (int t = 0; t < T; t++)
        {
            if (rng.NextDouble() < 0.1) a = !a;                                   // reliability switches now and then
            double s = Math.Sin(freq * t + phase), good = s + 0.05 * (rng.NextDouble() - 0.5), bad = 4 * (rng.NextDouble() - 0.5);
            int i = b * T + t;
            x[i * 3] = (float)(a ? good : bad); x[i * 3 + 1] = (float)(a ? bad : good); x[i * 3 + 2] = a ? 1 : 0;
            y[i] = (float)s; aOk[i] = a;
        }
    }
    return (x, y, aOk);
}
var (trainX, trainY, _) = Make(1500);
var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 3, HiddenSize = H, OutputSize = 1, HeadMode = HeadMode.EveryStep };
var result = RecurrentTrainer.Train(RecurrentNetwork.Create(spec, seed: 6), new SequenceDataset(trainX, 1500, T, 3, trainY, 1, targetsPerStep: true),
    new TrainingOptions { Epochs = 40, BatchSize = 32, LearningRate = 1e-2f, Seed = 7, Threads = 1 });

var (testX, testY, aOk) = Make(300);
var output = result.Network.Forward(testX, 300, T, captureTelemetry: true);
double Rmse(Func<int, double> estimate) => Math.Sqrt(Enumerable.Range(0, testY.Length).Average(i => Math.Pow(estimate(i) - testY[i], 2)));
Console.WriteLine($"RMSE of the fused estimate {Rmse(i => output.Values[i]):F3}; sensor A alone {Rmse(i => testX[i * 3]):F3}, B alone {Rmse(i => testX[i * 3 + 1]):F3}, their average {Rmse(i => (testX[i * 3] + testX[i * 3 + 1]) / 2):F3}");

// How does each unit's output gate follow the reliability flag? Mean o when A is reliable vs when B is.
float[] o = output.Telemetry!.Get(GateSignal.OutputGate).ToArray(), ig = output.Telemetry!.Get(GateSignal.InputGate).ToArray();
double[] flag = aOk.Select(v => v ? 1.0 : 0.0).ToArray();
double Corr(float[] gate, int j)
{
    double[] g = Enumerable.Range(0, testY.Length).Select(i => (double)gate[i * H + j]).ToArray();
    double mg = g.Average(), mf = flag.Average();
    return g.Zip(flag).Sum(p => (p.First - mg) * (p.Second - mf)) / Math.Sqrt(g.Sum(v => (v - mg) * (v - mg)) * flag.Sum(v => (v - mf) * (v - mf)));
}
Console.WriteLine("unit  output gate when A reliable  when B reliable  r(output gate, flag)  r(input gate, flag)");
var corr = new double[H];
for (int j = 0; j < H; j++)
{
    corr[j] = Corr(o, j);
    double MeanO(bool a) => Enumerable.Range(0, testY.Length).Where(i => aOk[i] == a).Average(i => o[i * H + j]);
    Console.WriteLine($"{j,4}  {MeanO(true),26:F2}  {MeanO(false),15:F2}  {corr[j],20:F2}  {Corr(ig, j),19:F2}");
}
int followsA = Enumerable.Range(0, H).MaxBy(j => corr[j]), followsB = Enumerable.Range(0, H).MinBy(j => corr[j]);
Console.WriteLine($"unit {followsA}'s output gate opens with sensor A (r = {corr[followsA]:F2}); unit {followsB}'s with sensor B (r = {corr[followsB]:F2})");
Console.WriteLine($"one test sequence:\n   t  reliable  reading A  reading B   truth  fused  unit {followsA} o  unit {followsB} o");
for (int t = 0; t < 24; t += 2)
    Console.WriteLine($"{t,4}  {(aOk[t] ? "A" : "B"),8}  {testX[t * 3],9:F2}  {testX[t * 3 + 1],9:F2}  {testY[t],6:F2}  {output.Values[t],5:F2}  {o[t * H + followsA],8:F2}  {o[t * H + followsB],8:F2}");
if (Rmse(i => output.Values[i]) > 0.15 || Math.Max(corr[followsA], -corr[followsB]) < 0.85 || Math.Min(corr[followsA], -corr[followsB]) < 0.6)
    throw new Exception("expected a fused RMSE below 0.15 and output gates that follow each sensor's reliability (one |r| > 0.85, both > 0.6)");
// Expected output (about 3 s on 2 cores after the build; identical on the AVX-512, AVX2, Vector128 and scalar kernel paths):
// RMSE of the fused estimate 0.016; sensor A alone 0.959, B alone 0.961, their average 0.679
// unit  output gate when A reliable  when B reliable  r(output gate, flag)  r(input gate, flag)
//    0                        0.96             0.89                  0.62                 0.75
//    1                        0.25             0.60                 -0.85                -0.71
//    2                        0.41             0.77                 -0.94                -0.96
//    3                        0.74             0.78                 -0.32                 0.02
//    4                        0.49             0.45                  0.40                 0.49
//    5                        0.90             0.84                  0.48                 0.38
//    6                        0.80             0.60                  0.72                 0.62
//    7                        0.86             0.70                  0.68                 0.50
// unit 6's output gate opens with sensor A (r = 0.72); unit 2's with sensor B (r = -0.94)
// one test sequence:
//    t  reliable  reading A  reading B   truth  fused  unit 6 o  unit 2 o
//    0         A       0.92      -1.30    0.95   0.89      0.70      0.44
//    2         B      -1.60       1.02    1.00   1.03      0.81      0.77
//    4         B      -1.29       0.95    0.92   0.95      0.79      0.77
//    6         A       0.75       0.03    0.73   0.75      0.83      0.36
//    8         A       0.45       1.30    0.45   0.46      0.86      0.33
//   10         A       0.10      -0.96    0.11   0.10      0.75      0.43
//   12         A      -0.26      -0.39   -0.24  -0.26      0.78      0.44
//   14         A      -0.56      -0.50   -0.56  -0.56      0.78      0.47
//   16         B       1.07      -0.82   -0.81  -0.83      0.51      0.77
//   18         B       0.83      -0.95   -0.96  -0.94      0.43      0.79
//   20         B       0.18      -0.99   -1.00  -0.98      0.43      0.82
//   22         A      -0.88       1.60   -0.90  -0.88      0.86      0.45
