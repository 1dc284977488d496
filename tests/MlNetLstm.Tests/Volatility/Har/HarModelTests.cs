using System.Globalization;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Har;

namespace MlNetLstm.Tests.Volatility.Har;

public class HarModelTests
{
    /// <summary>Simulates a positive HAR process v_{t+1} = b0 + bd d + bw w + bm m + u with multiplicative noise.</summary>
    internal static double[] SimulateHar(int n, int seed, double b0 = 0.1, double bd = 0.35, double bw = 0.3, double bm = 0.2)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int t = 0; t < 22; t++) v[t] = 0.5 + rng.NextDouble();
        for (int t = 22; t < n; t++)
        {
            double w = 0, m = 0;
            for (int i = 1; i <= 5; i++) w += v[t - i];
            for (int i = 1; i <= 22; i++) m += v[t - i];
            double mean = b0 + bd * v[t - 1] + bw * w / 5 + bm * m / 22;
            v[t] = mean * (0.4 + 1.2 * rng.NextDouble()); // E[noise] = 1
        }
        return v;
    }

    private static (double[,] X, double[] Y) HandRows(double[] v, int h = 1)
    {
        int rows = v.Length - 22 - h + 1;
        var x = new double[rows, 4];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            int t = 21 + i;
            double w = 0, m = 0;
            for (int j = 0; j < 5; j++) w += v[t - j];
            for (int j = 0; j < 22; j++) m += v[t - j];
            x[i, 0] = 1; x[i, 1] = v[t]; x[i, 2] = w / 5; x[i, 3] = m / 22;
            y[i] = v[t + h];
        }
        return (x, y);
    }

    private static double[,] Inverse(double[,] a)
    {
        int p = a.GetLength(0);
        var m = new double[p, 2 * p];
        for (int i = 0; i < p; i++) { for (int j = 0; j < p; j++) m[i, j] = a[i, j]; m[i, p + i] = 1; }
        for (int c = 0; c < p; c++)
        {
            int piv = c;
            for (int r = c + 1; r < p; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c])) piv = r;
            for (int j = 0; j < 2 * p; j++) (m[c, j], m[piv, j]) = (m[piv, j], m[c, j]);
            double d = m[c, c];
            for (int j = 0; j < 2 * p; j++) m[c, j] /= d;
            for (int r = 0; r < p; r++)
            {
                if (r == c) continue;
                double f = m[r, c];
                for (int j = 0; j < 2 * p; j++) m[r, j] -= f * m[c, j];
            }
        }
        var inv = new double[p, p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) inv[i, j] = m[i, p + j];
        return inv;
    }

    [Fact]
    public void Coefficients_AndNeweyWestErrors_MatchIndependentComputation()
    {
        var v = SimulateHar(400, 1);
        var har = HarModel.Fit(v, new HarOptions { NeweyWestLags = 3 });
        var (x, y) = HandRows(v);
        int n = y.Length, p = 4;
        var xtx = new double[p, p];
        var xty = new double[p];
        for (int t = 0; t < n; t++)
            for (int a = 0; a < p; a++)
            {
                xty[a] += x[t, a] * y[t];
                for (int b = 0; b < p; b++) xtx[a, b] += x[t, a] * x[t, b];
            }
        var inv = Inverse(xtx);
        var beta = new double[p];
        for (int a = 0; a < p; a++) for (int b = 0; b < p; b++) beta[a] += inv[a, b] * xty[b];
        for (int a = 0; a < p; a++) har.Regression.Coefficients[a].Should().BeApproximately(beta[a], 1e-9);

        var u = new double[n];
        for (int t = 0; t < n; t++) { u[t] = y[t]; for (int a = 0; a < p; a++) u[t] -= x[t, a] * beta[a]; }
        var s = new double[p, p];
        for (int j = 0; j <= 3; j++)
        {
            double wj = 1 - j / 4.0;
            for (int t = j; t < n; t++)
                for (int a = 0; a < p; a++)
                    for (int b = 0; b < p; b++)
                        s[a, b] += j == 0 ? u[t] * u[t] * x[t, a] * x[t, b]
                                          : wj * u[t] * u[t - j] * (x[t, a] * x[t - j, b] + x[t - j, a] * x[t, b]);
        }
        for (int a = 0; a < p; a++)
        {
            double cov = 0;
            for (int c = 0; c < p; c++) for (int d = 0; d < p; d++) cov += inv[a, c] * s[c, d] * inv[d, a];
            har.Regression.HacStandardErrors[a].Should().BeApproximately(Math.Sqrt(cov), 1e-9 * Math.Sqrt(cov) + 1e-12);
        }
        har.Regression.HacLags.Should().Be(3);
    }

    [Fact]
    public void Fit_RecoversSimulatedCoefficients()
    {
        var v = SimulateHar(20000, 2);
        var har = HarModel.Fit(v);
        var se = har.Regression.HacStandardErrors;
        har.DailyCoefficient.Should().BeApproximately(0.35, 4 * se[1] + 0.01);
        har.WeeklyCoefficient.Should().BeApproximately(0.3, 4 * se[2] + 0.01);
        har.MonthlyCoefficient.Should().BeApproximately(0.2, 4 * se[3] + 0.01);
        har.RSquared.Should().BeInRange(0.05, 1.0);
    }

    [Fact]
    public void IteratedForecast_FollowsTheRecursion_AndDirectDiffers()
    {
        var v = SimulateHar(600, 3);
        var har = HarModel.Fit(v);
        var f = har.Forecast(v, 3);
        var b = har.Regression.Coefficients;
        var ext = v.ToList();
        for (int h = 0; h < 3; h++)
        {
            int t = ext.Count - 1;
            double w = ext.Skip(t - 4).Take(5).Average(), m = ext.Skip(t - 21).Take(22).Average();
            double expected = b[0] + b[1] * ext[t] + b[2] * w + b[3] * m;
            f[h].Should().BeApproximately(expected, 1e-12);
            ext.Add(expected);
        }

        var direct = HarModel.Fit(v, new HarOptions { ForecastMethod = HarForecastMethod.Direct, MaxHorizon = 5 });
        direct.Regressions.Should().HaveCount(5);
        var fd = direct.Forecast(v, 5);
        fd[0].Should().BeApproximately(f[0], 1e-12, "the h = 1 direct regression is the one-step regression");
        Math.Abs(fd[2] - f[2]).Should().BeGreaterThan(1e-9);
        // Direct h = 3 regression is an OLS of v_{t+3} on the components at t.
        var (x3, y3) = HandRows(v, 3);
        var hand3 = LinearRegression.Fit(x3, y3, direct.Regressions[2].HacLags).Coefficients;
        for (int a = 0; a < 4; a++) direct.Regressions[2].Coefficients[a].Should().BeApproximately(hand3[a], 1e-10);
        FluentActions.Invoking(() => direct.Forecast(v, 6)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxHorizon*");
    }

    [Fact]
    public void LogHar_RegressesLogs_AndGivesPositiveForecasts()
    {
        var v = SimulateHar(1000, 4);
        v[500] = 0; // a zero proxy is floored, not an error
        var har = HarModel.Fit(v, new HarOptions { Log = true });
        har.Floor.Should().BeGreaterThan(0);
        var level = HarModel.Fit(v);
        har.DailyCoefficient.Should().NotBe(level.DailyCoefficient);
        var f = har.Forecast(v, 10);
        f.Should().OnlyContain(x => x > 0 && double.IsFinite(x));
        // One step: exp(b'x) times Duan's smearing factor mean(exp(u)).
        var b = har.Regression.Coefficients;
        double Ln(double x) => Math.Log(Math.Max(x, har.Floor));
        double yhat = b[0] + b[1] * Ln(v[^1]) + b[2] * Ln(v[^5..].Average()) + b[3] * Ln(v[^22..].Average());
        f[0].Should().BeApproximately(Math.Exp(yhat) * har.Regression.Residuals.Average(Math.Exp), 1e-12 * f[0]);
        har.Floor.Should().BeApproximately(1e-3 * v.Average(), 1e-15);
        // Persistence: long-horizon forecasts approach the unconditional mean of the proxy.
        f[9].Should().BeInRange(0.3 * v.Average(), 3 * v.Average());
    }

    [Fact]
    public void RealData_Dem2Gbp_GivesSensibleHar()
    {
        var r = LoadReal("dem2gbp.csv");
        r.Should().HaveCount(1974);
        var proxy = r.Select(x => x * x).ToArray();
        var har = HarModel.Fit(proxy);
        double persistence = har.DailyCoefficient + har.WeeklyCoefficient + har.MonthlyCoefficient;
        persistence.Should().BeInRange(0.2, 1.0);
        har.RSquared.Should().BeInRange(0.01, 0.5);
        har.Forecast(proxy, 5).Should().OnlyContain(x => x > 0);
    }

    [Fact]
    public void Fit_IsScaleEquivariant_OnDecimalSp500Returns()
    {
        var r = LoadReal("sp500dge.csv")[^3000..];
        var dec = HarModel.Fit(r.Select(x => x * x).ToArray());
        var pct = HarModel.Fit(r.Select(x => 1e4 * x * x).ToArray());
        dec.DailyCoefficient.Should().BeApproximately(pct.DailyCoefficient, 1e-9);
        dec.WeeklyCoefficient.Should().BeApproximately(pct.WeeklyCoefficient, 1e-9);
        dec.MonthlyCoefficient.Should().BeApproximately(pct.MonthlyCoefficient, 1e-9);
        (1e4 * dec.Intercept).Should().BeApproximately(pct.Intercept, 1e-9 * Math.Abs(pct.Intercept));
        (1e4 * dec.Regression.HacStandardErrors[0]).Should().BeApproximately(pct.Regression.HacStandardErrors[0], 1e-8 * pct.Regression.HacStandardErrors[0]);
        dec.RSquared.Should().BeApproximately(pct.RSquared, 1e-10);
    }

    [Fact]
    public void Adapter_ForecastsFlooredSquaredReturnHar()
    {
        var r = LoadReal("dem2gbp.csv");
        var model = new HarVarianceModel();
        model.Name.Should().Be("har");
        var fitted = model.Fit(r.AsSpan(0, 1000));
        var f = fitted.ForecastVariance(r.AsSpan(0, 1200), 3);
        var direct = HarModel.Fit(r[..1000].Select(x => x * x).ToArray()).Forecast(r[1178..1200].Select(x => x * x).ToArray(), 3);
        f.Should().Equal(direct.Select(x => Math.Max(x, 1e-3 * r[..1000].Average(y => y * y))));
        f.Should().OnlyContain(x => x > 0);
    }

    [Theory]
    [InlineData(1e-12)]
    [InlineData(1e8)]
    public void Fit_does_not_depend_on_the_units_of_the_proxy(double unit)
    {
        // Squared daily returns of a calm series are ~1e-8..1e-12: the fit must not call them collinear with the intercept.
        var v = SimulateHar(1000, 4);
        foreach (bool log in new[] { false, true })
        {
            var options = new HarOptions { Log = log };
            double[] reference = HarModel.Fit(v, options).Forecast(v, 5);
            double[] scaled = HarModel.Fit(v.Select(x => x * unit).ToArray(), options).Forecast(v.Select(x => x * unit).ToArray(), 5);
            for (int h = 0; h < 5; h++) (scaled[h] / unit).Should().BeApproximately(reference[h], 1e-9 * Math.Abs(reference[h]), $"log {log}, step {h + 1}");
        }
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        FluentActions.Invoking(() => HarModel.Fit(new double[20])).Should().Throw<ArgumentException>().WithMessage("proxy has 20 elements*");
        var v = SimulateHar(100, 5);
        v[50] = double.NaN;
        FluentActions.Invoking(() => HarModel.Fit(v)).Should().Throw<ArgumentException>().WithMessage("proxy[50] is NaN*");
        FluentActions.Invoking(() => HarModel.Fit(Enumerable.Repeat(1.0, 100).ToArray())).Should().Throw<ArgumentException>().WithMessage("*collinear*");
        FluentActions.Invoking(() => HarModel.Fit(SimulateHar(100, 6), new HarOptions { WeeklyWindow = 0 })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new HarVarianceModel().Fit(new double[100])).Should().Throw<ArgumentException>().WithMessage("*all zero*");
        var har = HarModel.Fit(SimulateHar(100, 7));
        FluentActions.Invoking(() => har.Forecast([], 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => har.Forecast([1.0], 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*horizon*");
    }

    internal static double[] LoadReal(string file, [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // Build outputs may live outside the repository (--artifacts-path), so search upwards from this source file,
        // then from the output and working directories.
        string? root = null;
        foreach (string? start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (string? dir = start; dir is not null && root is null; dir = Path.GetDirectoryName(dir))
                if (Directory.Exists(Path.Combine(dir, "tests", "data", "real"))) root = dir;
            if (root is not null) break;
        }
        root.Should().NotBeNull("tests/data/real must exist in the repository");
        return File.ReadLines(Path.Combine(root!, "tests", "data", "real", file)).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
    }
}
