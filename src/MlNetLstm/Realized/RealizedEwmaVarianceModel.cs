using MlNetLstm.Data;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Realized;

/// <summary>
/// EWMA of the realized measure, name "ewma-rv": <c>h_{t+1} = λ h_t + (1 - λ) RV_t</c>, started at the mean RV of the fitting window
/// (<see cref="RiskMetrics"/>' recursion and start rule with RV in place of r²); forecasts are flat over the horizon. No parameter is estimated.
/// </summary>
public sealed class RealizedEwmaVarianceModel : IVarianceModel
{
    /// <summary>Name in reports.</summary>
    public const string ModelName = "ewma-rv";

    /// <summary>Default λ: <see cref="RiskMetrics.Lambda"/> (0.94).</summary>
    public const double DefaultLambda = RiskMetrics.Lambda;

    /// <summary>Creates the model.</summary>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    public RealizedEwmaVarianceModel(double lambda = DefaultLambda)
    {
        RiskMetrics.CheckLambda(lambda, nameof(lambda));
        Lambda = lambda;
    }

    /// <summary>The decay λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public bool UsesExogenous => true;

    /// <summary>Not available: the model needs the RV column (throws, saying so).</summary>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    /// <inheritdoc />
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous)
    {
        double[] rv = RealizedInputs.Read(exogenous, returns.Length, Name);
        EvalGuard.MinLength(rv.Length, 1, nameof(returns));
        double mean = rv.Average();
        if (!(mean > 0)) throw new ArgumentException($"{Name}: the realized variances of the window are all zero.", nameof(exogenous));
        return new Fitted(Lambda, mean, Name);
    }

    private sealed class Fitted(double lambda, double start, string name) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

        public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
        {
            if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
            double[] rv = RealizedInputs.Read(exogenousHistory, history.Length, name);
            double h = start;
            foreach (double x in rv) h = RiskMetrics.UpdateWithSquare(h, x, lambda);
            h = Math.Max(h, 1e-6 * start);
            return Enumerable.Repeat(h, horizon).ToArray();
        }
    }
}
