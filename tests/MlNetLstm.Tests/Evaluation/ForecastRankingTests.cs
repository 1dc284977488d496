using MlNetLstm.Evaluation;

namespace MlNetLstm.Tests.Evaluation;

public class ForecastRankingTests
{
    [Fact]
    public void Ranking_SortsByChosenLoss_AndTestsAgainstBestAndBenchmark()
    {
        var (r, v) = EvalTestData.Garch(3000, 9);
        var proxy = r.Select(x => x * x).ToArray();
        double mean = v.Average();
        var forecasts = new List<NamedForecast>
        {
            new("constant", Enumerable.Repeat(mean, r.Length).ToArray()),
            new("oracle", v),
            new("noisy", v.Select((x, i) => x * Math.Exp(0.5 * Math.Sin(i))).ToArray()),
        };
        var table = ForecastRanking.Build(forecasts, proxy, Loss.Qlike, benchmark: "constant");
        table.Best.Should().Be("oracle");
        table.Rows.Select(x => x.Rank).Should().Equal(1, 2, 3);
        table.Rows.Select(x => x.Qlike).Should().BeInAscendingOrder();
        table.Rows[0].VersusBest.Should().BeNull();
        table.Rows.Single(x => x.Name == "constant").VersusBest!.Statistic.Should().BeGreaterThan(2, "the oracle beats a constant forecast clearly");
        table.Rows.Single(x => x.Name == "constant").VersusBenchmark.Should().BeNull();
        table.Rows.Single(x => x.Name == "oracle").VersusBenchmark!.Statistic.Should().BeLessThan(-2);

        var byMse = ForecastRanking.Build(forecasts, proxy, Loss.MeanSquaredError);
        byMse.Rows.Select(x => x.Mse).Should().BeInAscendingOrder();
        byMse.RankingLoss.Should().Be(Loss.MeanSquaredError);
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        double[] p = [1, 2, 3, 4];
        FluentActions.Invoking(() => ForecastRanking.Build([new("a", p), new("a", p)], p)).Should().Throw<ArgumentException>().WithMessage("*Duplicate*");
        FluentActions.Invoking(() => ForecastRanking.Build([new("a", p)], p, benchmark: "zzz")).Should().Throw<ArgumentException>().WithMessage("*zzz*");
        FluentActions.Invoking(() => ForecastRanking.Build([new("a", [1.0, 2.0])], p)).Should().Throw<ArgumentException>().WithMessage("*same length*");
    }
}
