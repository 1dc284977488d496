using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Parameters;
namespace MlNetLstm.Volatility.Distributions;

/// <summary>
/// Hansen's (1994) skewed Student's t with zero mean and unit variance. Parameters "nu" (eta, in [2.05, 300])
/// and "lambda" (skewness, in [-0.99, 0.99]). With c = G((nu+1)/2) / (sqrt(pi (nu-2)) G(nu/2)),
/// a = 4 lambda c (nu-2)/(nu-1) and b^2 = 1 + 3 lambda^2 - a^2:
/// f(z) = b c (1 + ((b z + a)/(1 - lambda))^2 / (nu - 2))^(-(nu+1)/2) for z &lt; -a/b, and the same with
/// (1 + lambda) for z &gt;= -a/b. lambda = 0 gives <see cref="StudentsT"/>.
/// </summary>
public sealed class SkewedStudentsT : ErrorDistribution
{
    /// <inheritdoc />
    public override string Name => "skewt";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[]
    {
        new ParameterInfo("nu", 2.05, 300),
        new ParameterInfo("lambda", -0.99, 0.99),
    };

    /// <inheritdoc />
    public override double[] StartingValues() => new[] { 8.0, 0.0 };

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters)
        => parameters.Length == 2 && parameters[0] >= 2.05 && parameters[0] <= 300 && parameters[1] >= -0.99 && parameters[1] <= 0.99;

    private static (double A, double B, double LogC) Constants(double nu, double lambda)
    {
        double logC = LogGamma(0.5 * (nu + 1)) - LogGamma(0.5 * nu) - 0.5 * Math.Log(Math.PI * (nu - 2));
        double a = 4 * lambda * Math.Exp(logC) * (nu - 2) / (nu - 1);
        double b = Math.Sqrt(1 + 3 * lambda * lambda - a * a);
        return (a, b, logC);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Evaluate(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> logf, Span<double> dz, Span<double> dparameters)
    {
        double nu = parameters[0];
        double lambda = parameters[1];
        var (a, b, logC) = Constants(nu, lambda);
        double nm2 = nu - 2;
        double half = 0.5 * (nu + 1);
        double lead = Math.Log(b) + logC;
        double cut = -a / b;
        for (int i = 0; i < z.Length; i++)
        {
            double s = z[i] < cut ? 1 - lambda : 1 + lambda;
            double w = (b * z[i] + a) / s;
            logf[i] = lead - half * Math.Log(1 + w * w / nm2);
            if (!dz.IsEmpty)
            {
                dz[i] = -(nu + 1) * w * b / (s * (nm2 + w * w));
            }
        }

        if (!dparameters.IsEmpty)
        {
            NumericalParameterGradient(z, parameters, dparameters);
        }
    }

    /// <summary>
    /// Draws by symmetry of the two halves: with s a unit-variance t draw, w = -|s| with probability
    /// (1 - lambda)/2 (then z = ((1 - lambda) w - a)/b), otherwise w = |s| and z = ((1 + lambda) w - a)/b.
    /// </summary>
    /// <param name="random">Random source.</param>
    /// <param name="parameters">[nu, lambda].</param>
    /// <returns>A unit-variance draw.</returns>
    public override double Sample(Random random, ReadOnlySpan<double> parameters)
    {
        double nu = parameters[0];
        double lambda = parameters[1];
        var (a, b, _) = Constants(nu, lambda);
        double chi2 = 2 * GammaSampler.Sample(random, 0.5 * nu);
        double s = Math.Abs(Normal.StandardNormal(random) / Math.Sqrt(chi2 / nu) * Math.Sqrt((nu - 2) / nu));
        bool left = random.NextDouble() < 0.5 * (1 - lambda);
        return left ? ((1 - lambda) * -s - a) / b : ((1 + lambda) * s - a) / b;
    }
}
