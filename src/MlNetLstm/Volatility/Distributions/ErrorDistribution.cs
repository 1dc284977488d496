using MathNet.Numerics;
using MathNet.Numerics.Integration;
using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Distributions;

/// <summary>
/// Distribution of the standardised innovations z_t = e_t / sqrt(h_t) of an ARCH-type model.
/// Every implementation has zero mean and unit variance, so h_t is the conditional variance of e_t.
/// The log-likelihood contribution of one observation is l_t = -0.5 log h_t + log f(z_t; theta_d).
/// <para>
/// To add a distribution (in this assembly or your own), derive from this class and implement <see cref="Name"/>,
/// <see cref="Parameters"/>, <see cref="StartingValues"/>, <see cref="IsFeasible"/>, <see cref="Evaluate"/> and
/// <see cref="Sample"/>; E|z| and E[z^2 1(z &lt; 0)] default to numerical integration of the density. To save fits of it or
/// name it in the text form, register it with <see cref="ArchComponents.RegisterDistribution{T}"/>.
/// </para>
/// Instances must be immutable and thread-safe.
/// </summary>
public abstract class ErrorDistribution
{
    /// <summary>Short name ("normal", "t", "skewt", "ged").</summary>
    public abstract string Name { get; }

    /// <summary>The shape parameters estimated with the model (empty for the normal distribution).</summary>
    public abstract IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>Number of shape parameters.</summary>
    public int ParameterCount => Parameters.Count;

    /// <summary>
    /// The fixed (not estimated) settings that rebuild this distribution through its registered factory
    /// (<see cref="ArchComponents.RegisterDistribution{T}"/>); default none (the built-in distributions have none).
    /// </summary>
    public virtual IReadOnlyList<double> Settings => Array.Empty<double>();

    /// <summary>Starting values for the shape parameters (length <see cref="ParameterCount"/>, feasible).</summary>
    /// <returns>The starting values.</returns>
    public abstract double[] StartingValues();

    /// <summary>True when <paramref name="parameters"/> satisfies the strict constraints of the distribution.</summary>
    /// <param name="parameters">Shape parameters, length <see cref="ParameterCount"/>.</param>
    public abstract bool IsFeasible(ReadOnlySpan<double> parameters);

    /// <summary>
    /// Evaluates log f(z_i; theta_d) for every element of z (length n), and, when the spans are not empty, d log f / dz
    /// (length n) and d log f / dtheta_d (row-major n x <see cref="ParameterCount"/>; <see cref="NumericalParameterGradient"/>
    /// fills it by central differences). The engine asks for the derivatives only when the process has an analytic gradient.
    /// </summary>
    /// <param name="z">Standardised residuals z_t = e_t / sqrt(h_t).</param>
    /// <param name="parameters">Shape parameters, length <see cref="ParameterCount"/>.</param>
    /// <param name="logf">Receives log f(z_t), length n.</param>
    /// <param name="dz">Receives d log f / dz, length n, or empty (not wanted).</param>
    /// <param name="dparameters">Receives d log f / dtheta_d, n x ParameterCount, or empty (not wanted).</param>
    public abstract void Evaluate(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> logf, Span<double> dz, Span<double> dparameters);

    /// <summary>Log density log f(z) of the standardised distribution.</summary>
    /// <param name="z">Point of evaluation.</param>
    /// <param name="parameters">Shape parameters, length <see cref="ParameterCount"/>.</param>
    /// <returns>log f(z).</returns>
    public double LogPdf(double z, ReadOnlySpan<double> parameters)
    {
        ValidateParameters(parameters);
        Span<double> zz = stackalloc double[1];
        Span<double> lf = stackalloc double[1];
        zz[0] = z;
        Evaluate(zz, parameters, lf, Span<double>.Empty, Span<double>.Empty);
        return lf[0];
    }

    /// <summary>Draws one standardised innovation.</summary>
    /// <param name="random">Random source (seeded by the caller for reproducibility).</param>
    /// <param name="parameters">Shape parameters, length <see cref="ParameterCount"/>.</param>
    /// <returns>A draw with mean 0 and variance 1.</returns>
    public abstract double Sample(Random random, ReadOnlySpan<double> parameters);

    /// <summary>E|z| (needed by EGARCH). The default integrates the density numerically.</summary>
    /// <param name="parameters">Shape parameters, length <see cref="ParameterCount"/>.</param>
    /// <returns>The first absolute moment.</returns>
    public virtual double ExpectedAbsoluteValue(ReadOnlySpan<double> parameters)
    {
        var p = parameters.ToArray();
        return Integrate(z => Math.Abs(z) * Math.Exp(LogPdf(z, p)));
    }

    /// <summary>
    /// E[z^2 1(z &lt; 0)], the share of the variance below zero (0.5 for symmetric distributions); used for
    /// GJR forecasts. The default integrates the density numerically.
    /// </summary>
    /// <param name="parameters">Shape parameters, length <see cref="ParameterCount"/>.</param>
    /// <returns>The lower partial second moment.</returns>
    public virtual double LowerPartialSecondMoment(ReadOnlySpan<double> parameters)
    {
        var p = parameters.ToArray();
        return DoubleExponentialTransformation.Integrate(z => z * z * Math.Exp(LogPdf(z, p)), -80, 0, 1e-12);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the parameters are not admissible.</summary>
    /// <param name="parameters">Shape parameters.</param>
    public void ValidateParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"Distribution '{Name}' expects {ParameterCount} parameter(s) but got {parameters.Length}.", nameof(parameters));
        }

        if (!IsFeasible(parameters))
        {
            throw new ArgumentException($"Parameters ({string.Join(", ", parameters.ToArray())}) are not admissible for distribution '{Name}'.", nameof(parameters));
        }
    }

    /// <summary>Integrates over the real line by splitting at zero (double-exponential quadrature).</summary>
    internal static double Integrate(Func<double, double> f)
        => DoubleExponentialTransformation.Integrate(f, -80, 0, 1e-12) + DoubleExponentialTransformation.Integrate(f, 0, 80, 1e-12);

    /// <summary>Fills the parameter-gradient block d log f / dtheta_d (row-major n x ParameterCount) by central differences of <see cref="Evaluate"/>.</summary>
    /// <param name="z">Standardised residuals, length n.</param>
    /// <param name="parameters">Shape parameters.</param>
    /// <param name="dparameters">Receives the derivatives, n x ParameterCount.</param>
    protected void NumericalParameterGradient(ReadOnlySpan<double> z, ReadOnlySpan<double> parameters, Span<double> dparameters)
    {
        int k = ParameterCount;
        int n = z.Length;
        var p = parameters.ToArray();
        var up = new double[n];
        var down = new double[n];
        for (int j = 0; j < k; j++)
        {
            double step = 1e-6 * Math.Max(Math.Abs(p[j]), 1.0);
            double orig = p[j];
            p[j] = orig + step;
            Evaluate(z, p, up, Span<double>.Empty, Span<double>.Empty);
            p[j] = orig - step;
            Evaluate(z, p, down, Span<double>.Empty, Span<double>.Empty);
            p[j] = orig;
            for (int i = 0; i < n; i++)
            {
                dparameters[i * k + j] = (up[i] - down[i]) / (2 * step);
            }
        }
    }

    /// <summary>
    /// True only for the built-in standard normal: with a GARCH/GJR process the engine then uses the exact Hessian (Newton) and
    /// the one-pass GARCH(1,1) loops. Not overridable outside this assembly.
    /// </summary>
    internal virtual bool IsStandardNormal => false;

    /// <summary>log Gamma, shared helper.</summary>
    internal static double LogGamma(double x) => SpecialFunctions.GammaLn(x);
}
