using System.Runtime.CompilerServices;
using MlNetLstm.Realized;

namespace MlNetLstm.Tests.Realized;

public class IntradayDaysTests
{
    private static DateTime Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    [Fact]
    public void Session_rule_time_zone_and_minimum_returns_group_days_and_report_the_failures()
    {
        // New York session 09:30-16:00 across the 2024-03-10 switch to daylight time: 14:30 UTC before, 13:30 UTC after.
        var times = new List<DateTime>();
        var prices = new List<double>();
        void Day(DateTime openUtc, int count, double start, double step)
        {
            for (int i = 0; i < count; i++) { times.Add(openUtc.AddMinutes(30 * i)); prices.Add(start * Math.Exp(step * i)); }
        }
        Day(Utc(2024, 3, 7, 14, 30), 14, 100, 0.001);   // Thu: 13 returns
        Day(Utc(2024, 3, 8, 14, 30), 14, 101, -0.002);  // Fri
        times.Add(Utc(2024, 3, 8, 23, 0)); prices.Add(50); // 18:00 New York: outside the session, left out
        Day(Utc(2024, 3, 11, 13, 30), 14, 102, 0.003);  // Mon, daylight time
        Day(Utc(2024, 3, 12, 13, 30), 3, 99, 0.01);     // Tue: a half day with 2 returns, rejected
        Day(Utc(2024, 3, 13, 13, 30), 14, 103, 0.001);  // Wed
        var o = new IntradaySessionOptions { TimeZone = "America/New_York", SessionOpen = new TimeSpan(9, 30, 0), SessionClose = new TimeSpan(16, 0, 0), MinimumReturns = 10 };
        IntradayDays days = IntradayDays.Build(times, prices, o);

        days.FirstDay.Should().Be(new DateOnly(2024, 3, 7));
        days.Days.Should().Equal(new DateOnly(2024, 3, 8), new DateOnly(2024, 3, 11), new DateOnly(2024, 3, 13));
        days.OutsideSession.Should().Be(1);
        days.Rejected.Should().ContainSingle().Which.Should().Be(new RejectedDay(new DateOnly(2024, 3, 12), 2, "2 intraday return(s), fewer than the minimum 10"));
        days.IntradayCounts.Should().Equal(13, 13, 13);
        double close7 = Math.Log(100) + 13 * 0.001, close8 = Math.Log(101) - 13 * 0.002, close11 = Math.Log(102) + 13 * 0.003;
        days.Returns[0].Should().BeApproximately(close8 - close7, 1e-12);
        days.Returns[2].Should().BeApproximately(Math.Log(103) + 13 * 0.001 - close11, 1e-12, "the return after a rejected day runs from the previous kept close");
        days.Overnight[1].Should().BeApproximately(Math.Log(102) - close8, 1e-12);
        days.Realized[1].Should().BeApproximately(13 * 0.003 * 0.003, 1e-12, "RV: the sum of the 13 squared intraday returns, overnight excluded");

        IntradayDays withOvernight = IntradayDays.Build(times, prices, o with { IncludeOvernight = true });
        withOvernight.Realized[1].Should().BeApproximately(13 * 0.003 * 0.003 + days.Overnight[1] * days.Overnight[1], 1e-12);
        o.Describe().Should().Contain("09:30-16:00 America/New_York").And.Contain("at least 10 intraday returns").And.Contain("overnight return excluded");

        // Read in UTC instead, the same clock times leave out every bar after 16:00 UTC.
        IntradayDays utc = IntradayDays.Build(times, prices, o with { TimeZone = "UTC", MinimumReturns = 1 });
        utc.OutsideSession.Should().BeGreaterThan(1, "the session is read in the stated time zone");
    }

    [Fact]
    public void A_session_that_wraps_midnight_assigns_the_evening_to_the_next_day()
    {
        // FX convention: days cut at 17:00 New York (22:00 UTC in winter).
        var times = Enumerable.Range(0, 96).Select(i => Utc(2024, 1, 8, 22, 30).AddMinutes(30 * i)).ToArray(); // Mon 17:30 NY .. Wed 17:00 NY
        var prices = times.Select((_, i) => 1.25 + 0.0001 * i).ToArray();
        var o = new IntradaySessionOptions { TimeZone = "America/New_York", SessionOpen = new TimeSpan(17, 0, 0), SessionClose = new TimeSpan(17, 0, 0), MinimumReturns = 40 };
        IntradayDays days = IntradayDays.Build(times, prices, o);
        days.FirstDay.Should().Be(new DateOnly(2024, 1, 9), "Monday 17:30 to Tuesday 17:00 New York is Tuesday's FX day");
        days.Days.Should().Equal(new DateOnly(2024, 1, 10));
        days.IntradayCounts.Should().Equal(47);
        days.OutsideSession.Should().Be(0);
    }

    [Fact]
    public void Bad_input_names_the_index_or_the_option()
    {
        var t = new[] { Utc(2024, 1, 2, 10, 0), Utc(2024, 1, 2, 9, 0) };
        FluentActions.Invoking(() => IntradayDays.Build(t, [1.0, 1.0])).Should().Throw<ArgumentException>().WithMessage("*timesUtc[1]*strictly increasing*");
        FluentActions.Invoking(() => IntradayDays.Build([Utc(2024, 1, 2, 9, 0)], [-1.0])).Should().Throw<ArgumentException>().WithMessage("*prices[0]*positive*");
        var times = Enumerable.Range(0, 10).Select(i => Utc(2024, 1, 2, 9, i)).ToArray();
        FluentActions.Invoking(() => IntradayDays.Build(times, Enumerable.Repeat(1.0, 10).ToArray())).Should().Throw<ArgumentException>()
            .WithMessage("*trading day(s) with at least 12 intraday returns*1 rejected*");
    }
}
