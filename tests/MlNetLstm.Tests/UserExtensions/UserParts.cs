using MlNetLstm.Volatility.Parameters;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

// Deliberately outside the library's namespaces: these parts are written the way a user of the package would write them,
// against the public extension members only (the test project has no InternalsVisibleTo use here).
namespace UserExtensions;

/// <summary>GARCH(1,1) written from scratch: h_1 = omega + (alpha + beta) s0, h_t = omega + alpha e_{t-1}^2 + beta h_{t-1}. No analytic gradient.</summary>
public sealed class UserGarch : VolatilityProcess
{
    public override string Name => "user-garch";

    public override IReadOnlyList<ParameterInfo> Parameters { get; } =
        [new("omega", 0, double.PositiveInfinity), new("alpha", 0, 1), new("beta", 0, 1)];

    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 3 && parameters[0] > 0 && parameters[1] >= 0 && parameters[2] >= 0 && parameters[1] + parameters[2] < 1;

    public override IReadOnlyList<double[]> StartingGrid(double variance) =>
        [[variance * 0.1, 0.05, 0.85], [variance * 0.05, 0.1, 0.85], [variance * 0.02, 0.05, 0.93]];

    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
    {
        for (int t = 0; t < e.Length; t++) h[t] = NextVariance(parameters, e[..t], h[..t], backcast, expectedAbsZ);
    }

    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
    {
        double e2 = ePast.Length == 0 ? backcast : ePast[^1] * ePast[^1];
        double hPrev = hPast.Length == 0 ? backcast : hPast[^1];
        return parameters[0] + parameters[1] * e2 + parameters[2] * hPrev;
    }

    public override int MaxLag => 1;

    public override double? Persistence(ReadOnlySpan<double> parameters) => parameters[1] + parameters[2];
}

/// <summary>
/// A HARCH-like process (Muller et al. 1997, in the spirit of HAR): h_t = omega + a1 e_{t-1}^2 + a5 mean(e^2 over t-5..t-1)
/// + a22 mean(e^2 over t-22..t-1), pre-sample e^2 = s0.
/// </summary>
public sealed class UserHarch : VolatilityProcess
{
    private static readonly int[] Windows = [1, 5, 22];

    public override string Name => "user-harch";

    public override IReadOnlyList<ParameterInfo> Parameters { get; } =
        [new("omega", 0, double.PositiveInfinity), new("a1", 0, 1), new("a5", 0, 1), new("a22", 0, 1)];

    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 4 && parameters[0] > 0 && parameters[1] >= 0 && parameters[2] >= 0 && parameters[3] >= 0 && parameters[1] + parameters[2] + parameters[3] < 1;

    public override IReadOnlyList<double[]> StartingGrid(double variance) =>
        [[variance * 0.1, 0.3, 0.3, 0.3], [variance * 0.3, 0.1, 0.3, 0.3], [variance * 0.2, 0.2, 0.2, 0.4]];

    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
    {
        for (int t = 0; t < e.Length; t++) h[t] = NextVariance(parameters, e[..t], h[..t], backcast, expectedAbsZ);
    }

    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
    {
        double v = parameters[0];
        for (int w = 0; w < Windows.Length; w++)
        {
            double s = 0;
            for (int i = 1; i <= Windows[w]; i++)
            {
                int k = ePast.Length - i;
                s += k >= 0 ? ePast[k] * ePast[k] : backcast;
            }

            v += parameters[1 + w] * s / Windows[w];
        }

        return v;
    }

    public override int MaxLag => 22;
}

/// <summary>Laplace innovations with unit variance: f(z) = exp(-|z| / b) / (2 b), b = 1 / sqrt(2). No shape parameter.</summary>
public sealed class Laplace : ErrorDistribution
{
    private static readonly double B = 1 / Math.Sqrt(2);

    public override string Name => "laplace";

    public override IReadOnlyList<ParameterInfo> Parameters { get; } = [];

    public override double[] StartingValues() => [];

    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 0;

    public override void Evaluate(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> logf, Span<double> dz, Span<double> dparameters)
    {
        for (int i = 0; i < z.Length; i++)
        {
            logf[i] = -Math.Log(2 * B) - Math.Abs(z[i]) / B;
            if (!dz.IsEmpty) dz[i] = -Math.Sign(z[i]) / B;
        }
    }

    public override double Sample(Random random, ReadOnlySpan<double> parameters)
    {
        double u = random.NextDouble() - 0.5;
        return -B * Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u));
    }
}

/// <summary>Constant mean written from scratch: e_t = y_t - mu.</summary>
public sealed class UserConstantMean : MeanModel
{
    public override string Name => "user-constant";

    public override IReadOnlyList<ParameterInfo> Parameters { get; } = [new("mu", double.NegativeInfinity, double.PositiveInfinity)];

    public override int Lags => 0;

    public override double[] StartingValues(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (double v in y) s += v;
        return [s / y.Length];
    }

    public override void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e)
    {
        for (int t = 0; t < y.Length; t++) e[t] = y[t] - parameters[0];
    }

    public override void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian) => jacobian[..y.Length].Fill(-1);

    public override double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past) => parameters[0];
}

/// <summary>A process that is never registered: saving a fit of it must fail with its type name.</summary>
public sealed class UnregisteredProcess : VolatilityProcess
{
    public override string Name => "unregistered";

    public override IReadOnlyList<ParameterInfo> Parameters { get; } = [new("sigma2", 0, double.PositiveInfinity)];

    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 1 && parameters[0] > 0 && double.IsFinite(parameters[0]);

    public override IReadOnlyList<double[]> StartingGrid(double variance) => [[variance]];

    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h) => h[..e.Length].Fill(parameters[0]);

    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ) => parameters[0];

    public override int MaxLag => 0;
}
