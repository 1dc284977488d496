using MathNet.Numerics.Distributions;

namespace MlNetLstm.Evaluation;

/// <summary>Mincer-Zarnowitz forecast-efficiency regressions.</summary>
public static class MincerZarnowitz
{
    /// <summary>Regresses the proxy on a constant and the forecast by OLS.</summary>
    /// <param name="forecasts">Forecasts (length n ≥ 3, not all equal).</param>
    /// <param name="proxy">Realised proxies (length n).</param>
    /// <param name="hacLags">Newey-West lags; null uses <see cref="NeweyWest.RuleOfThumbLags"/>.</param>
    /// <returns>The regression summary.</returns>
    /// <exception cref="ArgumentException">Length mismatch, too few points, non-finite values, or constant forecasts.</exception>
    public static MincerZarnowitzResult Fit(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy, int? hacLags = null)
    {
        EvalGuard.SameLength(forecasts.Length, proxy.Length, nameof(forecasts), nameof(proxy));
        EvalGuard.MinLength(forecasts.Length, 3, nameof(forecasts));
        EvalGuard.Finite(forecasts, nameof(forecasts));
        EvalGuard.Finite(proxy, nameof(proxy));
        if (!HasVariation(forecasts))
            throw new ArgumentException("forecasts are constant; the Mincer-Zarnowitz slope is not identified.", nameof(forecasts));
        int n = forecasts.Length;
        var x = new double[n, 2];
        for (int i = 0; i < n; i++) { x[i, 0] = 1.0; x[i, 1] = forecasts[i]; }
        var fit = LinearRegression.Fit(x, proxy, hacLags);
        double da = fit.Coefficients[0], db = fit.Coefficients[1] - 1.0;
        double v00 = fit.HacCovariance(0, 0), v01 = fit.HacCovariance(0, 1), v11 = fit.HacCovariance(1, 1);
        double det = v00 * v11 - v01 * v01;
        double wald, p;
        if (det > 0)
        {
            wald = (da * da * v11 - 2 * da * db * v01 + db * db * v00) / det;
            p = 1.0 - ChiSquared.CDF(2, wald);
        }
        else
        {
            // Degenerate (perfect fit): the hypothesis holds exactly or is rejected with certainty.
            bool exact = Math.Abs(da) < 1e-12 && Math.Abs(db) < 1e-12;
            wald = exact ? 0.0 : double.PositiveInfinity;
            p = exact ? 1.0 : 0.0;
        }
        return new MincerZarnowitzResult(fit.Coefficients[0], fit.Coefficients[1], fit.StandardErrors[0], fit.StandardErrors[1],
            fit.HacStandardErrors[0], fit.HacStandardErrors[1], fit.RSquared, wald, p, n, fit.HacLags);
    }

    internal static bool HasVariation(ReadOnlySpan<double> x)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in x) { if (v < min) min = v; if (v > max) max = v; }
        return max - min > 1e-12 * Math.Max(Math.Abs(max), Math.Abs(min));
    }
}
