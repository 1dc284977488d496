using MlNetLstm.Volatility.Parameters;

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

    /// <summary>[1, 1, 1]: the orders (p, o, q) of arch's EGARCH; the text form is <c>egarch</c> or <c>egarch(1,1,1)</c>.</summary>
    public override IReadOnlyList<double> Settings => [1, 1, 1];

    /// <summary>True: the size term |z| - E|z| reads E|z| of the innovation distribution.</summary>
    public override bool UsesExpectedAbsoluteInnovation => true;

    /// <summary>The filter's own step: <see cref="Variance"/> carries the clamped log-variance, kept here in <paramref name="carry"/>.</summary>
    /// <param name="parameters">[omega, alpha, gamma, beta].</param>
    /// <param name="ePast">Residuals so far.</param>
    /// <param name="hPast">Variances so far.</param>
    /// <param name="backcast">Pre-sample value s0 (h_1 = s0).</param>
    /// <param name="expectedAbsZ">E|z|.</param>
    /// <param name="carry">log h_{t-1} (clamped).</param>
    /// <returns>h_t.</returns>
    public override double FilterStep(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ, ref double carry)
    {
        if (ePast.Length == 0)
        {
            carry = Math.Log(backcast);
            return Math.Exp(carry);
        }

        double z = ePast[^1] / Math.Sqrt(hPast[^1]);
        double lh = parameters[0] + parameters[1] * z + parameters[2] * (Math.Abs(z) - expectedAbsZ) + parameters[3] * carry;
        carry = Math.Clamp(lh, -MaxLogVariance, MaxLogVariance);
        return Math.Exp(carry);
    }

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

    /// <inheritdoc />
    public override IReadOnlyList<double[]> StartingGrid(double variance)
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

    /// <inheritdoc />
    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
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

    /// <inheritdoc />
    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
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

    /// <inheritdoc />
    public override int MaxLag => 1;

    /// <inheritdoc />
    public override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ)
        => Math.Exp(parameters[0] / (1 - parameters[3])); // exp(E log h), an approximation
}
