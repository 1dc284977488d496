using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// EWMA / RiskMetrics: h_t = lambda h_{t-1} + (1 - lambda) e_{t-1}^2 with a fixed lambda (0.94 by default,
/// the RiskMetrics daily value, <see cref="RiskMetrics.Lambda"/>) and h_1 = s0, the backcast (mean e² of the estimation sample:
/// the start rule of <see cref="RiskMetrics"/> for a fitted model, the same as for every GARCH-family process). The recursion is
/// <see cref="RiskMetrics.Filter"/>. No estimated parameters; forecasts are flat.
/// </summary>
public sealed class Ewma : VolatilityProcess
{
    /// <summary>The RiskMetrics daily smoothing constant.</summary>
    public const double RiskMetricsLambda = RiskMetrics.Lambda;

    /// <summary>Creates an EWMA process.</summary>
    /// <param name="lambda">Smoothing constant in (0, 1).</param>
    public Ewma(double lambda = RiskMetricsLambda)
    {
        if (!(lambda > 0 && lambda < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "EWMA lambda must be in (0, 1).");
        }

        Lambda = lambda;
    }

    /// <summary>Smoothing constant.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public override string Name => "ewma";

    /// <summary>[lambda]: the text form is <c>ewma(lambda)</c>.</summary>
    public override IReadOnlyList<double> Settings => [Lambda];

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = Array.Empty<ParameterInfo>();

    /// <inheritdoc />
    public override bool HasAnalyticForecast => true;

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 0;

    /// <inheritdoc />
    public override IReadOnlyList<double[]> StartingGrid(double variance) => new[] { Array.Empty<double>() };

    /// <inheritdoc />
    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
    {
        h[0] = backcast;
        if (e.Length > 1) RiskMetrics.Filter(e[..^1], Lambda, backcast, h[1..]);
    }

    /// <inheritdoc />
    public override bool HasAnalyticGradient => true;

    /// <inheritdoc />
    public override void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
    {
        Variance(parameters, e, backcast, 0, h);
        for (int c = 0; c < km; c++)
        {
            dh[c] = backcastGradient[c];
        }

        for (int t = 1; t < e.Length; t++)
        {
            for (int c = 0; c < km; c++)
            {
                dh[t * km + c] = Lambda * dh[(t - 1) * km + c] + (1 - Lambda) * 2 * e[t - 1] * jacobian[(t - 1) * km + c];
            }
        }
    }

    /// <inheritdoc />
    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
        => ePast.Length == 0 ? backcast : RiskMetrics.Update(hPast[^1], ePast[^1], Lambda);

    /// <inheritdoc />
    public override int MaxLag => 1;

    /// <inheritdoc />
    public override double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
    {
        var r = new double[horizon];
        Array.Fill(r, NextVariance(parameters, ePast, hPast, backcast, 0));
        return r;
    }

}
