using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Realized;

namespace MlNetLstm.MLNet.Tests;

public sealed class IntradayRow
{
    public DateTime Time { get; set; }
    public double Price { get; set; }
}

public sealed class IntradayOffsetRow
{
    public DateTimeOffset Stamp { get; set; }
    public float Price { get; set; }
}

public class RealizedDailyTests
{
    private static readonly SyntheticIntradayData Data = SyntheticIntraday.Generate(new SyntheticIntradayOptions { Days = 260, Seed = 3, HalfDayProbability = 0.03 });

    private static readonly IntradaySessionOptions Session = new()
    {
        TimeZone = "America/New_York", SessionOpen = new TimeSpan(9, 30, 0), SessionClose = new TimeSpan(16, 0, 0), MinimumReturns = 30, IncludeOvernight = true,
    };

    [Fact]
    public void Intraday_rows_become_daily_rows_with_the_core_returns_and_rv_and_the_rejected_days()
    {
        var ml = new MLContext(seed: 1);
        IDataView intraday = ml.Data.LoadFromEnumerable(Data.TimesUtc.Select((t, i) => new IntradayRow { Time = t, Price = Data.Prices[i] }));
        DailyRealizedResult daily = ml.Data.ComputeDailyRealizedVariance(intraday, "Time", "Price", "America/New_York", new TimeSpan(9, 30, 0), new TimeSpan(16, 0, 0),
            minimumReturns: 30, includeOvernight: true);
        IntradayDays core = IntradayDays.Build(Data.TimesUtc, Data.Prices, Session);
        daily.Days.GetColumn<double>(DailyRealizedResult.RealizedVarianceColumn).Should().Equal(core.Realized);
        daily.Days.GetColumn<double>(DailyRealizedResult.ReturnColumn).Should().Equal(core.Returns);
        daily.Days.GetColumn<int>(DailyRealizedResult.IntradayReturnsColumn).Should().Equal(core.IntradayCounts);
        daily.Days.GetColumn<DateTime>(DailyRealizedResult.DayColumn).Should().Equal(core.Days.Select(d => d.ToDateTime(TimeOnly.MinValue)));
        daily.Rejected.Should().HaveCount(Data.HalfDay.Skip(1).Count(h => h)).And.NotBeEmpty("3 % half days over 260 days");
        daily.Rule.Should().Contain("09:30-16:00 America/New_York");

        // DateTimeOffset times and Single prices, Options overload: the same days.
        IDataView offsets = ml.Data.LoadFromEnumerable(Data.TimesUtc.Select((t, i) => new IntradayOffsetRow { Stamp = new DateTimeOffset(t).ToOffset(TimeSpan.FromHours(-5)), Price = (float)Data.Prices[i] }));
        var viaOptions = ml.Data.ComputeDailyRealizedVariance(offsets, new DailyRealizedOptions { TimeColumnName = "Stamp", Session = Session });
        viaOptions.Days.GetColumn<DateTime>(DailyRealizedResult.DayColumn).Should().Equal(core.Days.Select(d => d.ToDateTime(TimeOnly.MinValue)));

        FluentActions.Invoking(() => ml.Data.ComputeDailyRealizedVariance(intraday, timeColumnName: "When")).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'When' not found*");
        FluentActions.Invoking(() => ml.Data.ComputeDailyRealizedVariance(intraday, timeColumnName: "Price")).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Price' is*DateTime*");
        FluentActions.Invoking(() => ml.Data.ComputeDailyRealizedVariance(intraday, timeZone: "Atlantis/Central")).Should().Throw<ArgumentException>().WithMessage("*Atlantis/Central*");
    }

    [Fact]
    public void The_rv_column_is_the_proxy_of_EvaluateVolatility_with_qlike_mse_and_dm_as_in_the_core()
    {
        var ml = new MLContext(seed: 1);
        IDataView intraday = ml.Data.LoadFromEnumerable(Data.TimesUtc.Select((t, i) => new IntradayRow { Time = t, Price = Data.Prices[i] }));
        DailyRealizedResult daily = ml.Data.ComputeDailyRealizedVariance(intraday, new DailyRealizedOptions { Session = Session });
        var pipeline = ml.Transforms.ComputeEwmaVariance("Ewma", DailyRealizedResult.ReturnColumn)
            .Append(ml.Forecasting.ForecastVolatilityByGarch("Garch", DailyRealizedResult.ReturnColumn));
        var model = pipeline.Fit(ml.Data.TakeRows(daily.Days, 150));
        IDataView scored = model.Transform(daily.Days);
        VolatilityMetrics q = ml.Forecasting.EvaluateVolatility(scored, DailyRealizedResult.RealizedVarianceColumn, "Garch", benchmarkColumnName: "Ewma");
        VolatilityMetrics m = ml.Forecasting.EvaluateVolatility(scored, DailyRealizedResult.RealizedVarianceColumn, "Garch", benchmarkColumnName: "Ewma", loss: Loss.MeanSquaredError);

        double[] g = scored.GetColumn<double>("Garch").ToArray(), e = scored.GetColumn<double>("Ewma").ToArray(), rv = daily.Core.Realized.ToArray();
        // Forecast at row t is for row t + 1.
        double[] f = g[..^1], b = e[..^1], p = rv[1..];
        q.Qlike.Should().BeApproximately(Losses.Qlike(f, p), 1e-12);
        q.Mse.Should().BeApproximately(Losses.Mse(f, p), 1e-20);
        q.DieboldMariano!.Statistic.Should().BeApproximately(DieboldMariano.Test(Loss.Qlike, f, b, p).Statistic, 1e-10);
        m.DieboldMariano!.Statistic.Should().BeApproximately(DieboldMariano.Test(Loss.MeanSquaredError, f, b, p).Statistic, 1e-10);
        q.Qlike.Should().NotBe(Losses.Qlike(f, daily.Core.Returns.Skip(1).Select(x => x * x).ToArray()), "the proxy is RV, not r²");
    }
}
