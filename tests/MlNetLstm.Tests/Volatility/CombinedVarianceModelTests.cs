using MlNetLstm.Cli.Commands;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility;

/// <summary>
/// <see cref="CombinedVarianceModel"/>: the geometric mean of its members' forecasts, step by step; seed ensembles of the
/// LSTM equal the combination of separately fitted seeds; bad members and bad forecasts are named.
/// </summary>
public class CombinedVarianceModelTests
{
    private static readonly double[] Dem = GarchTestData.Dem2Gbp;

    [Fact]
    public void Forecasts_are_the_geometric_mean_of_the_members_step_by_step()
    {
        IVarianceModel garch = ArchVarianceModel.Garch(), ewma = new EwmaVarianceModel(), slow = new EwmaVarianceModel(0.99, "ewma99");
        var combined = new CombinedVarianceModel("mix", [garch, ewma, slow]);
        CombinedVarianceForecaster fitted = combined.Fit(Dem.AsSpan(0, 1000));
        double[] a = garch.Fit(Dem.AsSpan(0, 1000)).ForecastVariance(Dem.AsSpan(0, 1200), 10);
        double[] b = ewma.Fit(Dem.AsSpan(0, 1000)).ForecastVariance(Dem.AsSpan(0, 1200), 10);
        double[] c = slow.Fit(Dem.AsSpan(0, 1000)).ForecastVariance(Dem.AsSpan(0, 1200), 10);
        double[] f = fitted.ForecastVariance(Dem.AsSpan(0, 1200), 10);
        for (int k = 0; k < 10; k++)
        {
            double expected = Math.Cbrt(a[k] * b[k] * c[k]);
            f[k].Should().BeApproximately(expected, 1e-13 * expected, $"step {k + 1}");
            f[k].Should().BeInRange(new[] { a[k], b[k], c[k] }.Min(), new[] { a[k], b[k], c[k] }.Max());
        }
        combined.Name.Should().Be("mix");
        combined.UsesExogenous.Should().BeFalse();
        fitted.Members.Should().HaveCount(3);
        new CombinedVarianceModel("one", [ewma]).Fit(Dem.AsSpan(0, 1000)).ForecastVariance(Dem.AsSpan(0, 1200), 3)
            .Should().Equal(b.Take(3), (x, y) => Math.Abs(x - y) <= 1e-14 * y, "a combination of one model is that model");
    }

    [Fact]
    public void A_seed_ensemble_combines_the_separately_fitted_seeds_and_keeps_the_models_name()
    {
        var o = new LstmVolatilityOptions { Epochs = 3, HiddenSize = 4, Seed = 5 };
        CombinedVarianceModel ensemble = LstmVolatilityModel.SeedEnsemble(o, 3);
        ensemble.Name.Should().Be("lstm-regime");
        ensemble.UsesExogenous.Should().BeTrue();
        ensemble.Members.Cast<LstmVolatilityModel>().Select(m => m.Options.Seed).Should().Equal(5, 6, 7);
        LstmVolatilityModel.SeedEnsemble(o with { RegimeAdaptive = false }, 2).Name.Should().Be("lstm");

        double[] r = GarchTestData.Sp500.AsSpan(0, 700).ToArray();
        double[] f = ensemble.Fit(r).ForecastVariance(r, 4);
        double[][] single = [.. Enumerable.Range(5, 3).Select(s => new LstmVolatilityModel(o with { Seed = s }).Fit(r).ForecastVariance(r, 4))];
        single[0].Should().NotEqual(single[1], "the seeds give different networks");
        for (int k = 0; k < 4; k++)
        {
            double expected = Math.Exp(single.Average(s => Math.Log(s[k])));
            f[k].Should().BeApproximately(expected, 1e-13 * expected);
        }
        ensemble.Fit(r).ForecastVariance(r, 4).Should().Equal(f, "same seeds, same result");
    }

    [Fact]
    public void Backtest_seeds_option_makes_the_lstms_seed_ensembles_under_their_names()
    {
        var models = BacktestModels.Create(["lstm-regime", "lstm", "garch"], 42, seeds: 3);
        models.Select(m => m.Name).Should().Equal("lstm-regime", "lstm", "garch");
        models.Take(2).Should().AllBeOfType<CombinedVarianceModel>();
        BacktestModels.Create(["lstm"], 42).Single().Should().BeOfType<LstmVolatilityModel>("one seed is the plain model");
        var stderr = new StringWriter();
        BacktestCommand.Run(new BacktestCommand.Settings { Seeds = 0 }, new StringWriter(), stderr).Should().Be(2);
        stderr.ToString().Should().Contain("--seeds");
    }

    [Fact]
    public void Bad_members_and_bad_member_forecasts_are_named()
    {
        FluentActions.Invoking(() => new CombinedVarianceModel("x", [])).Should().Throw<ArgumentException>().WithMessage("*at least one*");
        FluentActions.Invoking(() => new CombinedVarianceModel("x", [new EwmaVarianceModel(), null!])).Should().Throw<ArgumentException>().WithMessage("members[1] is null*");
        FluentActions.Invoking(() => new CombinedVarianceModel(" ", [new EwmaVarianceModel()])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => LstmVolatilityModel.SeedEnsemble(null, 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count");
        var broken = new CombinedVarianceModel("mix", [new EwmaVarianceModel(), new Constant(double.NaN)]).Fit(Dem.AsSpan(0, 100));
        FluentActions.Invoking(() => broken.ForecastVariance(Dem.AsSpan(0, 100), 2)).Should().Throw<InvalidOperationException>()
            .WithMessage("Member 1 ('constant') of 'mix' forecast a variance of NaN at step 1*");
        FluentActions.Invoking(() => broken.ForecastVariance(Dem.AsSpan(0, 100), 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("horizon");
    }

    private sealed class Constant(double value) : IVarianceModel, IFittedVarianceModel
    {
        public string Name => "constant";
        public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => this;
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => Enumerable.Repeat(value, horizon).ToArray();
    }
}
