using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Parameters;
namespace MlNetLstm.Volatility.Distributions;

/// <summary>
/// Generalised error distribution standardised to unit variance, shape "nu" in [1.01, 500]
/// (nu = 2 is the normal, nu = 1 the Laplace): with lambda = sqrt(2^(-2/nu) G(1/nu) / G(3/nu)),
/// log f(z) = log nu - log lambda - (1 + 1/nu) log 2 - lnG(1/nu) - 0.5 |z / lambda|^nu.
/// </summary>
public sealed class Ged : ErrorDistribution
{
    /// <inheritdoc />
    public override string Name => "ged";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[] { new ParameterInfo("nu", 1.01, 500) };

    /// <inheritdoc />
    public override double[] StartingValues() => new[] { 1.5 };

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters)
        => parameters.Length == 1 && parameters[0] >= 1.01 && parameters[0] <= 500;

    private static double Scale(double nu) => Math.Sqrt(Math.Pow(2, -2 / nu) * Math.Exp(LogGamma(1 / nu) - LogGamma(3 / nu)));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Evaluate(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> logf, Span<double> dz, Span<double> dparameters)
    {
        double nu = parameters[0];
        double lam = Scale(nu);
        double c = Math.Log(nu) - Math.Log(lam) - (1 + 1 / nu) * Math.Log(2) - LogGamma(1 / nu);
        for (int i = 0; i < z.Length; i++)
        {
            double x = Math.Abs(z[i]) / lam;
            double xp = Math.Pow(x, nu);
            logf[i] = c - 0.5 * xp;
            if (!dz.IsEmpty)
            {
                dz[i] = x == 0 ? 0 : -0.5 * nu * xp / x / lam * Math.Sign(z[i]);
            }
        }

        if (!dparameters.IsEmpty)
        {
            NumericalParameterGradient(z, parameters, dparameters);
        }
    }

    /// <summary>Draws |z| = lambda (2 G)^(1/nu) with G ~ Gamma(1/nu, 1) and a random sign.</summary>
    /// <param name="random">Random source.</param>
    /// <param name="parameters">[nu].</param>
    /// <returns>A unit-variance draw.</returns>
    public override double Sample(Random random, ReadOnlySpan<double> parameters)
    {
        double nu = parameters[0];
        double g = GammaSampler.Sample(random, 1 / nu);
        double x = Scale(nu) * Math.Pow(2 * g, 1 / nu);
        return random.NextDouble() < 0.5 ? -x : x;
    }

    /// <summary>E|z| = lambda 2^(1/nu) G(2/nu) / G(1/nu).</summary>
    /// <param name="parameters">[nu].</param>
    /// <returns>The first absolute moment.</returns>
    public override double ExpectedAbsoluteValue(ReadOnlySpan<double> parameters)
    {
        double nu = parameters[0];
        return Scale(nu) * Math.Pow(2, 1 / nu) * Math.Exp(LogGamma(2 / nu) - LogGamma(1 / nu));
    }

    /// <summary>0.5 by symmetry.</summary>
    /// <param name="parameters">[nu].</param>
    /// <returns>0.5.</returns>
    public override double LowerPartialSecondMoment(ReadOnlySpan<double> parameters) => 0.5;
}
