#:project ../src/MlNetLstm/MlNetLstm.csproj
// The regime-adaptive LSTM volatility model ("lstm-regime"): its forget gate gets an extra term -beta * |r_t| / sqrt(a_t)
// (the shock relative to the anchor's variance forecast a_t, the default form), so a return large for the regime closes
// the gate and the cell forgets the calm regime. Trained on S&P 500 daily returns before the
// largest shock of the sample (October 1987), then explained around it. Run from the repository root.
using System.Globalization;
using MlNetLstm.Volatility.Neural;

double[] sp = File.ReadLines("tests/data/real/sp500dge.csv").Skip(1)
    .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
int crash = Enumerable.Range(2000, sp.Length - 2100).OrderByDescending(t => Math.Abs(sp[t])).First();
var model = new LstmVolatilityModel(new LstmVolatilityOptions { Epochs = 10, Seed = 7 });
LstmVolatilityForecaster fitted = model.Fit(sp.AsSpan(crash - 2000, 1800));
Console.WriteLine($"largest shock at day {crash}: return {sp[crash]:P1}; learned beta (mean over units) {fitted.RegimeBeta.Average():F2}; {fitted.Training.StopReason}");

VolatilityTelemetry tel = fitted.Explain(sp.AsSpan(crash - 100, 130));
Console.WriteLine("day   return   forget  input  output  regime term  variance forecast");
foreach (int k in new[] { -10, -2, -1, 0, 1, 2, 5, 10, 20 })
{
    int t = 100 + k;
    Console.WriteLine($"{k,3} {sp[crash + k],8:P1} {tel.ForgetGate[t],8:F3} {tel.InputGate[t],6:F3} {tel.OutputGate[t],7:F3} {tel.RegimeTerm[t],12:F3} {tel.Forecast[t],18:E2}");
}
double calmF = tel.ForgetGate[..100].Average();
Console.WriteLine($"mean forget gate over the 100 calm days {calmF:F3}; on the shock day {tel.ForgetGate[100]:F3}");
if (tel.ForgetGate[100] > 0.5 * calmF) throw new Exception("the forget gate did not close on the shock");
// Expected output (regime term = -beta*|r_t| on the forget-gate pre-activation):
// largest shock at day 16076: return -22.8 %; learned beta (mean over units) 0.50; completed 10 epochs
// day   return   forget  input  output  regime term  variance forecast
// -10    0.0 %    0.726  0.492   0.485       -0.002          9.01E-005
//  -2   -2.4 %    0.450  0.432   0.442       -1.327          1.79E-004
//  -1   -5.4 %    0.216  0.380   0.390       -3.021          3.04E-004
//   0  -22.8 %    0.128  0.343   0.313       -5.047          2.64E-003
//   1    5.2 %    0.132  0.491   0.306       -2.908          2.33E-003
//   2    8.7 %    0.052  0.528   0.262       -4.875          2.40E-003
//   5   -8.6 %    0.128  0.343   0.298       -4.837          2.68E-003
//  10    1.6 %    0.399  0.447   0.317       -0.874          1.99E-003
//  20    0.5 %    0.575  0.446   0.361       -0.252          1.31E-003
// mean forget gate over the 100 calm days 0.654; on the shock day 0.128
