using MlNetLstm.Evaluation;
using MlNetLstm.Tests.Evaluation;
using MlNetLstm.Volatility;

namespace MlNetLstm.Tests.Volatility;

public class ValidationSelectedVarianceModelTests
{
    [Fact]
    public void Chooses_the_candidate_with_the_lowest_validation_qlike_and_refits_it_on_the_whole_window()
    {
        // Variance 1 for the first 400 returns, 4 for the last 100 (the validation part of a 500-return window).
        double[] z = EvalTestData.Normals(500, 3);
        double[] r = z.Select((x, t) => t < 400 ? x : 2 * x).ToArray();
        var low = new RecordingModel("low");
        var model = new ValidationSelectedVarianceModel("auto", [new ConstantModel("one", 1.0), new ConstantModel("four", 4.0), low]);
        model.ValidationLength(500).Should().Be(100);
        ValidationSelectedFit fit = model.FitSelected(r);
        // Independent QLIKE of the constant candidates on r[400, 500).
        double Q(double h) => r[400..].Average(x => Math.Log(h) + x * x / h);
        fit.ValidationQlike[0].Should().BeApproximately(Q(1.0), 1e-12);
        fit.ValidationQlike[1].Should().BeApproximately(Q(4.0), 1e-12);
        fit.ValidationQlike[1].Should().BeLessThan(fit.ValidationQlike[0], "the validation variance is 4");
        int argmin = Array.IndexOf(fit.ValidationQlike.ToArray(), fit.ValidationQlike.Min());
        fit.Selected.Should().Be(new[] { "one", "four", "low" }[argmin]);
        fit.SelectedIndex.Should().Be(argmin);
        // The recording candidate was fitted on r[0, 400) only and forecast from r[0, t) for t = 400..499: no look-ahead.
        low.FitWindows[0].Should().Equal(r[..400]);
        low.Histories.Select(h => h.Length).Should().Equal(Enumerable.Range(400, 100));
        fit.ForecastVariance(r, 2).Should().Equal(fit.Model.ForecastVariance(r, 2));
        // Refit on the whole window: with the recording model as the only candidate, its second fit is on all of r.
        var only = new RecordingModel("only");
        new ValidationSelectedVarianceModel("auto", [only]).FitSelected(r).Selected.Should().Be("only");
        only.FitWindows.Should().HaveCount(2);
        only.FitWindows[1].Should().Equal(r);
    }

    [Fact]
    public void Ties_go_to_the_first_candidate_and_invalid_candidates_are_never_chosen()
    {
        double[] r = EvalTestData.Normals(300, 4);
        var tie = new ValidationSelectedVarianceModel("auto", [new ConstantModel("a", 1.0), new ConstantModel("b", 1.0)]).FitSelected(r);
        tie.Selected.Should().Be("a");
        var bad = new ValidationSelectedVarianceModel("auto", [new ConstantModel("nan", double.NaN), new ConstantModel("neg", -1), new ConstantModel("ok", 9.0)]).FitSelected(r);
        bad.Selected.Should().Be("ok");
        bad.ValidationQlike[0].Should().Be(double.PositiveInfinity);
        bad.ValidationQlike[1].Should().Be(double.PositiveInfinity);
        FluentActions.Invoking(() => new ValidationSelectedVarianceModel("auto", [new ConstantModel("nan", double.NaN)]).Fit(r))
            .Should().Throw<InvalidOperationException>().WithMessage("Model 'auto': no candidate*");
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_argument_named()
    {
        FluentActions.Invoking(() => new ValidationSelectedVarianceModel("auto", []))
            .Should().Throw<ArgumentException>().WithParameterName("candidates");
        FluentActions.Invoking(() => new ValidationSelectedVarianceModel("auto", [new ConstantModel("a", 1), new ConstantModel("a", 2)]))
            .Should().Throw<ArgumentException>().WithMessage("*unique*");
        FluentActions.Invoking(() => new ValidationSelectedVarianceModel("auto", [new ConstantModel("a", 1)], 0.6))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("validationFraction");
        FluentActions.Invoking(() => new ValidationSelectedVarianceModel("auto", [new ConstantModel("a", 1)]).Fit(new double[30]))
            .Should().Throw<ArgumentException>().WithMessage("returns has 30 elements*40*");
    }
}
