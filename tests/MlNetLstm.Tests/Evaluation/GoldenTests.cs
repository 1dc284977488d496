using System.Globalization;
using System.Text.Json;
using MlNetLstm.Evaluation;
using MlNetLstm.Features;
using MlNetLstm.Volatility.Har;

namespace MlNetLstm.Tests.Evaluation;

/// <summary>
/// Compares HAR, Mincer-Zarnowitz and Diebold-Mariano on dem2gbp with R (lm + sandwich::NeweyWest), see
/// tests/data/evaluation/generate_golden.R.
/// </summary>
public class GoldenTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(EvalTestData.RepoFile("tests/data/evaluation/golden.json"))).RootElement;

    private static readonly double[] R = File.ReadLines(EvalTestData.RepoFile("tests/data/real/dem2gbp.csv")).Skip(1)
        .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();

    private static double[] Arr(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static void Close(double actual, double expected, double rel = 1e-9) =>
        actual.Should().BeApproximately(expected, rel * Math.Max(Math.Abs(expected), 1e-300));

    [Fact]
    public void Har_MatchesRLmAndSandwich()
    {
        var g = Golden.GetProperty("har");
        var v = R.Select(x => x * x).ToArray();
        var har = HarModel.Fit(v, new HarOptions { NeweyWestLags = g.GetProperty("nw_lags").GetInt32() });
        har.Regression.Observations.Should().Be(g.GetProperty("rows").GetInt32());
        var coef = Arr(g.GetProperty("coefficients"));
        var se = Arr(g.GetProperty("se"));
        var nw = Arr(g.GetProperty("nw_se"));
        for (int i = 0; i < 4; i++)
        {
            Close(har.Regression.Coefficients[i], coef[i]);
            Close(har.Regression.StandardErrors[i], se[i]);
            Close(har.Regression.HacStandardErrors[i], nw[i]);
        }
        Close(har.RSquared, g.GetProperty("r_squared").GetDouble());
    }

    [Fact]
    public void MincerZarnowitz_MatchesRLmAndSandwich()
    {
        var g = Golden.GetProperty("mz");
        var v = R.Select(x => x * x).ToArray();
        var s = new double[R.Length];
        EwmaVariance.Compute(R, 0.94, s);
        var mz = MincerZarnowitz.Fit(s[..^1], v[1..], g.GetProperty("nw_lags").GetInt32());
        Close(mz.Intercept, g.GetProperty("intercept").GetDouble());
        Close(mz.Slope, g.GetProperty("slope").GetDouble());
        Close(mz.InterceptStandardError, Arr(g.GetProperty("se"))[0]);
        Close(mz.SlopeStandardError, Arr(g.GetProperty("se"))[1]);
        Close(mz.InterceptHacStandardError, Arr(g.GetProperty("nw_se"))[0]);
        Close(mz.SlopeHacStandardError, Arr(g.GetProperty("nw_se"))[1]);
        Close(mz.RSquared, g.GetProperty("r_squared").GetDouble());
        Close(mz.WaldStatistic, g.GetProperty("wald").GetDouble(), 1e-8);
        Close(mz.WaldPValue, g.GetProperty("wald_p").GetDouble(), 1e-7);
    }

    [Fact]
    public void DieboldMariano_MatchesRNeweyWest()
    {
        var g = Golden.GetProperty("dm");
        var v = R.Select(x => x * x).ToArray();
        var s = new double[R.Length];
        EwmaVariance.Compute(R, 0.94, s);
        var roll = new double[R.Length];
        RollingVariance.Compute(R, 22, roll);
        int n = R.Length;
        var idx = Enumerable.Range(21, n - 22).ToArray(); // 0-based t = 21..n-2, target t + 1
        var target = idx.Select(t => v[t + 1]).ToArray();
        var fe = idx.Select(t => s[t]).ToArray();
        var fr = idx.Select(t => roll[t]).ToArray();
        int lags = g.GetProperty("lags").GetInt32();
        var plain = DieboldMariano.Test(Loss.Qlike, fe, fr, target, new DieboldMarianoOptions { Lags = lags, HarveyCorrection = false });
        plain.Observations.Should().Be(g.GetProperty("n").GetInt32());
        Close(plain.MeanDifference, g.GetProperty("mean").GetDouble());
        Close(plain.Statistic, g.GetProperty("statistic").GetDouble());
        Close(plain.PValue, g.GetProperty("p").GetDouble(), 1e-7);
        var hln = DieboldMariano.Test(Loss.Qlike, fe, fr, target, new DieboldMarianoOptions { Lags = lags });
        Close(hln.Statistic, g.GetProperty("hln_statistic").GetDouble());
        Close(hln.PValue, g.GetProperty("hln_p").GetDouble(), 1e-7);
    }
}
