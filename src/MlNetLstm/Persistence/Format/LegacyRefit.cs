namespace MlNetLstm.Persistence.Format;

/// <summary>
/// Work bound for loading the legacy (version 1) HAR and SSA files, which stored the data and options instead of the fitted state
/// and can only be loaded by refitting. Before refitting, the loader estimates the refit's work from the stored options and sizes,
/// in units calibrated to about a nanosecond each on the reference machine (AMD EPYC, .NET 10), and refuses the file when it
/// exceeds <see cref="OperationsPerStoredValue"/> per value the file holds: loading stays linear in the file's size (at most
/// about a millisecond per stored value, 0.13 s per KB) whatever its options ask for. Every file the library wrote with default
/// or ordinary options is inside the bound (the committed version-1 fixtures use under a tenth of it); a caller who trusts a file
/// that exceeds it (for example an adaptive SSA forecaster with many online updates, or a direct HAR with a very long horizon)
/// loads it with <c>allowUnboundedLegacyRefit</c> and saves it again in layout 4, which loads without refitting.
/// </summary>
internal static class LegacyRefit
{
    /// <summary>Refit work allowed per stored value (calibrated units of about 1 ns: about a millisecond per value).</summary>
    public const double OperationsPerStoredValue = 1e6;

    /// <summary>Throws (naming <paramref name="entry"/> = <paramref name="value"/>) when <paramref name="operations"/> exceed the file's allowance.</summary>
    public static void Check(ArchiveReader r, string entry, object value, double operations, string what)
        => Check(r, entry, value, operations, what, r.Archive.Kind[(r.Archive.Kind.LastIndexOf('.') + 1)..]);

    private static void Check(ArchiveReader r, string entry, object value, double operations, string what, string kind)
    {
        double allowed = OperationsPerStoredValue * Math.Max(r.TotalElements, 1);
        if (!(operations <= allowed))
            throw r.Error(entry, $"= {value} {what} asks for a refit of about {operations:0.##E+0} operations, more than the {allowed:0.##E+0} this version-1 file's size allows; refusing to refit it. If you trust the file, load it with allowUnboundedLegacyRefit: true (ModelSerializer.Read{kind}(archive, true)) and save it again: layout version 4 stores the fitted state and loads without refitting.");
    }
}
