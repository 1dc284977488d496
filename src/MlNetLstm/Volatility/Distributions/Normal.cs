using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Parameters;
namespace MlNetLstm.Volatility.Distributions;

/// <summary>
/// Standard normal innovations: log f(z) = -0.5 log(2 pi) - 0.5 z^2. No shape parameters.
/// </summary>
public sealed class Normal : ErrorDistribution
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <inheritdoc />
    public override string Name => "normal";

    internal override bool IsStandardNormal => true;

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = Array.Empty<ParameterInfo>();

    /// <inheritdoc />
    public override double[] StartingValues() => Array.Empty<double>();

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 0;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Evaluate(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> logf, Span<double> dz, Span<double> dparameters)
    {
        for (int i = 0; i < z.Length; i++)
        {
            logf[i] = -HalfLog2Pi - 0.5 * z[i] * z[i];
        }

        if (!dz.IsEmpty)
        {
            for (int i = 0; i < z.Length; i++)
            {
                dz[i] = -z[i];
            }
        }
    }

    /// <inheritdoc />
    public override double Sample(Random random, ReadOnlySpan<double> parameters) => StandardNormal(random);

    /// <summary>E|z| = sqrt(2 / pi).</summary>
    /// <param name="parameters">Empty.</param>
    /// <returns>sqrt(2 / pi).</returns>
    public override double ExpectedAbsoluteValue(ReadOnlySpan<double> parameters) => Math.Sqrt(2.0 / Math.PI);

    /// <summary>0.5 by symmetry.</summary>
    /// <param name="parameters">Empty.</param>
    /// <returns>0.5.</returns>
    public override double LowerPartialSecondMoment(ReadOnlySpan<double> parameters) => 0.5;

    /// <summary>Standard normal draw (Marsaglia polar method).</summary>
    internal static double StandardNormal(Random random)
    {
        double u, v, s;
        do
        {
            u = 2 * random.NextDouble() - 1;
            v = 2 * random.NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        return u * Math.Sqrt(-2 * Math.Log(s) / s);
    }
}
