using System.Globalization;

namespace MlNetLstm.Realized;

/// <summary>A simulated intraday price path with its true daily variances. Immutable.</summary>
public sealed class SyntheticIntradayData
{
    internal SyntheticIntradayData(DateTime[] times, double[] prices, DateOnly[] days, double[] iv, double[] jumps, double[] overnight, bool[] halfDay, SyntheticIntradayOptions options)
    {
        TimesUtc = times; Prices = prices; Days = days; IntegratedVariance = iv; JumpVariation = jumps; OvernightVariance = overnight; HalfDay = halfDay; Options = options;
    }

    /// <summary>Observation times in UTC.</summary>
    public IReadOnlyList<DateTime> TimesUtc { get; }
    /// <summary>Observed prices (with microstructure noise).</summary>
    public IReadOnlyList<double> Prices { get; }
    /// <summary>Trading dates, one per day.</summary>
    public IReadOnlyList<DateOnly> Days { get; }
    /// <summary>Integrated variance of the day's session ∫σ²(t)dt (the diffusive part, exact on the simulation grid).</summary>
    public IReadOnlyList<double> IntegratedVariance { get; }
    /// <summary>Sum of the squared jumps of the day's session (quadratic variation = IV + this).</summary>
    public IReadOnlyList<double> JumpVariation { get; }
    /// <summary>Variance of the overnight return that opens the day (its conditional variance, known to the simulator).</summary>
    public IReadOnlyList<double> OvernightVariance { get; }
    /// <summary>Whether the day was a half day (only its first hour traded).</summary>
    public IReadOnlyList<bool> HalfDay { get; }
    /// <summary>The options used.</summary>
    public SyntheticIntradayOptions Options { get; }

    /// <summary>Writes "time,price" CSV lines (ISO-8601 UTC times, prices with 6 decimals) after a header "time,price".</summary>
    public void WriteCsv(TextWriter writer)
    {
        writer.Write("time,price\n");
        for (int i = 0; i < Prices.Count; i++)
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{TimesUtc[i]:yyyy-MM-ddTHH:mm}Z,{Prices[i]:F6}\n"));
    }

    /// <summary>Writes the true daily variances: "day,integrated_variance,jump_variation,overnight_variance,half_day" (round-trip numbers).</summary>
    public void WriteTruthCsv(TextWriter writer)
    {
        writer.Write("day,integrated_variance,jump_variation,overnight_variance,half_day\n");
        for (int d = 0; d < Days.Count; d++)
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{Days[d]:yyyy-MM-dd},{IntegratedVariance[d]:R},{JumpVariation[d]:R},{OvernightVariance[d]:R},{(HalfDay[d] ? 1 : 0)}\n"));
    }
}
