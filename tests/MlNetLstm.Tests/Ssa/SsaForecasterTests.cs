using MlNetLstm.Ssa;

namespace MlNetLstm.Tests.Ssa;

public class SsaForecasterTests
{
    private static double Clean(int t) => Math.Sin(2 * Math.PI * t / 12) + 0.5 * Math.Sin(2 * Math.PI * t / 7 + 1);

    private static double[] Noisy(int n, int seed, double noise = 0.5)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(t => 10 + 2 * Math.Sin(2 * Math.PI * t / 12) + noise * Gauss(rng)).ToArray();
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Period 12 for the first <paramref name="change"/> points, then period 8 (a structural change).</summary>
    private static double Changing(int t, int change = 200) => t < change ? 2 * Math.Sin(2 * Math.PI * t / 12) : 2 * Math.Sin(2 * Math.PI * t / 8 + 0.4);

    private static double Rmse(IReadOnlyList<double> f, Func<int, double> truth, int start)
        => Math.Sqrt(f.Select((v, h) => Math.Pow(v - truth(start + h), 2)).Average());

    [Fact]
    public void CleanSines_AreForecastExactly_WithAutomaticRank()
    {
        var y = Enumerable.Range(0, 200).Select(Clean).ToArray();
        var ssa = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 30 });
        ssa.Rank.Should().Be(4, "two sinusoids span a rank-4 subspace");
        var f = ssa.Forecast(48).Values;
        for (int h = 0; h < 48; h++) f[h].Should().BeApproximately(Clean(200 + h), 1e-8);
        ssa.ResidualStandardDeviation.Should().BeLessThan(1e-9);
    }

    [Fact]
    public void TrajectoryMatrix_IsHankel_AndReconstructionRecoversTheSignal()
    {
        double[] y = [1, 2, 3, 4, 5];
        var x = SsaForecaster.TrajectoryMatrix(y, 3);
        x.GetLength(0).Should().Be(3);
        x.GetLength(1).Should().Be(3);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) x[i, j].Should().Be(y[i + j]);

        var clean = Enumerable.Range(0, 200).Select(Clean).ToArray();
        var ssa = SsaForecaster.Fit(clean, new SsaOptions { WindowSize = 30 });
        var rec = ssa.Reconstruct(clean);
        for (int t = 0; t < clean.Length; t++) rec[t].Should().BeApproximately(clean[t], 1e-9);

        // On a noisy series the reconstruction is closer to the signal than the observations are.
        var rng = new Random(31);
        var signal = Enumerable.Range(0, 300).Select(t => 10 + 2 * Math.Sin(2 * Math.PI * t / 12)).ToArray();
        var noisy = signal.Select(v => v + 0.5 * Gauss(rng)).ToArray();
        var r3 = SsaForecaster.Fit(noisy, new SsaOptions { WindowSize = 24, Rank = 3 }).Reconstruct(noisy);
        double errRec = r3.Zip(signal, (a, b) => (a - b) * (a - b)).Average();
        double errObs = noisy.Zip(signal, (a, b) => (a - b) * (a - b)).Average();
        errRec.Should().BeLessThan(0.3 * errObs);
    }

    [Fact]
    public void Forecast_IsTheLinearRecurrenceAppliedToTheReconstructedTail()
    {
        var y = Noisy(250, 32);
        var ssa = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 16, Rank = 3 });
        var rec = ssa.Reconstruct(y);
        var coef = ssa.RecurrenceCoefficients;
        coef.Should().HaveCount(15);
        var state = rec[^15..].ToList();
        var f = ssa.Forecast(6).Values;
        for (int h = 0; h < 6; h++)
        {
            double next = 0;
            for (int j = 0; j < 15; j++) next += coef[j] * state[state.Count - 15 + j];
            f[h].Should().BeApproximately(next, 1e-9);
            state.Add(next);
        }
        ssa.Verticality.Should().BeInRange(0, 1);
        ssa.SingularValues.Should().HaveCount(16).And.BeInDescendingOrder();
    }

    [Fact]
    public void NoisySeasonalSeries_BeatsNaiveForecast()
    {
        var y = Noisy(400, 1);
        double ssaErr = 0, naiveErr = 0;
        int covered = 0, total = 0;
        for (int origin = 200; origin <= 380; origin += 12)
        {
            var ssa = SsaForecaster.Fit(y.AsSpan(0, origin), new SsaOptions { WindowSize = 24, Rank = 3, Horizon = 12 });
            var f = ssa.Forecast();
            f.Values.Should().HaveCount(12);
            for (int h = 0; h < 12 && origin + h < y.Length; h++)
            {
                ssaErr += Math.Pow(f.Values[h] - y[origin + h], 2);
                naiveErr += Math.Pow(y[origin - 1] - y[origin + h], 2);
                total++;
                if (y[origin + h] >= f.LowerBounds[h] && y[origin + h] <= f.UpperBounds[h]) covered++;
            }
        }
        ssaErr.Should().BeLessThan(0.5 * naiveErr);
        ((double)covered / total).Should().BeInRange(0.85, 1.0, "95% bounds should cover most outcomes");
    }

    [Fact]
    public void Bounds_WidenWithHorizon_AndScaleWithConfidenceLevel()
    {
        var y = Noisy(300, 2);
        var a = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 3, ConfidenceLevel = 0.8 }).Forecast(24);
        var b = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 3, ConfidenceLevel = 0.99 }).Forecast(24);
        var wa = a.UpperBounds.Zip(a.LowerBounds, (u, l) => u - l).ToArray();
        var wb = b.UpperBounds.Zip(b.LowerBounds, (u, l) => u - l).ToArray();
        wa.Should().BeInAscendingOrder();
        wa[0].Should().BeGreaterThan(0);
        b.Values.Should().Equal(a.Values);
        double ratio = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.995) / MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.9);
        for (int h = 0; h < 24; h++) wb[h].Should().BeApproximately(wa[h] * ratio, 1e-9 * wb[h]);
    }

    [Fact]
    public void OnlineUpdate_MatchesForecastFromFullHistory_AndTrainSizeFeeding()
    {
        var y = Noisy(320, 3);
        var options = new SsaOptions { WindowSize = 20, Rank = 3 };
        var fitted = SsaForecaster.Fit(y.AsSpan(0, 200), options);
        var engine = fitted.CreateEngine();
        for (int t = 200; t < 320; t++) engine.Update(y[t]);
        engine.ObservationCount.Should().Be(320);
        var online = engine.Forecast(10).Values;
        fitted.Forecast(y, 10).Values.Should().Equal(online);
        var fed = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 20, Rank = 3, TrainSize = 200 });
        fed.Forecast(10).Values.Should().Equal(online);
        engine.Snapshot().Forecast(10).Values.Should().Equal(online);
        // The original forecaster is unchanged by the engine.
        fitted.Forecast(10).Values.Should().Equal(SsaForecaster.Fit(y.AsSpan(0, 200), options).Forecast(10).Values);
    }

    [Fact]
    public void AdaptiveUpdate_MatchesRefitOnTheLastSeriesLengthPoints()
    {
        var y = Noisy(300, 4);
        var adaptive = new SsaOptions { WindowSize = 12, SeriesLength = 100, IsAdaptive = true, MaxRank = 5 };
        var engine = SsaForecaster.Fit(y.AsSpan(0, 200), adaptive).CreateEngine();
        for (int t = 200; t < 260; t++) engine.Update(y[t]);
        var refit = SsaForecaster.Fit(y.AsSpan(160, 100), new SsaOptions { WindowSize = 12, MaxRank = 5 });
        var a = engine.Forecast(8);
        var b = refit.Forecast(8);
        for (int h = 0; h < 8; h++)
        {
            a.Values[h].Should().BeApproximately(b.Values[h], 1e-9);
            a.UpperBounds[h].Should().BeApproximately(b.UpperBounds[h], 1e-9);
        }
    }

    [Fact]
    public void Option_WindowSize_ChangesForecast()
    {
        var y = Noisy(300, 5);
        var a = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 12, Rank = 3 }).Forecast(6).Values;
        var b = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 3 }).Forecast(6).Values;
        a.Zip(b, (u, v) => Math.Abs(u - v)).Max().Should().BeGreaterThan(1e-6);
    }

    [Fact]
    public void Option_Rank_ChangesForecast()
    {
        var y = Noisy(300, 6);
        var r1 = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 1 });
        var r3 = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 3 });
        r1.Rank.Should().Be(1);
        r3.Rank.Should().Be(3);
        // Rank 1 keeps only the level: the forecast is (nearly) flat; rank 3 keeps the seasonal swing.
        var f1 = r1.Forecast(12).Values;
        var f3 = r3.Forecast(12).Values;
        (f3.Max() - f3.Min()).Should().BeGreaterThan(3 * (f1.Max() - f1.Min()));
    }

    [Fact]
    public void Option_EnergyThreshold_AndMaxRank_ControlTheRank()
    {
        var y = Noisy(300, 7);
        var low = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, EnergyThreshold = 0.5 });
        var high = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, EnergyThreshold = 0.9999 });
        low.Rank.Should().Be(1, "the level alone holds more than half of the energy");
        high.Rank.Should().BeGreaterThan(3);
        var capped = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, EnergyThreshold = 0.9999, MaxRank = 2 });
        capped.Rank.Should().Be(2);
        capped.Forecast(5).Values.Should().NotEqual(high.Forecast(5).Values);
        var autoCapped = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, MaxRank = 1 });
        autoCapped.Rank.Should().Be(1);
        var fixedCapped = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 5, MaxRank = 3 });
        fixedCapped.Rank.Should().Be(3);
    }

    [Fact]
    public void Option_DiscountFactor_DownWeightsOldStructure()
    {
        var y = Enumerable.Range(0, 300).Select(t => Changing(t)).ToArray();
        var plain = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2 });
        var discounted = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2, DiscountFactor = 0.95 });
        double errPlain = Rmse(plain.Forecast(24).Values, t => Changing(t), 300);
        double errDisc = Rmse(discounted.Forecast(24).Values, t => Changing(t), 300);
        errDisc.Should().BeLessThan(0.2 * errPlain, "older period-12 data is discounted away");
        errDisc.Should().BeLessThan(0.1);
    }

    [Fact]
    public void Option_SeriesLength_UsesOnlyTheMostRecentObservations()
    {
        var y = Enumerable.Range(0, 300).Select(t => Changing(t)).ToArray();
        var all = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2 });
        var recent = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2, SeriesLength = 96 });
        recent.SeriesLength.Should().Be(96);
        double errAll = Rmse(all.Forecast(24).Values, t => Changing(t), 300);
        double errRecent = Rmse(recent.Forecast(24).Values, t => Changing(t), 300);
        errRecent.Should().BeLessThan(1e-6, "the last 96 points are a clean period-8 sine");
        errAll.Should().BeGreaterThan(0.1);
    }

    [Fact]
    public void Option_TrainSize_AndIsAdaptive_ControlWhatIsLearned()
    {
        var y = Enumerable.Range(0, 300).Select(t => Changing(t)).ToArray();
        // Train on the period-12 part only; the period-8 part arrives as online updates.
        var frozen = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2, TrainSize = 200, SeriesLength = 96 });
        var adaptive = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2, TrainSize = 200, SeriesLength = 96, IsAdaptive = true });
        frozen.ObservationCount.Should().Be(300);
        double errFrozen = Rmse(frozen.Forecast(24).Values, t => Changing(t), 300);
        double errAdaptive = Rmse(adaptive.Forecast(24).Values, t => Changing(t), 300);
        errAdaptive.Should().BeLessThan(1e-6, "the adaptive model re-estimated the period-8 recurrence");
        errFrozen.Should().BeGreaterThan(0.1, "the frozen model still uses the period-12 recurrence");

        var trainedOnAll = SsaForecaster.Fit(y, new SsaOptions { WindowSize = 24, Rank = 2, SeriesLength = 96 });
        Rmse(trainedOnAll.Forecast(24).Values, t => Changing(t), 300).Should().BeLessThan(1e-6, "TrainSize decides where estimation stops");
    }

    [Fact]
    public void Option_Horizon_SetsTheDefaultForecastLength()
    {
        var y = Noisy(200, 8);
        SsaForecaster.Fit(y, new SsaOptions { WindowSize = 12, Horizon = 7 }).Forecast().Values.Should().HaveCount(7);
        SsaForecaster.Fit(y, new SsaOptions { WindowSize = 12 }).Forecast().Values.Should().HaveCount(1);
    }

    [Theory]
    [InlineData(1e200)]
    [InlineData(1e-200)]
    [InlineData(-3.5)]
    public void Fit_IsScaleEquivariant_EvenAtExtremeMagnitudes(double scale)
    {
        var y = Noisy(200, 33);
        var options = new SsaOptions { WindowSize = 12, Rank = 4 };
        var baseFit = SsaForecaster.Fit(y, options);
        var scaled = SsaForecaster.Fit(y.Select(v => v * scale).ToArray(), options);
        scaled.Rank.Should().Be(baseFit.Rank);
        var f0 = baseFit.Forecast(6);
        var f1 = scaled.Forecast(6);
        for (int h = 0; h < 6; h++)
        {
            double.IsFinite(f1.Values[h]).Should().BeTrue();
            (f1.Values[h] / scale).Should().BeApproximately(f0.Values[h], 1e-9 * Math.Abs(f0.Values[h]));
            double w0 = f0.UpperBounds[h] - f0.LowerBounds[h], w1 = f1.UpperBounds[h] - f1.LowerBounds[h];
            (w1 / Math.Abs(scale)).Should().BeApproximately(w0, 1e-9 * w0);
        }
        (scaled.SingularValues[0] / Math.Abs(scale)).Should().BeApproximately(baseFit.SingularValues[0], 1e-9 * baseFit.SingularValues[0]);
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        var y = Noisy(100, 9);
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { WindowSize = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*WindowSize*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { WindowSize = 60 })).Should().Throw<ArgumentException>().WithMessage("*TrainSize*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { Rank = 10 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Rank*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { MaxRank = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxRank*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { DiscountFactor = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*DiscountFactor*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { ConfidenceLevel = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ConfidenceLevel*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { EnergyThreshold = 1.5 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*EnergyThreshold*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { SeriesLength = 5 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*SeriesLength*");
        FluentActions.Invoking(() => SsaForecaster.Fit(y, new SsaOptions { Horizon = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Horizon*");
        FluentActions.Invoking(() => SsaForecaster.Fit(new double[50])).Should().Throw<ArgumentException>().WithMessage("*zero*");
        var bad = (double[])y.Clone();
        bad[7] = double.PositiveInfinity;
        FluentActions.Invoking(() => SsaForecaster.Fit(bad)).Should().Throw<ArgumentException>().WithMessage("series[7]*");
        var ssa = SsaForecaster.Fit(y);
        FluentActions.Invoking(() => ssa.Forecast(y.AsSpan(0, 5), 1)).Should().Throw<ArgumentException>().WithMessage("history*");
        FluentActions.Invoking(() => ssa.CreateEngine().Update(double.NaN)).Should().Throw<ArgumentException>().WithMessage("x is NaN*");
    }
}
