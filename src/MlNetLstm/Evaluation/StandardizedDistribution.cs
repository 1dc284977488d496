namespace MlNetLstm.Evaluation;

/// <summary>A zero-mean, unit-variance distribution of standardised returns <c>z = (r - μ) / σ</c>.</summary>
public abstract class StandardizedDistribution
{
    /// <summary>Standard normal.</summary>
    public static StandardizedDistribution Normal { get; } = new NormalDistribution();

    /// <summary>Student t with ν &gt; 2 degrees of freedom, rescaled by <c>sqrt((ν - 2) / ν)</c> to unit variance.</summary>
    /// <param name="degreesOfFreedom">ν, greater than 2.</param>
    /// <returns>The distribution.</returns>
    public static StandardizedDistribution StudentT(double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 2) || !double.IsFinite(degreesOfFreedom))
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Degrees of freedom must be finite and greater than 2 for a unit-variance Student t.");
        return new StudentTDistribution(degreesOfFreedom);
    }

    /// <summary>Short description, e.g. "normal" or "t(5)".</summary>
    public abstract string Name { get; }

    /// <summary>Quantile function: the z with P(Z ≤ z) = p.</summary>
    /// <param name="p">Probability in (0, 1).</param>
    /// <returns>The quantile.</returns>
    public abstract double Quantile(double p);

    private sealed class NormalDistribution : StandardizedDistribution
    {
        public override string Name => "normal";

        public override double Quantile(double p)
        {
            CheckP(p);
            return MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p);
        }
    }

    private sealed class StudentTDistribution(double nu) : StandardizedDistribution
    {
        public override string Name => $"t({nu:G4})";

        public override double Quantile(double p)
        {
            CheckP(p);
            return MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, nu, p) * Math.Sqrt((nu - 2) / nu);
        }
    }

    private static void CheckP(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Probability must be in (0, 1).");
    }
}
