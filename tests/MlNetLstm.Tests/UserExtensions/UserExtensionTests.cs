using MlNetLstm.Persistence;
using MlNetLstm.Tests.Volatility;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace UserExtensions;

/// <summary>
/// A process, a distribution and a mean model written outside the library (UserParts.cs), fitted through the public engine
/// (<see cref="ArchModel"/>) and checked against the built-in parts and hand-written likelihood loops.
/// </summary>
public class UserExtensionTests
{
    private static readonly double[] Returns = GarchTestData.Dem2Gbp.Take(1200).ToArray();

    /// <summary>
    /// Simulates h_t = omega + a1 e_{t-1}^2 + a5 mean(e^2, 5 lags) + a22 mean(e^2, 22 lags) (a5 = a22 = 0: GARCH-free ARCH(1);
    /// with <paramref name="beta"/>: + beta h_{t-1}), e_t = sqrt(h_t) z_t, z_t from <paramref name="draw"/>; the first 500 values are dropped.
    /// </summary>
    private static double[] Simulate(int n, double omega, double a1, double a5, double a22, double beta, Func<Random, double> draw, int seed)
    {
        var rng = new Random(seed);
        var e = new List<double>();
        double h = omega / (1 - a1 - a5 - a22 - beta);
        for (int t = 0; t < n + 500; t++)
        {
            double E2(int back) => e.Count - back >= 0 ? e[e.Count - back] * e[e.Count - back] : omega / (1 - a1 - a5 - a22 - beta);
            if (t > 0) h = omega + a1 * E2(1) + a5 * Enumerable.Range(1, 5).Average(E2) + a22 * Enumerable.Range(1, 22).Average(E2) + beta * h;
            e.Add(Math.Sqrt(h) * draw(rng));
        }

        return e.Skip(500).ToArray();
    }

    /// <summary>Registers the user parts once (the registry is process-wide; registering the same type and name again is allowed).</summary>
    private static void Register()
    {
        ArchComponents.RegisterProcess("user_garch", s => s.Count == 0 ? new UserGarch() : throw new ArgumentException("user_garch takes no settings."));
        ArchComponents.RegisterProcess("user_harch", _ => new UserHarch());
        ArchComponents.RegisterDistribution("laplace", _ => new Laplace());
        ArchComponents.RegisterMean("user_constant", _ => new UserConstantMean());
    }

    /// <summary>LL = sum_t [-0.5 log h_t + log f(z_t)] with the backcast s0 = mean(e^2) and h from <paramref name="step"/>, written out.</summary>
    private static double HandLogLikelihood(double[] y, double mu, Func<List<double>, double, double> step, Func<double, double> logDensity)
    {
        double[] e = y.Select(v => v - mu).ToArray();
        double s0 = e.Average(v => v * v);
        var past = new List<double>();
        double ll = 0;
        foreach (double et in e)
        {
            double h = step(past, s0);
            ll += -0.5 * Math.Log(h) + logDensity(et / Math.Sqrt(h));
            past.Add(et);
        }

        return ll;
    }

    [Fact]
    public void A_user_garch_process_and_mean_fit_to_the_built_in_garch_estimates()
    {
        ArchFitResult builtIn = ArchModel.Create(Returns, new ConstantMean(), new Garch(1, 1), new Normal()).Fit();
        ArchModel userModel = ArchModel.Create(Returns, new UserConstantMean(), new UserGarch(), new Normal());
        // Same likelihood at the same point (the user parts compute the same recursion with their own code).
        userModel.LogLikelihood(builtIn.Values.ToArray()).Should().BeApproximately(builtIn.LogLikelihood, 1e-9 * Math.Abs(builtIn.LogLikelihood));
        // The engine fits the user parts by BFGS on central-difference scores (no analytic gradient) and reaches the same maximum.
        ArchFitResult user = userModel.Fit();
        user.Convergence.Converged.Should().BeTrue(user.Convergence.Message);
        user.ParameterNames.Should().Equal("mu", "omega", "alpha", "beta");
        user.LogLikelihood.Should().BeApproximately(builtIn.LogLikelihood, 1e-6);
        for (int i = 0; i < 4; i++)
            user.Values[i].Should().BeApproximately(builtIn.Values[i], 2e-3 * Math.Max(Math.Abs(builtIn.Values[i]), 1e-2), builtIn.ParameterNames[i]);
        user.Persistence.Should().BeApproximately(builtIn.Persistence!.Value, 1e-3);
        // Forecasts go through the user's NextVariance (simulated, no analytic forecast) and agree with the analytic GARCH ones.
        double[] simulated = user.Forecast(5, new ForecastOptions { Simulations = 4000 }).ResidualVariance.ToArray();
        double[] analytic = builtIn.Forecast(5).ResidualVariance.ToArray();
        simulated[0].Should().BeApproximately(user.Values[1] + user.Values[2] * Math.Pow(Returns[^1] - user.Values[0], 2) + user.Values[3] * user.ConditionalVariances[^1], 1e-12,
            "the one-step forecast is exact even when simulated");
        for (int k = 0; k < 5; k++) simulated[k].Should().BeApproximately(analytic[k], 0.02 * analytic[k]);
    }

    [Fact]
    public void A_laplace_distribution_gives_the_hand_written_likelihood_and_fits()
    {
        double b = 1 / Math.Sqrt(2);
        double LaplaceLog(double z) => -Math.Log(2 * b) - Math.Abs(z) / b;
        var laplace = new Laplace();
        double[] y = Simulate(2500, 0.05, 0.08, 0, 0, 0.88, rng => laplace.Sample(rng, []), 17);
        ArchModel model = ArchModel.Create(y, new ConstantMean(), new Garch(1, 1), laplace);
        double[] theta = [0.01, 0.02, 0.08, 0.88];
        // GARCH(1,1) with h_1 = omega + (alpha + beta) s0, s0 = mean((y - mu)^2), written out.
        double hPrev = 0, ll = 0, s = y.Select(v => v - theta[0]).Average(v => v * v);
        for (int t = 0; t < y.Length; t++)
        {
            double h = t == 0 ? theta[1] + (theta[2] + theta[3]) * s : theta[1] + theta[2] * Math.Pow(y[t - 1] - theta[0], 2) + theta[3] * hPrev;
            ll += -0.5 * Math.Log(h) + LaplaceLog((y[t] - theta[0]) / Math.Sqrt(h));
            hPrev = h;
        }

        model.LogLikelihood(theta).Should().BeApproximately(ll, 1e-9 * Math.Abs(ll));
        // The analytic gradient of the built-in GARCH goes through the user's d log f / dz.
        double[] analytic = model.Gradient(theta), numeric = model.NumericalGradient(theta);
        for (int i = 0; i < 4; i++) analytic[i].Should().BeApproximately(numeric[i], 1e-4 * Math.Max(1, Math.Abs(numeric[i])));

        ArchFitResult fit = model.Fit();
        fit.Convergence.Converged.Should().BeTrue(fit.Convergence.Message);
        fit.LogLikelihood.Should().BeGreaterThan(model.LogLikelihood(theta));
        // The simulated GARCH(1,1) parameters are recovered (2500 draws: within about three standard errors).
        fit.Values[2].Should().BeApproximately(0.08, 3 * fit.StandardErrors["alpha"] + 0.01);
        fit.Values[3].Should().BeApproximately(0.88, 3 * fit.StandardErrors["beta"] + 0.01);
        // The data are Laplace: the Laplace likelihood beats the Normal one at the respective maxima.
        fit.LogLikelihood.Should().BeGreaterThan(ArchModel.Create(y, new ConstantMean(), new Garch(1, 1), new Normal()).Fit().LogLikelihood);
    }

    [Fact]
    public void A_harch_like_process_fits_and_its_likelihood_is_the_hand_written_recursion()
    {
        var normal = new Normal();
        double[] y = Simulate(3000, 0.1, 0.2, 0.3, 0.3, 0, rng => normal.Sample(rng, []), 5);
        ArchModel model = ArchModel.Create(y, new ZeroMean(), new UserHarch(), new Normal());
        ArchFitResult fit = model.Fit();
        fit.Convergence.Converged.Should().BeTrue(fit.Convergence.Message);
        double[] p = fit.Values.ToArray(); // omega, a1, a5, a22
        double hand = HandLogLikelihood(y, 0, (e, s0) =>
        {
            double E2(int back) => e.Count - back >= 0 ? e[e.Count - back] * e[e.Count - back] : s0;
            double m5 = Enumerable.Range(1, 5).Sum(E2) / 5, m22 = Enumerable.Range(1, 22).Sum(E2) / 22;
            return p[0] + p[1] * E2(1) + p[2] * m5 + p[3] * m22;
        }, z => -0.5 * Math.Log(2 * Math.PI) - 0.5 * z * z);
        fit.LogLikelihood.Should().BeApproximately(hand, 1e-9 * Math.Abs(hand));
        fit.StandardErrorsAvailable.Should().BeTrue();
        // The simulated coefficients are recovered within about three standard errors.
        double[] truth = [0.1, 0.2, 0.3, 0.3];
        string[] names = ["omega", "a1", "a5", "a22"];
        for (int i = 0; i < 4; i++) p[i].Should().BeApproximately(truth[i], 3 * fit.StandardErrors[names[i]] + 0.02, names[i]);
    }

    [Fact]
    public void Registered_user_parts_are_parsed_saved_and_loaded_to_the_same_model()
    {
        Register();
        ArchSpecification spec = ArchSpecification.Parse("user_constant:user_garch-laplace");
        spec.Mean.Should().BeOfType<UserConstantMean>();
        spec.Volatility.Should().BeOfType<UserGarch>();
        spec.Distribution.Should().BeOfType<Laplace>();
        spec.ToString().Should().Be("user_constant:user_garch-laplace");
        ArchFitResult fit = spec.Create(Returns).FixedParameters([0.01, 0.02, 0.08, 0.88]);
        StoredArchFit back = ModelSerializer.ReadArchFit(ModelFile.FromBytes(ModelFile.ToBytes(ModelSerializer.ToArchive(fit))));
        back.Result.Model.Volatility.Should().BeOfType<UserGarch>();
        back.Result.Model.Distribution.Should().BeOfType<Laplace>();
        back.Result.Values.Should().Equal(fit.Values);
        back.Result.LogLikelihood.Should().Be(fit.LogLikelihood);
        back.Result.Forecast(3, new ForecastOptions { Simulations = 200 }).ResidualVariance.Should().Equal(fit.Forecast(3, new ForecastOptions { Simulations = 200 }).ResidualVariance);
        // Backtests take the registered user process by its text form.
        var adapter = ArchVarianceModel.Parse("user_garch-laplace");
        adapter.Specification.Volatility.Should().BeOfType<UserGarch>();
        adapter.Name.Should().Be("user_garch-laplace");
        // A file naming a process this program has not registered is refused with the name.
        ModelArchive archive = ModelSerializer.ToArchive(fit);
        var b = new ModelArchiveBuilder(archive.Kind, archive.KindVersion);
        foreach (ArchiveEntry e in archive.Entries)
        {
            if (e.Name == "process/name") b.AddText(e.Name, "someone_elses_garch");
            else MlNetLstm.Tests.Persistence.PersistenceFixtures.Copy(b, e, e.Name);
        }

        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(b.Build())).Should().Throw<InvalidDataException>()
            .WithMessage("*'someone_elses_garch' is not a known volatility process*user_garch*ArchComponents.RegisterProcess*");
    }

    [Fact]
    public void Unregistered_user_parts_are_refused_when_saved_with_their_type_name()
    {
        ArchFitResult fit = ArchModel.Create(Returns, new ConstantMean(), new UnregisteredProcess(), new Normal()).Fit();
        fit.Convergence.Converged.Should().BeTrue();
        fit.Values[1].Should().BeApproximately(Returns.Select(v => v - fit.Values[0]).Average(v => v * v), 1e-6, "the constant-variance MLE is the mean square residual");
        FluentActions.Invoking(() => ModelSerializer.ToArchive(fit)).Should().Throw<NotSupportedException>()
            .WithMessage("*UserExtensions.UnregisteredProcess is not registered*ArchComponents.RegisterProcess*");
        new ArchSpecification(new ConstantMean(), new UnregisteredProcess(), new Normal()).ToString().Should().Be("constant:unregistered-normal");
    }

    [Fact]
    public void Registration_refuses_taken_names_and_malformed_names()
    {
        FluentActions.Invoking(() => ArchComponents.RegisterProcess("garch", _ => new UserGarch())).Should().Throw<ArgumentException>()
            .WithMessage("*'garch' is already registered for MlNetLstm.Volatility.Processes.Garch*");
        FluentActions.Invoking(() => ArchComponents.RegisterProcess("My-Garch", _ => new UserGarch())).Should().Throw<ArgumentException>()
            .WithMessage("*'My-Garch' must start with a lower-case letter*");
        FluentActions.Invoking(() => ArchComponents.RegisterDistribution("t", _ => new Laplace())).Should().Throw<ArgumentException>()
            .WithMessage("*'t' is already registered for MlNetLstm.Volatility.Distributions.StudentsT*");
    }
}
