using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Estimation;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Tests.Volatility;

/// <summary>
/// The exact Hessian of the GARCH/GJR-Normal log-likelihood (LikelihoodEngine.GradientHessian) against central differences of the
/// analytic gradient (an independent code path: GarchRecursion.Gradient + LikelihoodEngine.Finish), and the one-pass
/// GARCH(1,1)/GJR(1,1,1) kernel against the general recursion.
/// </summary>
public class AnalyticHessianTests
{
    public static TheoryData<string> Models => new()
    {
        "constant-garch11", "zero-garch11", "constant-gjr111", "zero-gjr111", "ar1-garch11", "constant-garch21", "constant-gjr212", "constant-arch2",
    };

    private static (LikelihoodEngine Engine, double[] Theta) Build(string spec)
    {
        var y = GarchTestData.Dem2Gbp;
        var (model, theta) = spec switch
        {
            "constant-garch11" => (ArchModel.Create(y, new ConstantMean(), new Garch(), new Normal()), new[] { 0.01, 0.02, 0.12, 0.8 }),
            "zero-garch11" => (ArchModel.Create(y, new ZeroMean(), new Garch(), new Normal()), new[] { 0.02, 0.12, 0.8 }),
            "constant-gjr111" => (ArchModel.Create(y, new ConstantMean(), new GjrGarch(), new Normal()), new[] { -0.01, 0.02, 0.1, 0.05, 0.8 }),
            "zero-gjr111" => (ArchModel.Create(y, new ZeroMean(), new GjrGarch(), new Normal()), new[] { 0.02, 0.1, -0.04, 0.8 }),
            "ar1-garch11" => (ArchModel.Create(y, new ArMean(1), new Garch(), new Normal()), new[] { 0.01, 0.05, 0.02, 0.12, 0.8 }),
            "constant-garch21" => (ArchModel.Create(y, new ConstantMean(), new Garch(2, 1), new Normal()), new[] { 0.01, 0.02, 0.08, 0.05, 0.8 }),
            "constant-gjr212" => (ArchModel.Create(y, new ConstantMean(), new GjrGarch(2, 1, 2), new Normal()), new[] { 0.01, 0.02, 0.08, 0.03, 0.05, 0.4, 0.4 }),
            _ => (ArchModel.Create(y, new ConstantMean(), new Garch(2, 0), new Normal()), new[] { 0.01, 0.2, 0.2, 0.2 }),
        };
        return (model.CreateEngine(), theta);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Analytic_hessian_matches_central_differences_of_the_analytic_gradient(string spec)
    {
        var (engine, theta) = Build(spec);
        int k = theta.Length;
        engine.HasAnalyticHessian.Should().BeTrue();
        var g = new double[k];
        var h = new double[k * k];
        var scores = new double[engine.N * k];
        double ll = engine.GradientHessian(theta, g, h, scores);
        ll.Should().BeApproximately(engine.LogLikelihood(theta), 1e-9 * Math.Abs(ll));

        var gp = new double[k];
        var gm = new double[k];
        for (int j = 0; j < k; j++)
        {
            double step = 1e-6 * Math.Max(Math.Abs(theta[j]), 1e-2);
            var p = (double[])theta.Clone();
            p[j] = theta[j] + step;
            engine.Gradient(p, gp, scores);
            p[j] = theta[j] - step;
            engine.Gradient(p, gm, scores);
            for (int i = 0; i < k; i++)
            {
                double numeric = (gp[i] - gm[i]) / (2 * step);
                double scale = Math.Max(1, Math.Sqrt(Math.Abs(h[i * k + i] * h[j * k + j])));
                h[i * k + j].Should().BeApproximately(numeric, 1e-6 * scale, $"{spec}: d2 l / d {engine.Parameters[i].Name} d {engine.Parameters[j].Name}");
            }
        }

        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < i; j++)
            {
                h[i * k + j].Should().Be(h[j * k + i], "the Hessian is symmetric");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Gradient_from_the_hessian_pass_equals_the_analytic_gradient(string spec)
    {
        var (engine, theta) = Build(spec);
        int k = theta.Length;
        var g = new double[k];
        var h = new double[k * k];
        var g2 = new double[k];
        var scores = new double[engine.N * k];
        var scores2 = new double[engine.N * k];
        engine.GradientHessian(theta, g, h, scores);
        engine.Gradient(theta, g2, scores2);
        for (int i = 0; i < k; i++)
        {
            g[i].Should().BeApproximately(g2[i], 1e-9 * Math.Max(1, Math.Abs(g2[i])));
        }

        for (int i = 0; i < scores.Length; i++)
        {
            scores[i].Should().BeApproximately(scores2[i], 1e-10 * Math.Max(1, Math.Abs(scores2[i])));
        }
    }

    [Theory]
    [InlineData("constant-garch11")]
    [InlineData("zero-garch11")]
    [InlineData("constant-gjr111")]
    [InlineData("zero-gjr111")]
    public void One_pass_kernel_equals_the_general_recursion(string spec)
    {
        var (engine, theta) = Build(spec);
        int k = theta.Length;
        var g = new double[k];
        var h = new double[k * k];
        var g2 = new double[k];
        var h2 = new double[k * k];
        var scores = new double[engine.N * k];
        double fast = engine.GradientHessian(theta, g, h, scores);
        double general = engine.GeneralGradientHessian(theta, g2, h2, scores);
        fast.Should().BeApproximately(general, 1e-12 * Math.Abs(general));
        for (int i = 0; i < k * k; i++)
        {
            h[i].Should().BeApproximately(h2[i], 1e-10 * Math.Max(1, Math.Abs(h2[i])));
        }

        // The one-pass log-likelihood (one logarithm per 8 terms) against the per-term path.
        engine.LogLikelihood(theta).Should().BeApproximately(engine.Terms(theta, new double[engine.N]), 1e-12 * Math.Abs(general));
    }

    [Fact]
    public void Tiny_variances_outside_the_product_range_fall_back_to_the_per_term_path()
    {
        // Returns of order 1e-20 give variances of order 1e-40, below the range where a product of 8 of them is safe.
        var y = GarchTestData.Dem2Gbp.Select(v => v * 1e-20).ToArray();
        var engine = ArchModel.Create(y, new ConstantMean(), new Garch(), new Normal()).CreateEngine();
        var theta = new[] { 1e-22, 0.02e-40, 0.12, 0.8 };
        double ll = engine.LogLikelihood(theta);
        double.IsFinite(ll).Should().BeTrue();
        ll.Should().BeApproximately(engine.Terms(theta, new double[engine.N]), 1e-12 * Math.Abs(ll));
        var g = new double[4];
        var h = new double[16];
        engine.GradientHessian(theta, g, h, new double[engine.N * 4]).Should().BeApproximately(ll, 1e-12 * Math.Abs(ll));
    }

    [Fact]
    public void Infeasible_parameters_give_minus_infinity_and_a_cleared_gradient_and_hessian()
    {
        var (engine, _) = Build("constant-garch11");
        var g = new double[4];
        var h = new double[16];
        Array.Fill(g, 7.0);
        Array.Fill(h, 7.0);
        engine.GradientHessian(new[] { 0.0, 0.02, 0.5, 0.6 }, g, h, new double[engine.N * 4]).Should().Be(double.NegativeInfinity); // persistence 1.1
        g.Should().OnlyContain(v => v == 0);
        h.Should().OnlyContain(v => v == 0);
    }

    [Fact]
    public void Fit_on_dem2gbp_uses_the_exact_hessian_and_ends_at_a_zero_gradient()
    {
        var model = ArchModel.Create(GarchTestData.Dem2Gbp, new ConstantMean(), new Garch(), new Normal());
        var fit = model.Fit();
        fit.Convergence.Converged.Should().BeTrue(fit.Convergence.Message);
        fit.Convergence.Message.Should().Contain("analytic Hessian");
        var engine = model.CreateEngine();
        var theta = fit.Parameters.Values.ToArray();
        var g = new double[4];
        var h = new double[16];
        engine.GradientHessian(theta, g, h, new double[engine.N * 4]);
        g.Should().OnlyContain(v => Math.Abs(v) < 1e-3, "the gradient vanishes at the maximum");
    }
}
