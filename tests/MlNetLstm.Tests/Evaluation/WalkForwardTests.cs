using MlNetLstm.Evaluation;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility.Har;

namespace MlNetLstm.Tests.Evaluation;

public class WalkForwardTests
{
    private static double[] Returns(int n, int seed) => EvalTestData.Garch(n, seed).Returns;

    [Fact]
    public void RollingWindow_FitsAndForecastsOnlyOnPastData()
    {
        var r = Returns(200, 1);
        var model = new RecordingModel();
        var report = WalkForward.Run(r, [model], new WalkForwardOptions { TrainSize = 50, TestSize = 30, RefitEvery = 7 });

        report.Origins.Should().Equal(Enumerable.Range(50, 30));
        model.FitWindows.Should().HaveCount(5); // origins 50, 57, 64, 71, 78
        int[] refits = [50, 57, 64, 71, 78];
        for (int b = 0; b < refits.Length; b++)
            model.FitWindows[b].Should().Equal(r[(refits[b] - 50)..refits[b]]);
        model.Histories.Should().HaveCount(30);
        for (int k = 0; k < 30; k++)
        {
            int t = 50 + k, s = refits[k / 7];
            model.Histories[k].Should().Equal(r[(s - 50)..t], "the history starts at the fit window and stops before origin {0}", t);
        }
        report.Models[0].FitCount.Should().Be(5);
        report.Proxy.Should().Equal(r[50..80].Select(x => x * x));
    }

    [Fact]
    public void ExpandingWindow_StartsAtZero_AndHorizonShiftsTargets()
    {
        var r = Returns(120, 2);
        var model = new RecordingModel();
        var report = WalkForward.Run(r, [model], new WalkForwardOptions { TrainSize = 40, RefitEvery = 10, Window = WalkForwardWindow.Expanding, Horizon = 3 });
        int count = 120 - 40 - 3 + 1;
        report.Origins.Should().HaveCount(count);
        report.TargetIndices.Should().Equal(Enumerable.Range(42, count));
        model.FitWindows.Select(w => w.Length).Should().Equal(Enumerable.Range(0, (count + 9) / 10).Select(b => 40 + 10 * b));
        model.Histories.Last().Should().Equal(r[..(40 + count - 1)]);
        report.Proxy.Should().Equal(report.TargetIndices.Select(i => r[i] * r[i]));
    }

    [Fact]
    public void PerturbingTheFuture_LeavesEarlierForecastsBitIdentical()
    {
        var r = Returns(400, 3);
        IVarianceModel[] Models() => [new RecordingModel("rec"), new HarVarianceModel(), new SsaVarianceModel(), new HarVarianceModel(new HarOptions { Log = true }, "log-har")];
        var options = new WalkForwardOptions { TrainSize = 150, RefitEvery = 13, Horizon = 2 };
        var baseline = WalkForward.Run(r, Models(), options);
        foreach (int cut in new[] { 150, 201, 290 })
        {
            var p = (double[])r.Clone();
            var rng = new Random(cut);
            for (int i = cut; i < p.Length; i++) p[i] = 5 * EvalTestData.Normal(rng);
            var perturbed = WalkForward.Run(p, Models(), options);
            for (int j = 0; j < baseline.Models.Count; j++)
            {
                var a = baseline.Models[j].Forecasts;
                var b = perturbed.Models[j].Forecasts;
                bool anyDiff = false;
                for (int k = 0; k < a.Count; k++)
                {
                    if (baseline.Origins[k] <= cut) BitConverter.DoubleToInt64Bits(b[k]).Should().Be(BitConverter.DoubleToInt64Bits(a[k]), "origin {0} ≤ cut {1}", baseline.Origins[k], cut);
                    else anyDiff |= a[k] != b[k];
                }
                anyDiff.Should().BeTrue("later forecasts do see the perturbed data");
            }
        }
    }

    [Theory]
    [InlineData(WalkForwardWindow.Rolling)]
    [InlineData(WalkForwardWindow.Expanding)]
    public void Threads_DoNotChangeResults(WalkForwardWindow window)
    {
        var r = Returns(400, 4);
        IVarianceModel[] Models() => [new RecordingModel("a"), new ConstantModel("c", 0.9), new HarVarianceModel(), new SsaVarianceModel()];
        var a = WalkForward.Run(r, Models(), new WalkForwardOptions { TrainSize = 150, RefitEvery = 9, Window = window, Horizon = 2 });
        var b = WalkForward.Run(r, Models(), new WalkForwardOptions { TrainSize = 150, RefitEvery = 9, Window = window, Horizon = 2, Threads = 2 });
        for (int j = 0; j < a.Models.Count; j++)
        {
            b.Models[j].Forecasts.Should().Equal(a.Models[j].Forecasts);
            b.Models[j].Qlike.Should().Be(a.Models[j].Qlike);
            b.Models[j].VersusBest.Should().Be(a.Models[j].VersusBest);
        }
        b.BestModel.Should().Be(a.BestModel);
    }

    [Fact]
    public void Report_HasLossesRankingAndDmVersusBest()
    {
        var (r, v) = EvalTestData.Garch(1500, 5);
        var report = WalkForward.Run(r, [new ConstantModel("const", v.Average()), new RecordingModel("rec")],
            new WalkForwardOptions { TrainSize = 500, RefitEvery = 50, Benchmark = "const" });
        var best = report[report.BestModel];
        report.Models.Min(m => m.Qlike).Should().Be(best.Qlike);
        best.VersusBest.Should().BeNull();
        report.Models.Single(m => m.Name != best.Name).VersusBest.Should().NotBeNull();
        report["const"].MincerZarnowitz.Should().BeNull("constant forecasts do not identify the MZ slope");
        report["rec"].MincerZarnowitzRSquared.Should().BeInRange(0.0, 1.0);
        var f = report["rec"].Forecasts.ToArray();
        report["rec"].Mse.Should().Be(Losses.Mse(f, report.Proxy.ToArray()));
        report.Ranking.Rows.Single(x => x.Name == "rec").VersusBenchmark.Should().NotBeNull();
        report.Ranking.ToText().Should().Contain("const").And.Contain("rec");
    }

    [Fact]
    public void BacktestVar_UsesTargetReturnsAndForecasts()
    {
        var (r, v) = EvalTestData.Garch(2000, 12);
        var report = WalkForward.Run(r, [new HarVarianceModel(), new ConstantModel("const", v.Average())], new WalkForwardOptions { TrainSize = 500, RefitEvery = 50 });
        report.TargetReturns.Should().Equal(r[500..]);
        var har = report.BacktestVar("har", 0.05);
        har.Should().Be(VarBacktest.Run(r.AsSpan(500..), report["har"].Forecasts.ToArray(), 0.05));
        har.HitRate.Should().BeInRange(0.02, 0.08);
        FluentActions.Invoking(() => report.BacktestVar("nope", 0.05)).Should().Throw<KeyNotFoundException>().WithMessage("*nope*");
    }

    [Fact]
    public void HarAndSsa_BeatAConstantForecast_OnGarchData()
    {
        var (r, _) = EvalTestData.Garch(4000, 13, omega: 0.05, alpha: 0.1, beta: 0.85);
        var report = WalkForward.Run(r, [new ConstantModel("const", r[..1000].Average(x => x * x)), new HarVarianceModel(), new SsaVarianceModel()],
            new WalkForwardOptions { TrainSize = 1000, RefitEvery = 20, Benchmark = "const", Threads = 2 });
        report.BestModel.Should().Be("har");
        var har = report.Ranking.Rows.Single(x => x.Name == "har");
        har.VersusBenchmark!.Statistic.Should().BeNegative();
        har.VersusBenchmark.PValue.Should().BeLessThan(0.01, "HAR should beat the constant forecast significantly");
        report["har"].MincerZarnowitzRSquared.Should().BeGreaterThan(0.03);
        // The SSA adapter (a smoothed log-variance recurrence) is weaker: better than constant, not significantly so here.
        report["ssa"].Qlike.Should().BeLessThan(report["const"].Qlike);
        report["ssa"].MincerZarnowitzRSquared.Should().BeGreaterThan(0.02);
    }

    [Fact]
    public void CustomProxy_IsUsedForEvaluation()
    {
        var (r, v) = EvalTestData.Garch(300, 6);
        var report = WalkForward.Run(r, [new RecordingModel()], new WalkForwardOptions { TrainSize = 100, Proxy = v });
        report.Proxy.Should().Equal(v[100..]);
    }

    [Fact]
    public void Progress_IsReportedForEveryBlock()
    {
        var r = Returns(200, 7);
        var seen = new List<WalkForwardProgress>();
        var progress = new SyncProgress(seen);
        WalkForward.Run(r, [new RecordingModel("x"), new RecordingModel("y")], new WalkForwardOptions { TrainSize = 100, RefitEvery = 25 }, progress);
        seen.Should().HaveCount(8);
        seen.Select(p => p.CompletedBlocks).Should().BeEquivalentTo(Enumerable.Range(1, 8));
        seen.Should().OnlyContain(p => p.TotalBlocks == 8);
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        var r = Returns(100, 8);
        FluentActions.Invoking(() => WalkForward.Run(r, [new RecordingModel("a"), new RecordingModel("a")], new WalkForwardOptions { TrainSize = 50 }))
            .Should().Throw<ArgumentException>().WithMessage("*Duplicate model name 'a'*");
        FluentActions.Invoking(() => WalkForward.Run(r, [new RecordingModel()], new WalkForwardOptions { TrainSize = 99 }))
            .Should().Throw<ArgumentException>().WithMessage("*forecast origins*");
        FluentActions.Invoking(() => WalkForward.Run(r, [new RecordingModel()], new WalkForwardOptions { TrainSize = 50, RefitEvery = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*RefitEvery*");
        var bad = (double[])r.Clone();
        bad[3] = double.NaN;
        FluentActions.Invoking(() => WalkForward.Run(bad, [new RecordingModel()], new WalkForwardOptions { TrainSize = 50 }))
            .Should().Throw<ArgumentException>().WithMessage("returns[3] is NaN*");
        FluentActions.Invoking(() => WalkForward.Run(r, [new ConstantModel("neg", -1)], new WalkForwardOptions { TrainSize = 50 }))
            .Should().Throw<InvalidOperationException>().WithMessage("Model 'neg'*-1*origin 50*");
        FluentActions.Invoking(() => WalkForward.Run(r, [new ConstantModel("neg", double.NaN)], new WalkForwardOptions { TrainSize = 50, Threads = 2 }))
            .Should().Throw<InvalidOperationException>().WithMessage("Model 'neg'*NaN*");
        FluentActions.Invoking(() => WalkForward.Run(r, [new HarVarianceModel()], new WalkForwardOptions { TrainSize = 20 }))
            .Should().Throw<InvalidOperationException>().WithMessage("Model 'har' failed to fit on returns [0, 20) at origin 20: returns has 20 elements*")
            .WithInnerException<ArgumentException>();
    }

    [Fact]
    public void FallbackPolicy_ReplacesInvalidForecastsByTheHistoryEwma_AndCountsThemPerModel()
    {
        double[] r = Returns(300, 21);
        var options = new WalkForwardOptions { TrainSize = 100, RefitEvery = 7, InvalidForecasts = InvalidForecastPolicy.Fallback, Threads = 2 };
        // "flaky" is invalid (NaN, +inf, 0, negative) at every origin divisible by 5, valid (1.5) elsewhere.
        var report = WalkForward.Run(r, [new FlakyModel("flaky", r), new ConstantModel("const", 1.5)], options);
        WalkForwardModelResult flaky = report["flaky"], constant = report["const"];
        int[] expected = report.Origins.Where(t => t % 5 == 0).ToArray();
        expected.Should().HaveCount(40);
        flaky.FallbackOrigins.Should().Equal(expected);
        flaky.FallbackCount.Should().Be(40);
        constant.FallbackCount.Should().Be(0);
        for (int k = 0; k < report.Origins.Count; k++)
        {
            int t = report.Origins[k];
            double f = flaky.Forecasts[k];
            double.IsFinite(f).Should().BeTrue();
            f.Should().BePositive();
            if (t % 5 != 0) { f.Should().Be(1.5); continue; }
            // Independent EWMA of the history the model was given, r[s - 100, t) with s the block's refit origin, started at its mean square.
            int block = (k / 7) * 7, start = report.Origins[block] - 100;
            double[] hist = r[start..t];
            double v = hist.Average(x => x * x);
            foreach (double x in hist) v = 0.94 * v + 0.06 * x * x;
            f.Should().BeApproximately(v, 1e-13 * v); // summation order differs from the library's loop
        }
        report.Ranking.Rows.Should().OnlyContain(row => double.IsFinite(row.Qlike));
        // The default policy still throws on the same model.
        FluentActions.Invoking(() => WalkForward.Run(r, [new FlakyModel("flaky", r)], new WalkForwardOptions { TrainSize = 100, RefitEvery = 7 }))
            .Should().Throw<InvalidOperationException>().WithMessage("Model 'flaky'*origin 100*");
    }

    [Fact]
    public void FallbackVariance_IsFinitePositive_AndUsesOnlyTheHistory()
    {
        WalkForward.FallbackVariance([]).Should().Be(WalkForward.FallbackFloor);
        WalkForward.FallbackVariance([0.0, 0.0, 0.0]).Should().Be(WalkForward.FallbackFloor);
        // Two returns: v0 = (1 + 4) / 2 = 2.5; v1 = 0.94 * 2.5 + 0.06 * 1 = 2.41; v2 = 0.94 * 2.41 + 0.06 * 4 = 2.5054.
        WalkForward.FallbackVariance([1.0, -2.0]).Should().BeApproximately(2.5054, 1e-12);
    }

    /// <summary>
    /// Invalid (NaN, +inf, 0, -1 in turn) at origins divisible by 5, 1.5 elsewhere. The origin t is found from the history's last
    /// return r[t - 1] in the full series (the simulated returns are distinct).
    /// </summary>
    private sealed class FlakyModel(string name, double[] all) : IVarianceModel
    {
        private static readonly double[] Bad = [double.NaN, double.PositiveInfinity, 0.0, -1.0];

        public string Name { get; } = name;

        public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => new Fitted(all);

        private sealed class Fitted(double[] all) : IFittedVarianceModel
        {
            public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
            {
                int t = Array.IndexOf(all, history[^1]) + 1;
                return Enumerable.Repeat(t % 5 == 0 ? Bad[t / 5 % 4] : 1.5, horizon).ToArray();
            }
        }
    }

    private sealed class SyncProgress(List<WalkForwardProgress> sink) : IProgress<WalkForwardProgress>
    {
        public void Report(WalkForwardProgress value)
        {
            lock (sink) sink.Add(value);
        }
    }
}
