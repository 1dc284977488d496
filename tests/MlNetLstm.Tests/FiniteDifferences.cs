namespace MlNetLstm.Tests;

/// <summary>Central finite differences in double precision, the oracle of every analytic-gradient test.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// Checks <paramref name="analytic"/>(k) against (L(θ + εe_k) - L(θ - εe_k)) / 2ε for every k, within
    /// <paramref name="absolute"/> + <paramref name="relative"/> · |fd| (θ is perturbed in place and restored). Returns how many
    /// coordinates have |fd| &gt; 1e-4, so callers can assert that the check was not vacuous.
    /// </summary>
    public static int Check(double[] theta, Func<double[], double> loss, Func<int, double> analytic, double absolute, double relative,
        Func<int, string> describe, double eps = 1e-6)
    {
        int nonZero = 0;
        for (int k = 0; k < theta.Length; k++)
        {
            double keep = theta[k];
            theta[k] = keep + eps; double up = loss(theta);
            theta[k] = keep - eps; double down = loss(theta);
            theta[k] = keep;
            double fd = (up - down) / (2 * eps), an = analytic(k);
            Math.Abs(an - fd).Should().BeLessThanOrEqualTo(absolute + relative * Math.Abs(fd), $"{describe(k)}: analytic {an} vs finite difference {fd}");
            if (Math.Abs(fd) > 1e-4) nonZero++;
        }
        return nonZero;
    }
}
