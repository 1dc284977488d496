namespace MlNetLstm.Evaluation;

/// <summary>
/// Result of an ordinary least squares fit <c>y = X β + u</c> (n observations, p regressors).
/// Immutable and thread-safe.
/// </summary>
public sealed class LinearRegressionResult
{
    internal LinearRegressionResult(double[] coefficients, double[] standardErrors, double[] hacStandardErrors,
        double[,] hacCovariance, double rSquared, double residualVariance, int observations, int hacLags, double[] residuals)
    {
        Coefficients = Array.AsReadOnly(coefficients);
        StandardErrors = Array.AsReadOnly(standardErrors);
        HacStandardErrors = Array.AsReadOnly(hacStandardErrors);
        _hacCovariance = hacCovariance;
        RSquared = rSquared;
        ResidualVariance = residualVariance;
        Observations = observations;
        HacLags = hacLags;
        Residuals = Array.AsReadOnly(residuals);
    }

    private readonly double[,] _hacCovariance;

    /// <summary>Estimated coefficients β (length p), in design-column order.</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>Classical OLS standard errors: sqrt of the diagonal of <c>s² (X'X)^{-1}</c>, <c>s² = Σu² / (n - p)</c>.</summary>
    public IReadOnlyList<double> StandardErrors { get; }

    /// <summary>
    /// Newey-West HAC standard errors: sqrt of the diagonal of <c>(X'X)^{-1} S (X'X)^{-1}</c> with
    /// <c>S = Σ_t u_t² x_t x_t' + Σ_{j=1..L} w_j Σ_t u_t u_{t-j} (x_t x_{t-j}' + x_{t-j} x_t')</c>, Bartlett weights.
    /// </summary>
    public IReadOnlyList<double> HacStandardErrors { get; }

    /// <summary>Coefficient of determination <c>1 - Σu² / Σ(y - ȳ)²</c> (0 when y is constant).</summary>
    public double RSquared { get; }

    /// <summary>Residual variance <c>s² = Σu² / (n - p)</c>.</summary>
    public double ResidualVariance { get; }

    /// <summary>Number of observations n.</summary>
    public int Observations { get; }

    /// <summary>Number of Newey-West lags L used for <see cref="HacStandardErrors"/>.</summary>
    public int HacLags { get; }

    /// <summary>Residuals <c>u = y - X β</c> (length n).</summary>
    public IReadOnlyList<double> Residuals { get; }

    /// <summary>Element (i, j) of the HAC covariance matrix of the coefficients.</summary>
    /// <param name="i">Row, 0..p-1.</param>
    /// <param name="j">Column, 0..p-1.</param>
    /// <returns>The covariance.</returns>
    public double HacCovariance(int i, int j) => _hacCovariance[i, j];
}
