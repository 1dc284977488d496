using MlNetLstm.Evaluation;
using MlNetLstm.Persistence;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Tests.Volatility;

public class ArchSpecificationTests
{
    private static readonly double[] Returns = GarchTestData.Dem2Gbp;

    [Theory]
    [InlineData("garch(2,1)", "constant:garch(2,1)-normal")]
    [InlineData("gjr(1,1,1)-t", "constant:gjr(1,1,1)-t")]
    [InlineData("egarch(1,1,1)-ged", "constant:egarch(1,1,1)-ged")]
    [InlineData("egarch", "constant:egarch(1,1,1)-normal")]
    [InlineData("garch(1,1,1)", "constant:gjr(1,1,1)-normal")]
    [InlineData("garch(2,0,1)", "constant:garch(2,1)-normal")]
    [InlineData("garch", "constant:garch(1,1)-normal")]
    [InlineData("ar(2):gjr(2,1,1)-skewt", "ar(2):gjr(2,1,1)-skewt")]
    [InlineData("ar1:garch", "ar(1):garch(1,1)-normal")]
    [InlineData(" ZERO : GARCH( 1 , 2 ) - T ", "zero:garch(1,2)-t")]
    [InlineData("ewma(0.97)", "constant:ewma(0.97)-normal")]
    [InlineData("constant:constant", "constant:constant-normal")]
    public void The_text_form_parses_to_the_parts_and_prints_canonically(string text, string canonical)
    {
        ArchSpecification spec = ArchSpecification.Parse(text);
        spec.ToString().Should().Be(canonical);
        ArchSpecification.Parse(canonical).ToString().Should().Be(canonical, "the canonical form reads back to itself");
    }

    [Fact]
    public void Parsed_parts_have_the_orders_and_constants_written()
    {
        ArchSpecification.Parse("garch(2,1)").Volatility.Should().BeOfType<Garch>().Which.Should().Match<Garch>(g => g.P == 2 && g.Q == 1);
        ArchSpecification.Parse("gjr(2,1,3)-t").Volatility.Should().BeOfType<GjrGarch>().Which.Should().Match<GjrGarch>(g => g.P == 2 && g.O == 1 && g.Q == 3);
        ArchSpecification.Parse("ewma(0.97)").Volatility.Should().BeOfType<Ewma>().Which.Lambda.Should().Be(0.97);
        ArchSpecification.Parse("ar(3):garch").Mean.Should().BeOfType<ArMean>().Which.Order.Should().Be(3);
        ArchSpecification.Parse("garch-skewt").Distribution.Should().BeOfType<SkewedStudentsT>();
        ArchSpecification.Parse("garch").Mean.Should().BeOfType<ConstantMean>();
        ArchSpecification.Parse("garch").Distribution.Should().BeOfType<Normal>();
    }

    [Theory]
    [InlineData("garh(1,1)", "*bad token 'garh(1,1)'*'garh' is not a known volatility process; known:*egarch*garch*gjr*")]
    [InlineData("garch(2,x)", "*bad token 'garch(2,x)'*setting 'x' is not a number*")]
    [InlineData("garch(0,1)", "*bad token 'garch(0,1)'*ARCH order p must be between 1 and 20*")]
    [InlineData("garch(1.5,1)", "*bad token 'garch(1.5,1)'*order p = 1.5 is not a whole number*")]
    [InlineData("garch(1)", "*bad token 'garch(1)'*1 setting(s) given; expected garch, garch(p,q) or garch(p,o,q)*")]
    [InlineData("egarch(2,1,1)", "*bad token 'egarch(2,1,1)'*(1, 1, 1) only*")]
    [InlineData("garch-t-ged", "*bad token 'ged'*more than one '-'*")]
    [InlineData("garch-cauchy", "*bad token 'cauchy'*'cauchy' is not a known distribution*")]
    [InlineData("ma(1):garch", "*bad token 'ma(1)'*'ma' is not a known mean model*")]
    [InlineData("garch(1,1", "*'(' without a closing ')'*")]
    [InlineData("zero:ar:garch", "*more than one ':'*")]
    [InlineData("garch-t(3)", "*bad token 't(3)'*'t' takes no settings*")]
    [InlineData("-t", "*the volatility process is missing*")]
    public void Bad_specifications_name_the_bad_token(string text, string message)
    {
        FluentActions.Invoking(() => ArchSpecification.Parse(text)).Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be("text");
        ArchSpecification.TryParse(text, out var spec, out string? error).Should().BeFalse();
        spec.Should().BeNull();
        error.Should().Contain(text.Trim().Length > 0 ? "bad token" : "empty");
        FluentActions.Invoking(() => ArchVarianceModel.Parse(text)).Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void The_engine_reaches_its_garch_fast_paths_through_capabilities_not_types()
    {
        double[] r = Returns.AsSpan(0, 600).ToArray();
        bool Hessian(string text) => ArchSpecification.Parse(text).Create(r).CreateEngine().HasAnalyticHessian;
        Hessian("garch").Should().BeTrue();
        Hessian("gjr(2,1,1)").Should().BeTrue();
        Hessian("ar(1):garch(2,1)").Should().BeTrue();
        Hessian("garch-t").Should().BeFalse("the exact Hessian is the Normal likelihood's");
        Hessian("egarch").Should().BeFalse();
        new Garch(1, 1).IsGarchOneOne.Should().BeTrue();
        new GjrGarch(1, 1, 1).IsGarchOneOne.Should().BeTrue();
        new Garch(2, 1).IsGarchOneOne.Should().BeFalse();
        new Egarch().UsesExpectedAbsoluteInnovation.Should().BeTrue();
        new Garch().UsesExpectedAbsoluteInnovation.Should().BeFalse();
        new Normal().IsStandardNormal.Should().BeTrue();
        new StudentsT().IsStandardNormal.Should().BeFalse();
        // The one-pass GARCH(1,1) likelihood equals the general per-term path.
        var engine = ArchSpecification.Parse("garch").Create(r).CreateEngine();
        double[] theta = [0.01, 0.02, 0.08, 0.9];
        engine.LogLikelihood(theta).Should().BeApproximately(engine.Terms(theta, new double[engine.N]), 1e-9 * Math.Abs(engine.LogLikelihood(theta)));
    }

    [Fact]
    public void An_empty_specification_is_refused()
    {
        FluentActions.Invoking(() => ArchSpecification.Parse("  ")).Should().Throw<ArgumentException>().WithMessage("*specification is empty*");
    }

    [Fact]
    public void The_existing_names_give_identical_models_and_numbers()
    {
        double[] train = Returns.AsSpan(0, 800).ToArray(), history = Returns.AsSpan(0, 900).ToArray();
        foreach ((ArchVarianceModel named, string text) in new[] { (ArchVarianceModel.Garch(), "garch"), (ArchVarianceModel.Gjr(), "gjr"), (ArchVarianceModel.Egarch(), "egarch") })
        {
            ArchVarianceModel parsed = ArchVarianceModel.Parse(text);
            parsed.Name.Should().Be(named.Name);
            parsed.Specification.ToString().Should().Be(named.Specification.ToString());
            ArchVarianceForecaster a = named.Fit(train), b = parsed.Fit(train);
            b.Fit.Values.Should().Equal(a.Fit.Values, text);
            b.ForecastVariance(history, 5).Should().Equal(a.ForecastVariance(history, 5), text);
        }

        // The name-based constructor, Arch.Create and the text form build the same model.
        var byNames = new ArchVarianceModel("x", "ar1", "gjr", "t");
        byNames.Specification.ToString().Should().Be("ar(1):gjr(1,1,1)-t");
        byNames.MeanName.Should().Be("ar1");
        Arch.Create(train, "ar1", "garch", "t").Fit().Values.Should().Equal(ArchSpecification.Parse("ar(1):garch(1,1)-t").Create(train).Fit().Values);
    }

    [Fact]
    public void A_garch_2_1_backtest_runs_end_to_end_and_equals_direct_fits_per_window()
    {
        double[] r = Returns.AsSpan(0, 1100).ToArray();
        var options = new WalkForwardOptions { TrainSize = 700, TestSize = 150, RefitEvery = 50, Horizon = 2, Threads = 2, Window = WalkForwardWindow.Rolling };
        WalkForwardReport report = WalkForward.Run(r, [ArchVarianceModel.Parse("garch(2,1)")], options);
        WalkForwardModelResult m = report["garch(2,1)"];
        m.Forecasts.Should().HaveCount(150);
        m.FallbackCount.Should().Be(0);
        // The same windows fitted directly through the engine: GARCH(2,1), constant mean, Normal errors.
        for (int b = 0; b < 3; b++)
        {
            int s = report.Origins[b * 50], start = s - 700;
            ArchFitResult fit = ArchModel.Create(r.AsSpan(start, 700), new ConstantMean(), new Garch(2, 1), new Normal()).Fit();
            fit.ParameterNames.Should().Equal("mu", "omega", "alpha[1]", "alpha[2]", "beta");
            fit.Convergence.Converged.Should().BeTrue(fit.Convergence.Message);
            for (int k = b * 50; k < (b + 1) * 50; k++)
            {
                int t = report.Origins[k];
                m.Forecasts[k].Should().Be(fit.Forecast(r.AsSpan(start, t - start), 2).ReturnVariance[1], $"origin {t}");
            }
        }
    }

    [Fact]
    public void Layout_5_stores_each_part_by_name_and_settings_and_older_layouts_still_load()
    {
        ArchFitResult fit = ArchSpecification.Parse("ar(1):gjr(2,1,1)-t").Create(Returns.AsSpan(0, 800)).FixedParameters([0.01, 0.02, 0.02, 0.03, 0.02, 0.05, 0.85, 8]);
        ModelArchive a = ModelSerializer.ToArchive(fit);
        a.KindVersion.Should().Be(ModelKinds.ArchFitVersion).And.Be(5);
        a["mean/name"].AsText().Should().Be("ar");
        a["mean/settings"].AsDoubles().Should().Equal(1);
        a["process/name"].AsText().Should().Be("gjr");
        a["process/settings"].AsDoubles().Should().Equal(2, 1, 1);
        a["distribution/name"].AsText().Should().Be("t");
        a["distribution/settings"].AsDoubles().Should().BeEmpty();
        StoredArchFit back = ModelSerializer.ReadArchFit(ModelFile.FromBytes(ModelFile.ToBytes(a)));
        back.Result.Values.Should().Equal(fit.Values);
        back.Result.Forecast(5).ReturnVariance.Should().Equal(fit.Forecast(5).ReturnVariance);

        // The committed layout-1 and layout-4 fixtures (PersistenceTestData) keep loading to the same model.
        foreach (string layout in new[] { "v1", "v4" })
        {
            StoredArchFit old = ModelSerializer.LoadArchFit(Path.Combine(MlNetLstm.Tests.Persistence.PersistenceTestData.File(layout), "garch.mlnl"));
            ModelArchive upgraded = ModelSerializer.ToArchive(old.Result);
            upgraded.KindVersion.Should().Be(5);
            StoredArchFit again = ModelSerializer.ReadArchFit(upgraded);
            again.Result.Values.Should().Equal(old.Result.Values, layout);
            again.Result.Forecast(10).ResidualVariance.Should().Equal(old.Result.Forecast(10).ResidualVariance, layout);
        }

        // A settings entry the part's factory refuses is named.
        var bad = new ModelArchiveBuilder(a.Kind, a.KindVersion);
        foreach (ArchiveEntry e in a.Entries)
        {
            if (e.Name == "process/settings") bad.Add(e.Name, new[] { 0.0, 1, 1 });
            else MlNetLstm.Tests.Persistence.PersistenceFixtures.Copy(bad, e, e.Name);
        }

        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(bad.Build())).Should().Throw<InvalidDataException>()
            .WithMessage("*stored model specification is invalid*ARCH order p must be between 1 and 20*");
    }
}
