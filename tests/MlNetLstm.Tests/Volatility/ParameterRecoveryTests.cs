using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;

namespace MlNetLstm.Tests.Volatility;

/// <summary>
/// Parameter recovery on long simulated paths: every process with Normal errors, and GARCH(1,1) with every
/// distribution. Each estimate must lie within 4.5 (Hessian) standard errors of the truth, and the standard errors
/// must be small enough for that to mean something.
/// </summary>
public class ParameterRecoveryTests
{
    private const int N = 12_000;

    /// <summary>Simulates r_t = mu + sqrt(h_t) z_t from a process given as a variance recursion.</summary>
    private static double[] Simulate(Func<double, double, double, double> nextVariance, double h0, double mu, Func<Random, double> z, int seed)
    {
        var rng = new Random(seed);
        var r = new double[N];
        double h = h0, e = 0, zPrev = 0;
        for (int t = -500; t < N; t++) // 500 burn-in steps
        {
            h = t == -500 ? h0 : nextVariance(h, e, zPrev);
            zPrev = z(rng);
            e = Math.Sqrt(h) * zPrev;
            if (t >= 0) r[t] = mu + e;
        }
        return r;
    }

    private static void Recovered(ArchFitResult fit, IReadOnlyDictionary<string, double> truth)
    {
        foreach (var (name, value) in truth)
        {
            double se = fit.StandardErrors[name];
            double.IsFinite(se).Should().BeTrue(name);
            se.Should().BeLessThan(0.25 * Math.Max(Math.Abs(value), 0.1), $"{name} should be well identified with {N} observations");
            Math.Abs(fit.Parameters[name] - value).Should().BeLessThan(4.5 * se, $"{name}: estimate {fit.Parameters[name]:G5}, truth {value}, se {se:G3}");
        }
    }

    private static double StdNormal(Random rng) => new Normal().Sample(rng, ReadOnlySpan<double>.Empty);

    [Fact]
    public void Garch_gjr_and_egarch_recover_their_parameters()
    {
        double[] g = Simulate((h, e, _) => 0.05 + 0.08 * e * e + 0.9 * h, 2.5, 0.03, StdNormal, 11);
        Recovered(Arch.Create(g, "constant", "garch", "normal").Fit(),
            new Dictionary<string, double> { ["mu"] = 0.03, ["omega"] = 0.05, ["alpha"] = 0.08, ["beta"] = 0.9 });

        double[] j = Simulate((h, e, _) => 0.05 + (0.04 + (e < 0 ? 0.1 : 0)) * e * e + 0.88 * h, 2.0, 0.0, StdNormal, 12);
        Recovered(Arch.Create(j, "constant", "gjr", "normal").Fit(),
            new Dictionary<string, double> { ["omega"] = 0.05, ["alpha"] = 0.04, ["gamma"] = 0.1, ["beta"] = 0.88 });

        double eAbs = Math.Sqrt(2 / Math.PI);
        double[] x = Simulate((h, _, z) => Math.Exp(-0.02 - 0.06 * z + 0.15 * (Math.Abs(z) - eAbs) + 0.95 * Math.Log(h)), 0.7, 0.0, StdNormal, 13);
        Recovered(Arch.Create(x, "constant", "egarch", "normal").Fit(),
            new Dictionary<string, double> { ["omega"] = -0.02, ["alpha"] = -0.06, ["gamma"] = 0.15, ["beta"] = 0.95 });
    }

    [Theory]
    [InlineData("t", 6.0, double.NaN)]
    [InlineData("skewt", 7.0, -0.3)]
    [InlineData("ged", 1.4, double.NaN)]
    public void Garch_recovers_every_distribution(string distribution, double shape, double skew)
    {
        ErrorDistribution dist = Arch.ParseDistribution(distribution);
        double[] theta = double.IsNaN(skew) ? [shape] : [shape, skew];
        double[] r = Simulate((h, e, _) => 0.05 + 0.08 * e * e + 0.9 * h, 2.5, 0.0, rng => dist.Sample(rng, theta), 20 + distribution.Length);
        var truth = new Dictionary<string, double> { ["omega"] = 0.05, ["alpha"] = 0.08, ["beta"] = 0.9, ["nu"] = shape };
        if (!double.IsNaN(skew)) truth["lambda"] = skew;
        ArchFitResult fit = Arch.Create(r, "constant", "garch", distribution).Fit();
        // nu of a fat-tailed t is weakly identified: allow its standard error to be a larger share of the value.
        foreach (var (name, value) in truth)
        {
            double se = fit.StandardErrors[name];
            Math.Abs(fit.Parameters[name] - value).Should().BeLessThan(4.5 * se, $"{distribution} {name}: estimate {fit.Parameters[name]:G5}, truth {value}, se {se:G3}");
            se.Should().BeLessThan(0.35 * Math.Max(Math.Abs(value), 0.05), name);
        }
    }

    [Fact]
    public void Bad_series_get_specific_errors()
    {
        double[] r = Simulate((h, e, _) => 0.05 + 0.08 * e * e + 0.9 * h, 2.5, 0.0, StdNormal, 30).Take(500).ToArray();
        r[17] = double.NaN;
        Action nan = () => Arch.Create(r).Fit();
        nan.Should().Throw<ArgumentException>().WithMessage("*index 17 is NaN*");
        Action constant = () => Arch.Create(Enumerable.Repeat(0.5, 500).ToArray()).Fit();
        constant.Should().Throw<ArgumentException>().WithMessage("*constant*");
        Action tooFew = () => Arch.Create(r.Take(10).ToArray()).Fit();
        tooFew.Should().Throw<ArgumentException>().WithMessage("*Too few observations*");
        Action unknown = () => Arch.Create(r, distribution: "cauchy");
        unknown.Should().Throw<ArgumentException>().WithMessage("*bad token 'cauchy'*not a known distribution*skewt*");
    }
}
