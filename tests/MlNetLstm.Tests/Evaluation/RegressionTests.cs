using MlNetLstm.Evaluation;

namespace MlNetLstm.Tests.Evaluation;

public class RegressionTests
{
    [Fact]
    public void LongRunVariance_MatchesHandComputation()
    {
        double[] x = [1, 3, 2, 5, 4];
        // mean 3; deviations -2, 0, -1, 2, 1
        double g0 = (4 + 0 + 1 + 4 + 1) / 5.0;
        double g1 = ((0 * -2) + (-1 * 0) + (2 * -1) + (1 * 2)) / 5.0;
        double g2 = ((-1 * -2) + (2 * 0) + (1 * -1)) / 5.0;
        NeweyWest.LongRunVariance(x, 0).Should().BeApproximately(g0, 1e-14);
        NeweyWest.LongRunVariance(x, 2).Should().BeApproximately(g0 + 2 * (2.0 / 3) * g1 + 2 * (1.0 / 3) * g2, 1e-14);
        NeweyWest.RuleOfThumbLags(100).Should().Be(4);
    }

    [Fact]
    public void Ols_MatchesNormalEquations_AndHandNeweyWest()
    {
        double[] xs = [0.5, 1.5, 1.0, 3.0, 2.5, 4.0, 3.5];
        double[] y = [1.2, 2.9, 2.1, 6.5, 4.8, 8.4, 6.6];
        int n = xs.Length;
        var design = new double[n, 2];
        for (int i = 0; i < n; i++) { design[i, 0] = 1; design[i, 1] = xs[i]; }
        var fit = LinearRegression.Fit(design, y, hacLags: 1);

        // Independent closed form for simple regression.
        double mx = xs.Average(), my = y.Average();
        double sxx = xs.Sum(v => (v - mx) * (v - mx)), sxy = xs.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        double b1 = sxy / sxx, b0 = my - b1 * mx;
        fit.Coefficients[0].Should().BeApproximately(b0, 1e-12);
        fit.Coefficients[1].Should().BeApproximately(b1, 1e-12);
        var u = xs.Select((v, i) => y[i] - b0 - b1 * v).ToArray();
        double s2 = u.Sum(e => e * e) / (n - 2);
        fit.StandardErrors[1].Should().BeApproximately(Math.Sqrt(s2 / sxx), 1e-12);
        double sst = y.Sum(v => (v - my) * (v - my));
        fit.RSquared.Should().BeApproximately(1 - u.Sum(e => e * e) / sst, 1e-12);

        // Hand Newey-West with one lag (weight 1/2): meat S = Σ u² x x' + 0.5 Σ u_t u_{t-1} (x_t x_{t-1}' + x_{t-1} x_t').
        double sumX = xs.Sum(), sumX2 = xs.Sum(v => v * v);
        double det = n * sumX2 - sumX * sumX;
        double[,] inv = { { sumX2 / det, -sumX / det }, { -sumX / det, n / det } };
        var s = new double[2, 2];
        double[] Row(int t) => [1.0, xs[t]];
        for (int t = 0; t < n; t++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    s[a, b] += u[t] * u[t] * Row(t)[a] * Row(t)[b];
        for (int t = 1; t < n; t++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    s[a, b] += 0.5 * u[t] * u[t - 1] * (Row(t)[a] * Row(t - 1)[b] + Row(t - 1)[a] * Row(t)[b]);
        var cov = new double[2, 2];
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 2; c++)
                    for (int d = 0; d < 2; d++)
                        cov[a, b] += inv[a, c] * s[c, d] * inv[d, b];
        fit.HacStandardErrors[0].Should().BeApproximately(Math.Sqrt(cov[0, 0]), 1e-12);
        fit.HacStandardErrors[1].Should().BeApproximately(Math.Sqrt(cov[1, 1]), 1e-12);
        fit.HacCovariance(0, 1).Should().BeApproximately(cov[0, 1], 1e-12);
    }

    [Fact]
    public void Ols_RejectsRankDeficientDesign()
    {
        var design = new double[5, 2];
        for (int i = 0; i < 5; i++) { design[i, 0] = 1; design[i, 1] = 2; }
        FluentActions.Invoking(() => LinearRegression.Fit(design, new double[] { 1, 2, 3, 4, 5 }))
            .Should().Throw<ArgumentException>().WithMessage("*rank deficient*column 1*");
    }

    [Fact]
    public void Ols_RankCheckDoesNotDependOnColumnUnits()
    {
        // A regressor in units of 1e-12 beside an intercept is not collinear; a column of zeros and a scaled copy are.
        var rng = new Random(4);
        int n = 200;
        var design = new double[n, 2];
        var y = new double[n];
        for (int i = 0; i < n; i++) { design[i, 0] = 1; design[i, 1] = 1e-12 * rng.NextDouble(); y[i] = 2 + 3e12 * design[i, 1] + 0.01 * rng.NextDouble(); }
        LinearRegression.Fit(design, y).Coefficients[1].Should().BeApproximately(3e12, 1e10);
        var zero = new double[n, 2];
        for (int i = 0; i < n; i++) zero[i, 0] = 1;
        FluentActions.Invoking(() => LinearRegression.Fit(zero, y)).Should().Throw<ArgumentException>().WithMessage("*column 1 is all zero*");
        var copy = new double[n, 2];
        for (int i = 0; i < n; i++) { copy[i, 0] = 1e-12 * design[i, 1]; copy[i, 1] = 5 * copy[i, 0]; }
        FluentActions.Invoking(() => LinearRegression.Fit(copy, y)).Should().Throw<ArgumentException>().WithMessage("*rank deficient*column 1*");
    }

    [Fact]
    public void MincerZarnowitz_RecoversKnownCoefficients()
    {
        var rng = new Random(5);
        int n = 4000;
        var f = new double[n];
        var p = new double[n];
        for (int i = 0; i < n; i++)
        {
            f[i] = 0.5 + 2.0 * rng.NextDouble();
            p[i] = 0.3 + 0.8 * f[i] + 0.2 * EvalTestData.Normal(rng);
        }
        var mz = MincerZarnowitz.Fit(f, p);
        mz.Intercept.Should().BeApproximately(0.3, 4 * mz.InterceptStandardError);
        mz.Slope.Should().BeApproximately(0.8, 4 * mz.SlopeStandardError);
        mz.SlopeStandardError.Should().BeLessThan(0.01);
        // R² = var(0.8 f) / (var(0.8 f) + 0.04) with var(f) = 4/12.
        double trueR2 = 0.64 / 3.0 / (0.64 / 3.0 + 0.04);
        mz.RSquared.Should().BeApproximately(trueR2, 0.02);
        mz.WaldPValue.Should().BeLessThan(1e-6, "(a, b) = (0.3, 0.8) is far from (0, 1)");

        var unbiased = f.Select((v, i) => v + (p[i] - 0.3 - 0.8 * v)).ToArray(); // f + the same N(0, 0.2²) noise
        MincerZarnowitz.Fit(f, unbiased).WaldPValue.Should().BeGreaterThan(0.001);
    }

    [Fact]
    public void MincerZarnowitz_RejectsConstantForecasts()
    {
        FluentActions.Invoking(() => MincerZarnowitz.Fit([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0]))
            .Should().Throw<ArgumentException>().WithMessage("*constant*");
    }
}
