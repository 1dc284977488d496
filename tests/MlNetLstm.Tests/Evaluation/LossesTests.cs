using MlNetLstm.Evaluation;

namespace MlNetLstm.Tests.Evaluation;

public class LossesTests
{
    private static readonly double[] F = [1.0, 2.0, 4.0];
    private static readonly double[] P = [2.0, 0.0, 5.0];

    [Fact]
    public void Mse_Mae_Qlike_MatchHandComputedValues()
    {
        // errors: 1, -2, 1 -> MSE = (1 + 4 + 1)/3 = 2, MAE = 4/3
        Losses.Mse(F, P).Should().BeApproximately(2.0, 1e-15);
        Losses.Mae(F, P).Should().BeApproximately(4.0 / 3.0, 1e-15);
        // QLIKE: (log1 + 2) + (log2 + 0) + (log4 + 5/4)
        double expected = (2.0 + Math.Log(2) + Math.Log(4) + 1.25) / 3.0;
        Losses.Qlike(F, P).Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void Qlike_IsDefinedForZeroProxy()
    {
        Losses.Pointwise(Loss.Qlike, 0.5, 0.0).Should().Be(Math.Log(0.5));
    }

    [Fact]
    public void Qlike_IsMinimisedAtTheTrueVariance()
    {
        // Proxies r² with r ~ N(0, 2): E[QLIKE(h)] = log h + 2/h, minimised at h = 2.
        var z = EvalTestData.Normals(20000, 11);
        var proxy = z.Select(v => 2.0 * v * v).ToArray();
        double Loss(double h) => Losses.Qlike(Enumerable.Repeat(h, proxy.Length).ToArray(), proxy);
        double best = double.NaN, bestLoss = double.PositiveInfinity;
        for (double h = 1.0; h <= 3.0001; h += 0.05)
        {
            double l = Loss(h);
            if (l < bestLoss) { bestLoss = l; best = h; }
        }
        best.Should().BeApproximately(2.0, 0.1);
        // Exactly: the sample minimiser is the mean proxy.
        double mean = proxy.Average();
        Loss(mean).Should().BeLessThan(Loss(mean * 1.01)).And.BeLessThan(Loss(mean * 0.99));
    }

    [Fact]
    public void Series_WritesPointwiseLosses()
    {
        var d = new double[3];
        Losses.Series(Loss.MeanSquaredError, F, P, d);
        d.Should().Equal(1.0, 4.0, 1.0);
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        FluentActions.Invoking(() => Losses.Mse([1.0, 2.0], [1.0])).Should().Throw<ArgumentException>().WithMessage("*same length*");
        FluentActions.Invoking(() => Losses.Qlike([1.0, 0.0], [1.0, 1.0])).Should().Throw<ArgumentException>().WithMessage("forecasts[1]*positive*");
        FluentActions.Invoking(() => Losses.Qlike([1.0, 1.0], [1.0, -1.0])).Should().Throw<ArgumentException>().WithMessage("proxy[1]*non-negative*");
        FluentActions.Invoking(() => Losses.Mae([1.0, double.NaN], [1.0, 1.0])).Should().Throw<ArgumentException>().WithMessage("forecasts[1] is NaN*");
        FluentActions.Invoking(() => Losses.Series(Loss.MeanSquaredError, F, P, new double[2])).Should().Throw<ArgumentException>().WithMessage("destination*");
        FluentActions.Invoking(() => Losses.Mse([], [])).Should().Throw<ArgumentException>();
    }
}
