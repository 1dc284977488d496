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
