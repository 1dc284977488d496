using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// GARCH(p, q) (Bollerslev 1986): h_t = omega + sum_{i=1..p} alpha_i e_{t-i}^2 + sum_{j=1..q} beta_j h_{t-j}.
/// Parameters "omega" &gt; 0, "alpha" (or "alpha[i]") in [0, 1], "beta" (or "beta[j]") in [0, 1], with
/// sum alpha + sum beta &lt; 1. Analytic likelihood gradients and multi-step forecasts.
/// </summary>
public sealed class Garch : VolatilityProcess
{
    /// <summary>Creates a GARCH(p, q) process.</summary>
    /// <param name="p">ARCH order (lags of e^2), 1..20.</param>
    /// <param name="q">GARCH order (lags of h), 0..20.</param>
    public Garch(int p = 1, int q = 1)
    {
        if (p < 1 || p > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "ARCH order p must be between 1 and 20.");
        }

        if (q < 0 || q > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "GARCH order q must be between 0 and 20.");
        }

        P = p;
        Q = q;
        Parameters = GarchRecursion.MakeParameters(p, 0, q);
    }

    /// <summary>ARCH order.</summary>
    public int P { get; }

    /// <summary>GARCH order.</summary>
    public int Q { get; }

    /// <inheritdoc />
    public override string Name => "garch";

    /// <summary>[p, q]: the text form is <c>garch(p,q)</c>.</summary>
    public override IReadOnlyList<double> Settings => [P, Q];

    internal override bool IsGarchOneOne => P == 1 && Q == 1;

    /// <summary>The filter's own step: the (1,1) fast path of <see cref="Variance"/> carries h_{t-1} in <paramref name="carry"/>.</summary>
    /// <inheritdoc />
    public override double FilterStep(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ, ref double carry)
        => GarchRecursion.FilterStep(parameters, P, 0, Q, ePast, hPast, backcast, ref carry);

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <inheritdoc />
    public override bool HasAnalyticForecast => true;

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => GarchRecursion.IsFeasible(parameters, P, 0, Q);

    /// <inheritdoc />
    public override IReadOnlyList<double[]> StartingGrid(double variance) => GarchRecursion.StartingGrid(variance, P, 0, Q);

    /// <inheritdoc />
    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
        => GarchRecursion.Variance(parameters, P, 0, Q, e, backcast, h);

    /// <inheritdoc />
    public override bool HasAnalyticGradient => true;

    /// <inheritdoc />
    public override void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
        => GarchRecursion.Gradient(parameters, P, 0, Q, e, backcast, jacobian, km, backcastGradient, h, dh);

    /// <inheritdoc />
    public override bool HasAnalyticHessian => true;

    /// <inheritdoc />
    public override void VarianceHessian(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km,
        ReadOnlySpan<double> backcastGradient, ReadOnlySpan<double> backcastHessian, Span<double> h, Span<double> dh, Span<double> d2h)
        => GarchRecursion.Hessian(parameters, P, 0, Q, e, backcast, jacobian, km, backcastGradient, backcastHessian, h, dh, d2h);

    /// <inheritdoc />
    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
        => GarchRecursion.Step(parameters, P, 0, Q, ePast, hPast, backcast);

    /// <inheritdoc />
    public override int MaxLag => Math.Max(P, Q);

    /// <inheritdoc />
    public override double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
        => GarchRecursion.Forecast(parameters, P, 0, Q, ePast, hPast, backcast, lowerPartialMoment, horizon);

    /// <inheritdoc />
    public override double? Persistence(ReadOnlySpan<double> parameters) => GarchRecursion.Persistence(parameters, P, 0, Q);

    /// <inheritdoc />
    public override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ)
        => parameters[0] / (1 - GarchRecursion.Persistence(parameters, P, 0, Q));
}
