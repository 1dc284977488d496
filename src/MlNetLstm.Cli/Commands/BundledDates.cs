namespace MlNetLstm.Cli.Commands;

/// <summary>
/// Dates for the bundled series, whose files carry only an observation number (tests/data/real/README.md). They are
/// reconstructed: observation i is placed on the trading-day calendar (weekdays; Saturdays too before June 1952, when the
/// NYSE still traded on them) by linear interpolation between anchors whose dates are documented: the first and last
/// observations, and for the S&amp;P 500 the unmistakable large moves (1929-10-28/29, 1933-03-15, 1987-10-19). Exchange
/// holidays are not modelled, so between anchors a date can be off by some weeks; anchors are exact.
/// </summary>
internal static class BundledDates
{
    /// <summary>Anchors of sp500dge.csv: (0-based row, date). Row 0 is 1928-01-03, the last row (17054) 1991-08-30 (Ding, Granger and Engle 1993).</summary>
    internal static readonly (int Index, DateTime Date)[] Sp500Anchors =
    [
        (0, new DateTime(1928, 1, 3)),
        (540, new DateTime(1929, 10, 28)),   // -13.2 % (log), Black Monday 1929
        (541, new DateTime(1929, 10, 29)),   // -10.7 %, Black Tuesday
        (1535, new DateTime(1933, 3, 15)),   // +15.4 %, the reopening after the bank holiday
        (16076, new DateTime(1987, 10, 19)), // -22.8 %, Black Monday 1987 (the series' largest move)
        (17054, new DateTime(1991, 8, 30)),
    ];

    /// <summary>Anchors of dem2gbp.csv: 3 Jan 1984 - 31 Dec 1991 (Bollerslev and Ghysels 1996).</summary>
    internal static readonly (int Index, DateTime Date)[] DemGbpAnchors =
    [
        (0, new DateTime(1984, 1, 3)),
        (1973, new DateTime(1991, 12, 31)),
    ];

    /// <summary>Dates of <paramref name="count"/> observations interpolated on the trading calendar between the anchors (strictly increasing).</summary>
    internal static DateTime[] Interpolate(int count, IReadOnlyList<(int Index, DateTime Date)> anchors)
    {
        if (anchors[0].Index != 0 || anchors[^1].Index != count - 1)
            throw new ArgumentException($"The anchors must cover rows 0..{count - 1}; the bundled file has changed.", nameof(count));
        var slots = new List<DateTime>();
        for (DateTime d = anchors[0].Date; d <= anchors[^1].Date; d = d.AddDays(1))
            if (IsTradingSlot(d)) slots.Add(d);
        var dates = new DateTime[count];
        for (int a = 0; a + 1 < anchors.Count; a++)
        {
            var (i0, d0) = anchors[a];
            var (i1, d1) = anchors[a + 1];
            int s0 = slots.BinarySearch(d0), s1 = slots.BinarySearch(d1);
            if (s0 < 0 || s1 < 0 || s1 - s0 < i1 - i0)
                throw new InvalidOperationException($"Anchor dates {d0:yyyy-MM-dd} and {d1:yyyy-MM-dd} leave fewer trading days than the {i1 - i0} rows between them.");
            for (int i = i0; i <= i1; i++)
                dates[i] = slots[s0 + (int)Math.Round((double)(s1 - s0) * (i - i0) / (i1 - i0))];
        }
        return dates;
    }

    /// <summary>Whether the anchors fix the date of row <paramref name="index"/> exactly.</summary>
    internal static bool IsAnchor(IReadOnlyList<(int Index, DateTime Date)> anchors, int index) => anchors.Any(a => a.Index == index);

    private static bool IsTradingSlot(DateTime d)
        => d.DayOfWeek is not DayOfWeek.Sunday && (d.DayOfWeek is not DayOfWeek.Saturday || d < new DateTime(1952, 6, 1));
}
