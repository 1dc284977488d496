using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// GJR-GARCH(p, o, q) (Glosten, Jagannathan and Runkle 1993):
/// h_t = omega + sum alpha_i e_{t-i}^2 + sum gamma_i 1(e_{t-i} &lt; 0) e_{t-i}^2 + sum beta_j h_{t-j}.
/// Parameters "omega", "alpha", "gamma", "beta" (indexed "[i]" when an order exceeds one); constraints
/// omega &gt; 0, alpha_i &gt;= 0, alpha_i + gamma_i &gt;= 0, beta_j &gt;= 0 and
/// sum alpha + sum gamma / 2 + sum beta &lt; 1 (the symmetric-innovation stationarity condition).
/// </summary>
public sealed class GjrGarch : VolatilityProcess
{
    /// <summary>Creates a GJR-GARCH(p, o, q) process.</summary>
    /// <param name="p">Symmetric ARCH order, 1..20.</param>
    /// <param name="o">Asymmetric order, 1..p.</param>
    /// <param name="q">GARCH order, 0..20.</param>
    public GjrGarch(int p = 1, int o = 1, int q = 1)
    {
        if (p < 1 || p > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "ARCH order p must be between 1 and 20.");
        }

        if (o < 1 || o > p)
        {
            throw new ArgumentOutOfRangeException(nameof(o), o, "Asymmetric order o must be between 1 and p.");
        }

        if (q < 0 || q > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "GARCH order q must be between 0 and 20.");
        }

        P = p;
        O = o;
        Q = q;
        Parameters = GarchRecursion.MakeParameters(p, o, q);
    }

    /// <summary>Symmetric ARCH order.</summary>
    public int P { get; }

    /// <summary>Asymmetric order.</summary>
    public int O { get; }

    /// <summary>GARCH order.</summary>
    public int Q { get; }

    /// <inheritdoc />
    public override string Name => "gjr";

    /// <summary>[p, o, q]: the text form is <c>gjr(p,o,q)</c>.</summary>
    public override IReadOnlyList<double> Settings => [P, O, Q];

    internal override bool IsGarchOneOne => P == 1 && O == 1 && Q == 1;

    /// <summary>The filter's own step: the (1,1,1) fast path of <see cref="Variance"/> carries h_{t-1} in <paramref name="carry"/>.</summary>
    /// <inheritdoc />
    public override double FilterStep(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ, ref double carry)
        => GarchRecursion.FilterStep(parameters, P, O, Q, ePast, hPast, backcast, ref carry);

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <inheritdoc />
    public override bool HasAnalyticForecast => true;

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => GarchRecursion.IsFeasible(parameters, P, O, Q);

    /// <inheritdoc />
    public override IReadOnlyList<double[]> StartingGrid(double variance) => GarchRecursion.StartingGrid(variance, P, O, Q);

    /// <inheritdoc />
    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
        => GarchRecursion.Variance(parameters, P, O, Q, e, backcast, h);

    /// <inheritdoc />
    public override bool HasAnalyticGradient => true;

    /// <inheritdoc />
    public override void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
        => GarchRecursion.Gradient(parameters, P, O, Q, e, backcast, jacobian, km, backcastGradient, h, dh);

    /// <inheritdoc />
    public override bool HasAnalyticHessian => true;

    /// <inheritdoc />
    public override void VarianceHessian(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km,
        ReadOnlySpan<double> backcastGradient, ReadOnlySpan<double> backcastHessian, Span<double> h, Span<double> dh, Span<double> d2h)
        => GarchRecursion.Hessian(parameters, P, O, Q, e, backcast, jacobian, km, backcastGradient, backcastHessian, h, dh, d2h);

    /// <inheritdoc />
    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
        => GarchRecursion.Step(parameters, P, O, Q, ePast, hPast, backcast);

    /// <inheritdoc />
    public override int MaxLag => Math.Max(P, Q);

    /// <inheritdoc />
    public override double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
        => GarchRecursion.Forecast(parameters, P, O, Q, ePast, hPast, backcast, lowerPartialMoment, horizon);

    /// <inheritdoc />
    public override double? Persistence(ReadOnlySpan<double> parameters) => GarchRecursion.Persistence(parameters, P, O, Q);

    /// <inheritdoc />
    public override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ)
        => parameters[0] / (1 - GarchRecursion.Persistence(parameters, P, O, Q));
}
