using System.Runtime.CompilerServices;
using MathNet.Numerics;
using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Distributions;

/// <summary>
/// Student's t innovations standardised to unit variance (nu &gt; 2):
/// log f(z) = lnG((nu+1)/2) - lnG(nu/2) - 0.5 log(pi (nu - 2)) - (nu+1)/2 log(1 + z^2 / (nu - 2)).
/// Parameter "nu" in [2.05, 500].
/// </summary>
public sealed class StudentsT : ErrorDistribution
{
    /// <inheritdoc />
    public override string Name => "t";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[] { new ParameterInfo("nu", 2.05, 500) };

    /// <inheritdoc />
    public override double[] StartingValues() => new[] { 8.0 };

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters)
        => parameters.Length == 1 && parameters[0] >= 2.05 && parameters[0] <= 500;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Evaluate(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> logf, Span<double> dz, Span<double> dparameters)
    {
        double nu = parameters[0];
        double nm2 = nu - 2;
        double c = LogGamma(0.5 * (nu + 1)) - LogGamma(0.5 * nu) - 0.5 * Math.Log(Math.PI * nm2);
        double half = 0.5 * (nu + 1);
        for (int i = 0; i < z.Length; i++)
        {
            logf[i] = c - half * Math.Log(1 + z[i] * z[i] / nm2);
        }

        if (!dz.IsEmpty)
        {
            for (int i = 0; i < z.Length; i++)
            {
                dz[i] = -(nu + 1) * z[i] / (nm2 + z[i] * z[i]);
            }
        }

        if (!dparameters.IsEmpty)
        {
            double dc = 0.5 * SpecialFunctions.DiGamma(0.5 * (nu + 1)) - 0.5 * SpecialFunctions.DiGamma(0.5 * nu) - 0.5 / nm2;
            for (int i = 0; i < z.Length; i++)
            {
                double z2 = z[i] * z[i];
                dparameters[i] = dc - 0.5 * Math.Log(1 + z2 / nm2) + half * z2 / (nm2 * (nm2 + z2));
            }
        }
    }

    /// <inheritdoc />
    public override double Sample(Random random, ReadOnlySpan<double> parameters)
    {
        double nu = parameters[0];
        double chi2 = 2 * GammaSampler.Sample(random, 0.5 * nu);
        return Normal.StandardNormal(random) / Math.Sqrt(chi2 / nu) * Math.Sqrt((nu - 2) / nu);
    }

    /// <summary>E|z| = 2 sqrt(nu - 2) G((nu+1)/2) / (sqrt(pi) (nu - 1) G(nu/2)).</summary>
    /// <param name="parameters">[nu].</param>
    /// <returns>The first absolute moment.</returns>
    public override double ExpectedAbsoluteValue(ReadOnlySpan<double> parameters)
    {
        double nu = parameters[0];
        return 2 * Math.Sqrt(nu - 2) * Math.Exp(LogGamma(0.5 * (nu + 1)) - LogGamma(0.5 * nu)) / (Math.Sqrt(Math.PI) * (nu - 1));
    }

    /// <summary>0.5 by symmetry.</summary>
    /// <param name="parameters">[nu].</param>
    /// <returns>0.5.</returns>
    public override double LowerPartialSecondMoment(ReadOnlySpan<double> parameters) => 0.5;
}
