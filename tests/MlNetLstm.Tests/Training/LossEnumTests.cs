using MlNetLstm.Evaluation;
using MlNetLstm.Forecasting;
using MlNetLstm.Training;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// The one loss enum (<see cref="Loss"/>) and the [Obsolete] enums and properties it replaced: old code keeps compiling (with a
/// warning) and means the same loss; each user rejects a loss it cannot use, naming the property.
/// </summary>
public class LossEnumTests
{
#pragma warning disable CS0618 // the replaced enums and properties are what is tested
    [Fact]
    public void The_replaced_enums_convert_by_name_in_both_directions()
    {
        // Ordinals 0-2 equal the former LossKind's, so a layout-1 forecaster file (loss as an int) means the same loss.
        foreach (LossKind k in Enum.GetValues<LossKind>())
        {
            new TrainingOptions { Loss = k }.LossFunction.ToString().Should().Be(k.ToString());
            ((int)new TrainingOptions { Loss = k }.LossFunction).Should().Be((int)k);
            new LstmForecasterOptions { Loss = k }.LossFunction.ToString().Should().Be(k.ToString());
            new TrainingOptions { LossFunction = Enum.Parse<Loss>(k.ToString()) }.Loss.Should().Be(k);
        }
        foreach (VolatilityLoss v in Enum.GetValues<VolatilityLoss>())
        {
            new LstmVolatilityOptions { Loss = v }.LossFunction.ToString().Should().Be(v.ToString());
            new LstmVolatilityOptions { LossFunction = Enum.Parse<Loss>(v.ToString()) }.Loss.Should().Be(v);
        }
        LstmVolatilityOptions.DefaultLoss.ToString().Should().Be(LstmVolatilityOptions.DefaultLossFunction.ToString()).And.Be("Qlike");
        new WalkForwardOptions { RankBy = LossFunction.Mse }.RankingLoss.Should().Be(Loss.MeanSquaredError);
        new WalkForwardOptions { RankBy = LossFunction.Mae }.RankingLoss.Should().Be(Loss.MeanAbsoluteError);
        new WalkForwardOptions { RankBy = LossFunction.Qlike }.RankingLoss.Should().Be(Loss.Qlike);
        new WalkForwardOptions { RankingLoss = Loss.MeanAbsoluteError }.RankBy.Should().Be(LossFunction.Mae);
        // An old property cannot express a loss of another family: it reads as an undefined value, and printing never throws.
        Enum.IsDefined(new TrainingOptions { LossFunction = Loss.Qlike }.Loss).Should().BeFalse();
        Enum.IsDefined(new LstmVolatilityOptions { LossFunction = Loss.MeanSquaredError }.Loss).Should().BeFalse();
        Enum.IsDefined(new WalkForwardOptions { RankingLoss = Loss.GaussianNll }.RankBy).Should().BeFalse();
        new TrainingOptions { LossFunction = Loss.Qlike }.ToString().Should().Contain("LossFunction = Qlike");
    }

    [Fact]
    public void The_obsolete_overloads_give_the_same_numbers()
    {
        double[] f = [1, 2, 0.5, 3], g = [2, 1, 1, 1], p = [0.5, 4, 0, 2];
        DieboldMariano.Test(LossFunction.Qlike, f, g, p).Should().Be(DieboldMariano.Test(Loss.Qlike, f, g, p));
        DieboldMariano.Test(LossFunction.Mae, f, g, p).Should().Be(DieboldMariano.Test(Loss.MeanAbsoluteError, f, g, p));
        var named = new[] { new NamedForecast("f", f), new NamedForecast("g", g) };
        var old = ForecastRanking.Build(named, p, LossFunction.Mse);
        old.RankingLoss.Should().Be(Loss.MeanSquaredError);
        old.RankBy.Should().Be(LossFunction.Mse);
        old.Rows.Select(r => r.Name).Should().Equal(ForecastRanking.Build(named, p, Loss.MeanSquaredError).Rows.Select(r => r.Name));
    }
#pragma warning restore CS0618

    [Fact]
    public void Each_user_rejects_a_loss_it_cannot_use_naming_the_argument()
    {
        FluentActions.Invoking(() => new TrainingOptions { LossFunction = Loss.Qlike }.Validate()).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("LossFunction").WithMessage("*must be a network-training loss*");
        FluentActions.Invoking(() => Losses.Sum(Loss.MeanAbsoluteError, new float[2], new float[2], 1, 2, 1, default)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("kind").WithMessage("*MeanAbsoluteError is not a network-training loss*");
        FluentActions.Invoking(() => Losses.Pointwise(Loss.SoftmaxCrossEntropy, 1, 1)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("loss").WithMessage("*SoftmaxCrossEntropy is not a loss of a variance forecast*");
        FluentActions.Invoking(() => ForecastRanking.Build([new NamedForecast("f", [1.0])], [1.0], Loss.SoftmaxCrossEntropy)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("rankBy");
    }

    [Fact]
    public void Gaussian_nll_of_a_variance_forecast_is_half_of_log_two_pi_plus_qlike_and_ranks_as_qlike()
    {
        Losses.Pointwise(Loss.GaussianNll, 2, 3).Should().BeApproximately(0.5 * (Math.Log(2 * Math.PI) + Math.Log(2) + 1.5), 1e-15);
        FluentActions.Invoking(() => Losses.Pointwise(Loss.GaussianNll, 0, 1)).Should().Throw<ArgumentException>().WithMessage("forecast is 0; GaussianNll requires*");
        double[] f = [1, 2, 0.5, 3], g = [2, 1, 1, 1], p = [0.5, 4, 0, 2];
        var named = new[] { new NamedForecast("f", f), new NamedForecast("g", g) };
        ForecastRanking.Build(named, p, Loss.GaussianNll).Rows.Select(r => r.Name).Should().Equal(ForecastRanking.Build(named, p, Loss.Qlike).Rows.Select(r => r.Name));
        // DM on NLL = DM on QLIKE (the loss differential is halved, the statistic is scale-free).
        DieboldMariano.Test(Loss.GaussianNll, f, g, p).Statistic.Should().BeApproximately(DieboldMariano.Test(Loss.Qlike, f, g, p).Statistic, 1e-12);
    }
}
