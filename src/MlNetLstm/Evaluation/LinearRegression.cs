using MathNet.Numerics.LinearAlgebra;

namespace MlNetLstm.Evaluation;

/// <summary>Ordinary least squares via a Householder QR decomposition (MathNet.Numerics), with Newey-West HAC errors.</summary>
public static class LinearRegression
{
    /// <summary>Fits <c>y = X β + u</c> by OLS.</summary>
    /// <param name="design">Design matrix X, n × p (include a column of ones for an intercept).</param>
    /// <param name="y">Dependent variable, length n.</param>
    /// <param name="hacLags">Newey-West lags; null uses <see cref="NeweyWest.RuleOfThumbLags"/>.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, n ≤ p, non-finite values, or X is rank deficient.</exception>
    public static LinearRegressionResult Fit(double[,] design, ReadOnlySpan<double> y, int? hacLags = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        int n = design.GetLength(0), p = design.GetLength(1);
        EvalGuard.SameLength(n, y.Length, "design rows", nameof(y));
        if (p < 1) throw new ArgumentException("design must have at least one column.", nameof(design));
        if (n <= p) throw new ArgumentException($"design has {n} rows and {p} columns; more rows than columns are required.", nameof(design));
        EvalGuard.Finite(y, nameof(y));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
                if (!double.IsFinite(design[i, j]))
                    throw new ArgumentException($"design[{i}, {j}] is {design[i, j]}; all values must be finite.", nameof(design));
        int lags = hacLags ?? NeweyWest.RuleOfThumbLags(n);
        if (lags < 0 || lags >= n)
            throw new ArgumentOutOfRangeException(nameof(hacLags), lags, $"hacLags must be in [0, {n - 1}].");

        var x = Matrix<double>.Build.DenseOfArray(design);
        var yv = Vector<double>.Build.DenseOfArray(y.ToArray());
        var qr = x.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var r = qr.R;
        // Rank check relative to each column's own norm, so it does not depend on the columns' units: |R_jj| is the norm of
        // the part of column j that earlier columns cannot explain (a proxy of daily variances ~1e-12 beside an intercept
        // of ones is not collinear with it).
        for (int j = 0; j < p; j++)
        {
            double norm = 0;
            for (int i = 0; i < n; i++) norm += design[i, j] * design[i, j];
            norm = Math.Sqrt(norm);
            if (!(Math.Abs(r[j, j]) > 1e-10 * norm))
                throw new ArgumentException($"design is rank deficient: column {j} is " + (norm == 0 ? "all zero." : "(nearly) a linear combination of earlier columns."), nameof(design));
        }
        var beta = qr.Solve(yv);
        var rInv = r.Inverse();
        var xtxInv = rInv * rInv.Transpose();

        var resid = new double[n];
        double ssr = 0, yMean = 0, sst = 0;
        for (int i = 0; i < n; i++) yMean += y[i];
        yMean /= n;
        for (int i = 0; i < n; i++)
        {
            double fit = 0;
            for (int j = 0; j < p; j++) fit += design[i, j] * beta[j];
            resid[i] = y[i] - fit;
            ssr += resid[i] * resid[i];
            sst += (y[i] - yMean) * (y[i] - yMean);
        }
        double s2 = ssr / (n - p);
        double r2 = sst > 0 ? 1.0 - ssr / sst : 0.0;

        // HAC meat.
        var meat = new double[p, p];
        for (int j = 0; j <= lags; j++)
        {
            double w = j == 0 ? 1.0 : NeweyWest.BartlettWeight(j, lags);
            for (int t = j; t < n; t++)
            {
                double uu = w * resid[t] * resid[t - j];
                if (uu == 0) continue;
                for (int a = 0; a < p; a++)
                {
                    double xa = design[t, a], xaLag = design[t - j, a];
                    for (int b = 0; b < p; b++)
                    {
                        meat[a, b] += j == 0
                            ? uu * xa * design[t, b]
                            : uu * (xa * design[t - j, b] + xaLag * design[t, b]);
                    }
                }
            }
        }
        var hac = xtxInv * Matrix<double>.Build.DenseOfArray(meat) * xtxInv;
        var se = new double[p];
        var hse = new double[p];
        var hacArr = new double[p, p];
        for (int a = 0; a < p; a++)
        {
            se[a] = Math.Sqrt(Math.Max(s2 * xtxInv[a, a], 0));
            hse[a] = Math.Sqrt(Math.Max(hac[a, a], 0));
            for (int b = 0; b < p; b++) hacArr[a, b] = hac[a, b];
        }
        return new LinearRegressionResult(beta.ToArray(), se, hse, hacArr, r2, s2, n, lags, resid);
    }
}
