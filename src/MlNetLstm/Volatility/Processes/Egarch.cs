namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// EGARCH(1,1) (Nelson 1991) in the rugarch parameterisation:
/// log h_t = omega + alpha z_{t-1} + gamma (|z_{t-1}| - E|z|) + beta log h_{t-1}, z_t = e_t / sqrt(h_t),
/// with E|z| taken under the innovation distribution. Parameters "omega", "alpha" (sign effect),
/// "gamma" (size effect), "beta" with |beta| &lt; 1. Pre-sample: h_1 = s0 (the backcast).
/// Gradients are numerical; multi-step forecasts are simulated.
/// </summary>
public sealed class Egarch : VolatilityProcess
{
    internal const double MaxLogVariance = 300;

    /// <inheritdoc />
    public override string Name => "egarch";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[]
    {
        new ParameterInfo("omega", -50, 50),
        new ParameterInfo("alpha", -5, 5),
        new ParameterInfo("gamma", -5, 5),
        new ParameterInfo("beta", -0.9999, 0.9999),
    };

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters)
        => parameters.Length == 4
            && parameters[0] >= -50 && parameters[0] <= 50
            && parameters[1] >= -5 && parameters[1] <= 5
            && parameters[2] >= -5 && parameters[2] <= 5
            && parameters[3] >= -0.9999 && parameters[3] <= 0.9999;

    internal override double[][] StartingGrid(double variance)
    {
        var list = new List<double[]>();
        double lv = Math.Log(variance);
        foreach (var beta in new[] { 0.9, 0.98 })
        {
            foreach (var gamma in new[] { 0.1, 0.25 })
            {
                foreach (var alpha in new[] { -0.05, 0.0 })
                {
                    list.Add(new[] { (1 - beta) * lv, alpha, gamma, beta });
                }
            }
        }

        return list.ToArray();
    }

    internal override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
    {
        double omega = parameters[0], alpha = parameters[1], gamma = parameters[2], beta = parameters[3];
        double lh = Math.Log(backcast);
        h[0] = Math.Exp(lh);
        for (int t = 1; t < e.Length; t++)
        {
            double z = e[t - 1] / Math.Sqrt(h[t - 1]);
            lh = omega + alpha * z + gamma * (Math.Abs(z) - expectedAbsZ) + beta * lh;
            lh = Math.Clamp(lh, -MaxLogVariance, MaxLogVariance);
            h[t] = Math.Exp(lh);
        }
    }

    internal override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
    {
        if (ePast.Length == 0)
        {
            return backcast;
        }

        double hl = hPast[^1];
        double z = ePast[^1] / Math.Sqrt(hl);
        double lh = parameters[0] + parameters[1] * z + parameters[2] * (Math.Abs(z) - expectedAbsZ) + parameters[3] * Math.Log(hl);
        return Math.Exp(Math.Clamp(lh, -MaxLogVariance, MaxLogVariance));
    }

    internal override int MaxLag => 1;

    internal override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ)
        => Math.Exp(parameters[0] / (1 - parameters[3])); // exp(E log h), a starting value for simulation
}

/// <summary>
/// EWMA / RiskMetrics: h_t = lambda h_{t-1} + (1 - lambda) e_{t-1}^2 with a fixed lambda (0.94 by default,
/// the RiskMetrics daily value) and h_1 = s0 (the backcast). No estimated parameters; forecasts are flat.
/// </summary>
public sealed class Ewma : VolatilityProcess
{
    /// <summary>The RiskMetrics daily smoothing constant.</summary>
    public const double RiskMetricsLambda = 0.94;

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

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = Array.Empty<ParameterInfo>();

    /// <inheritdoc />
    public override bool HasAnalyticForecast => true;

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 0;

    internal override double[][] StartingGrid(double variance) => new[] { Array.Empty<double>() };

    internal override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
    {
        double prev = backcast;
        h[0] = prev;
        for (int t = 1; t < e.Length; t++)
        {
            prev = Lambda * prev + (1 - Lambda) * e[t - 1] * e[t - 1];
            h[t] = prev;
        }
    }

    internal override bool HasAnalyticGradient => true;

    internal override void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
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

    internal override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
        => ePast.Length == 0 ? backcast : Lambda * hPast[^1] + (1 - Lambda) * ePast[^1] * ePast[^1];

    internal override int MaxLag => 1;

    internal override double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
    {
        var r = new double[horizon];
        Array.Fill(r, NextVariance(parameters, ePast, hPast, backcast, 0));
        return r;
    }

    internal override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ) => double.NaN;
}

/// <summary>Constant variance: h_t = sigma2 (parameter "sigma2" &gt; 0). The homoskedastic benchmark.</summary>
public sealed class ConstantVariance : VolatilityProcess
{
    /// <inheritdoc />
    public override string Name => "constant";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[] { new ParameterInfo("sigma2", 0, double.PositiveInfinity) };

    /// <inheritdoc />
    public override bool HasAnalyticForecast => true;

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 1 && parameters[0] > 0 && !double.IsInfinity(parameters[0]);

    internal override double[][] StartingGrid(double variance) => new[] { new[] { variance } };

    internal override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
        => h[..e.Length].Fill(parameters[0]);

    internal override bool HasAnalyticGradient => true;

    internal override void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
    {
        int k = km + 1;
        for (int t = 0; t < e.Length; t++)
        {
            h[t] = parameters[0];
            dh.Slice(t * k, k).Clear();
            dh[t * k + km] = 1;
        }
    }

    internal override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
        => parameters[0];

    internal override int MaxLag => 0;

    internal override double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
    {
        var r = new double[horizon];
        Array.Fill(r, parameters[0]);
        return r;
    }

    internal override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ) => parameters[0];
}
