using MathNet.Numerics.Distributions;

namespace MlNetLstm.Evaluation;

/// <summary>
/// Value-at-Risk backtests from variance forecasts. The α-VaR is reported as the α-quantile of the return,
/// <c>q_t = μ + sqrt(h_t) · z_α</c> (a negative number for small α), and day t is a hit when <c>r_t &lt; q_t</c>.
/// Log-likelihoods use the convention <c>0 · log 0 = 0</c>.
/// </summary>
public static class VarBacktest
{
    /// <summary>Computes the return quantiles <c>q_t = mean + sqrt(h_t) · z_α</c>.</summary>
    /// <param name="varianceForecasts">Variance forecasts h_t (&gt; 0).</param>
    /// <param name="alpha">Tail probability α in (0, 1).</param>
    /// <param name="distribution">Standardised distribution of returns; null means normal.</param>
    /// <param name="mean">Conditional mean μ (default 0).</param>
    /// <returns>The quantiles, one per forecast.</returns>
    public static double[] ValueAtRisk(ReadOnlySpan<double> varianceForecasts, double alpha, StandardizedDistribution? distribution = null, double mean = 0)
    {
        CheckAlpha(alpha);
        EvalGuard.MinLength(varianceForecasts.Length, 1, nameof(varianceForecasts));
        EvalGuard.FinitePositive(varianceForecasts, nameof(varianceForecasts));
        if (!double.IsFinite(mean)) throw new ArgumentException($"mean is {mean}; it must be finite.", nameof(mean));
        double z = (distribution ?? StandardizedDistribution.Normal).Quantile(alpha);
        var q = new double[varianceForecasts.Length];
        for (int i = 0; i < q.Length; i++) q[i] = mean + Math.Sqrt(varianceForecasts[i]) * z;
        return q;
    }

    /// <summary>Hit sequence <c>I_t = 1{r_t &lt; q_t}</c>.</summary>
    /// <param name="returns">Realised returns r_t.</param>
    /// <param name="quantiles">VaR quantiles q_t, same length.</param>
    /// <returns>The hits.</returns>
    public static bool[] Hits(ReadOnlySpan<double> returns, ReadOnlySpan<double> quantiles)
    {
        EvalGuard.SameLength(returns.Length, quantiles.Length, nameof(returns), nameof(quantiles));
        EvalGuard.Finite(returns, nameof(returns));
        EvalGuard.Finite(quantiles, nameof(quantiles));
        var hits = new bool[returns.Length];
        for (int i = 0; i < hits.Length; i++) hits[i] = returns[i] < quantiles[i];
        return hits;
    }

    /// <summary>
    /// Kupiec unconditional coverage: <c>LR_uc = -2 [ (n-x) ln(1-α) + x ln α - (n-x) ln(1-π̂) - x ln π̂ ]</c>, π̂ = x/n, χ²(1).
    /// </summary>
    /// <param name="hits">Hit sequence (at least one day).</param>
    /// <param name="alpha">Nominal tail probability α.</param>
    /// <returns>The test.</returns>
    public static LikelihoodRatioTest Kupiec(ReadOnlySpan<bool> hits, double alpha)
    {
        CheckAlpha(alpha);
        EvalGuard.MinLength(hits.Length, 1, nameof(hits));
        int n = hits.Length, x = 0;
        foreach (bool h in hits) if (h) x++;
        double pi = (double)x / n;
        double lr = -2.0 * (XLogY(n - x, 1 - alpha) + XLogY(x, alpha) - XLogY(n - x, 1 - pi) - XLogY(x, pi));
        return Chi2(lr, 1);
    }

    /// <summary>
    /// Christoffersen independence test against a first-order Markov alternative:
    /// <c>LR_ind = -2 [ ln L(π) - ln L(π01, π11) ]</c> with <c>π01 = n01/(n00+n01)</c>, <c>π11 = n11/(n10+n11)</c>,
    /// <c>π = (n01+n11)/(n-1)</c>, χ²(1).
    /// </summary>
    /// <param name="hits">Hit sequence (at least two days).</param>
    /// <returns>The test.</returns>
    public static LikelihoodRatioTest ChristoffersenIndependence(ReadOnlySpan<bool> hits)
    {
        EvalGuard.MinLength(hits.Length, 2, nameof(hits));
        var (n00, n01, n10, n11) = Transitions(hits);
        return Chi2(IndependenceStatistic(n00, n01, n10, n11), 1);
    }

    /// <summary>Christoffersen conditional coverage: <c>LR_cc = LR_uc + LR_ind</c>, χ²(2).</summary>
    /// <param name="hits">Hit sequence (at least two days).</param>
    /// <param name="alpha">Nominal tail probability α.</param>
    /// <returns>The test.</returns>
    public static LikelihoodRatioTest ChristoffersenConditionalCoverage(ReadOnlySpan<bool> hits, double alpha)
    {
        EvalGuard.MinLength(hits.Length, 2, nameof(hits));
        var uc = Kupiec(hits, alpha);
        var ind = ChristoffersenIndependence(hits);
        return Chi2(uc.Statistic + ind.Statistic, 2);
    }

    /// <summary>Runs the full backtest: quantiles, hits, Kupiec and Christoffersen tests.</summary>
    /// <param name="returns">Realised returns r_t.</param>
    /// <param name="varianceForecasts">Variance forecasts h_t for the same days.</param>
    /// <param name="alpha">Tail probability α in (0, 1).</param>
    /// <param name="distribution">Standardised distribution; null means normal.</param>
    /// <param name="mean">Conditional mean μ.</param>
    /// <returns>The backtest summary.</returns>
    public static VarBacktestResult Run(ReadOnlySpan<double> returns, ReadOnlySpan<double> varianceForecasts, double alpha,
        StandardizedDistribution? distribution = null, double mean = 0)
    {
        EvalGuard.SameLength(returns.Length, varianceForecasts.Length, nameof(returns), nameof(varianceForecasts));
        EvalGuard.MinLength(returns.Length, 2, nameof(returns));
        var q = ValueAtRisk(varianceForecasts, alpha, distribution, mean);
        var hits = Hits(returns, q);
        return Summarize(hits, alpha);
    }

    /// <summary>Summarises an existing hit sequence.</summary>
    /// <param name="hits">Hit sequence (at least two days).</param>
    /// <param name="alpha">Nominal tail probability α.</param>
    /// <returns>The backtest summary.</returns>
    public static VarBacktestResult Summarize(ReadOnlySpan<bool> hits, double alpha)
    {
        EvalGuard.MinLength(hits.Length, 2, nameof(hits));
        int x = 0;
        foreach (bool h in hits) if (h) x++;
        var (n00, n01, n10, n11) = Transitions(hits);
        var uc = Kupiec(hits, alpha);
        var ind = Chi2(IndependenceStatistic(n00, n01, n10, n11), 1);
        var cc = Chi2(uc.Statistic + ind.Statistic, 2);
        return new VarBacktestResult(alpha, hits.Length, x, (double)x / hits.Length, n00, n01, n10, n11, uc, ind, cc);
    }

    private static (int N00, int N01, int N10, int N11) Transitions(ReadOnlySpan<bool> hits)
    {
        int n00 = 0, n01 = 0, n10 = 0, n11 = 0;
        for (int t = 1; t < hits.Length; t++)
        {
            if (!hits[t - 1]) { if (hits[t]) n01++; else n00++; }
            else { if (hits[t]) n11++; else n10++; }
        }
        return (n00, n01, n10, n11);
    }

    private static double IndependenceStatistic(int n00, int n01, int n10, int n11)
    {
        int n0 = n00 + n01, n1 = n10 + n11, total = n0 + n1;
        double pi = (double)(n01 + n11) / total;
        double pi01 = n0 > 0 ? (double)n01 / n0 : 0;
        double pi11 = n1 > 0 ? (double)n11 / n1 : 0;
        double restricted = XLogY(n00 + n10, 1 - pi) + XLogY(n01 + n11, pi);
        double unrestricted = XLogY(n00, 1 - pi01) + XLogY(n01, pi01) + XLogY(n10, 1 - pi11) + XLogY(n11, pi11);
        return -2.0 * (restricted - unrestricted);
    }

    private static double XLogY(double x, double y) => x == 0 ? 0.0 : x * Math.Log(y);

    private static LikelihoodRatioTest Chi2(double lr, int df)
    {
        lr = Math.Max(lr, 0.0); // guard tiny negative rounding
        return new LikelihoodRatioTest(lr, df, Math.Clamp(1.0 - ChiSquared.CDF(df, lr), 0.0, 1.0));
    }

    private static void CheckAlpha(double alpha)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1).");
    }
}
