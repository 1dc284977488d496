using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Ssa;

// Model-file reader and writer of SsaForecaster (kind "MlNetLstm.SsaForecaster"; layout in src/MlNetLstm/Persistence/FORMAT.md).
public sealed partial class SsaForecaster
{
    /// <summary>Model-file kind.</summary>
    internal const string ArchiveKind = "MlNetLstm.SsaForecaster";

    /// <summary>Layout version written: 4, which stores the subspace, recurrence and observation buffer (version 1 stored the series and refitted).</summary>
    internal const int ArchiveVersion = ArchiveReader.CurrentLayoutVersion;

    /// <summary>The forecaster as an archive: options, the observation buffer and counters, and the estimated subspace.</summary>
    internal ModelArchive ToArchive()
    {
        SsaOptions o = Options;
        SsaSubspace sub = Subspace;
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        WriteOptions(b, o);
        b.AddScalar("state/series_length", SeriesLength);
        b.AddScalar("state/observation_count", ObservationCount);
        b.Add("state/buffer", _buffer);
        b.AddScalar("subspace/rank", sub.Rank);
        b.Add("subspace/eigenvalues", sub.Eigenvalues);
        b.AddScalar("subspace/scale", sub.Scale);
        b.Add("subspace/basis", sub.Basis, sub.WindowSize, sub.Rank);
        b.Add("subspace/recurrence", sub.Recurrence);
        b.AddScalar("subspace/verticality", sub.Verticality);
        b.AddScalar("subspace/residual_std", sub.ResidualStdDev);
        return b.Build();
    }

    internal static void WriteOptions(ModelArchiveBuilder b, SsaOptions o)
    {
        b.AddScalar("options/window_size", o.WindowSize);
        b.Add("options/series_length", Optional(o.SeriesLength));
        b.Add("options/train_size", Optional(o.TrainSize));
        b.AddScalar("options/horizon", o.Horizon);
        b.AddScalar("options/confidence_level", o.ConfidenceLevel);
        b.Add("options/rank", Optional(o.Rank));
        b.Add("options/max_rank", Optional(o.MaxRank));
        b.Add("options/energy_threshold", o.EnergyThreshold is double e ? [e] : Array.Empty<double>());
        b.AddScalar("options/discount_factor", o.DiscountFactor);
        b.AddScalar("options/adaptive", o.IsAdaptive ? 1 : 0);
    }

    private static int[] Optional(int? v) => v is int x ? [x] : [];

    private static int? OptionalInt(ArchiveReader r, string name)
    {
        int[] v = r.Ints(name);
        return v.Length switch { 0 => null, 1 => v[0], _ => throw r.Error(name, "must hold at most one value.") };
    }

    private static SsaOptions ReadOptions(ArchiveReader r, int maxWindow)
    {
        ArchiveReader s = r.Sub("options/");
        double[] energy = s.Doubles("energy_threshold");
        if (energy.Length > 1) throw s.Error("energy_threshold", "must hold at most one value.");
        var o = new SsaOptions
        {
            WindowSize = s.Int("window_size", 2, maxWindow), SeriesLength = OptionalInt(s, "series_length"), TrainSize = OptionalInt(s, "train_size"),
            Horizon = s.Int("horizon", 1, 1 << 20), ConfidenceLevel = s.Real("confidence_level"), Rank = OptionalInt(s, "rank"),
            MaxRank = OptionalInt(s, "max_rank"), EnergyThreshold = energy.Length == 1 ? energy[0] : null,
            DiscountFactor = s.Real("discount_factor"), IsAdaptive = s.Bool("adaptive"),
        };
        return o;
    }

    /// <summary>Reads a forecaster of layout version 1 or 4 (see <see cref="Persistence.ModelSerializer.ReadSsaForecaster(ModelArchive)"/>).</summary>
    internal static SsaForecaster FromArchive(ModelArchive archive, bool allowUnboundedLegacyRefit = false)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, ArchiveVersion);
        return version == 1 ? FromLegacyArchive(archive, allowUnboundedLegacyRefit) : FromStoredState(archive);
    }

    private static SsaForecaster FromStoredState(ModelArchive archive)
    {
        var r = new ArchiveReader(archive);
        SsaOptions o = ReadOptions(r, int.MaxValue);
        try { ValidateOptions(o); }
        catch (ArgumentException e) { throw r.Error("the stored SSA options are invalid: " + e.Message); }
        int l = o.WindowSize;

        // Sizes first: every entry's length is implied by the window, the rank and the estimation length, and is checked
        // before anything is copied, so a file cannot ask for more work or memory than it holds.
        int n = r.Int("state/series_length", 1);
        if (n < 2L * l) throw r.Error("state/series_length", $"= {n} is less than 2·WindowSize = {2L * l}.");
        if (o.SeriesLength is int sl && n > sl) throw r.Error("state/series_length", $"= {n} exceeds options/series_length = {sl}.");
        if (o.TrainSize is int ts && n > ts) throw r.Error("state/series_length", $"= {n} exceeds options/train_size = {ts}.");
        int observations = r.Int("state/observation_count", n);
        if (o.TrainSize is int ts2 && observations < ts2) throw r.Error("state/observation_count", $"= {observations} is less than options/train_size = {ts2}.");
        int maxRank = Math.Min(o.Rank ?? l - 1, o.MaxRank ?? l - 1);
        int rank = r.Int("subspace/rank", 1, maxRank);
        int keep = (int)Math.Max(n, 2L * l - 2);
        double[] eigenvalues = r.Doubles("subspace/eigenvalues", l);
        double[] recurrence = r.Doubles("subspace/recurrence", l - 1);
        double[] basis = r.Doubles("subspace/basis", [l, rank]);
        double[] buffer = r.Doubles("state/buffer", keep);

        for (int i = 0; i < l; i++)
            if (eigenvalues[i] < 0 || (i > 0 && eigenvalues[i] > eigenvalues[i - 1]))
                throw r.Error("subspace/eigenvalues", $"holds {eigenvalues[i]} at index {i}; eigenvalues are non-negative and descending.");
        double scale = r.Real("subspace/scale");
        if (!(scale > 0) || Math.ScaleB(1.0, Math.ILogB(scale)) != scale)
            throw r.Error("subspace/scale", $"= {scale}; the scale is a positive power of two.");
        for (int i = 0; i < basis.Length; i++)
            if (Math.Abs(basis[i]) > 1 + 1e-9) throw r.Error("subspace/basis", $"holds {basis[i]} at index {i}; the basis has orthonormal columns, so |entries| <= 1.");
        var (nu2, expected) = SsaSubspace.RecurrenceOf(basis, l, rank);
        double verticality = r.Real("subspace/verticality");
        if (!(nu2 < 1 - 1e-9)) throw r.Error("subspace/basis", $"is vertical (ν² = {nu2} ≈ 1): the recurrent forecast is undefined.");
        if (!(Math.Abs(verticality - nu2) <= 1e-12)) throw r.Error("subspace/verticality", $"= {verticality} but the stored basis gives {nu2}: the file is inconsistent.");
        double big = 1e-300;
        foreach (double v in expected) big = Math.Max(big, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(recurrence[i] - expected[i]) <= 1e-9 * big))
                throw r.Error("subspace/recurrence", $"holds {recurrence[i]} at index {i}, which differs from the recurrence of the stored basis ({expected[i]}): the file is inconsistent.");
        double residualStd = r.Real("subspace/residual_std");
        if (residualStd < 0) throw r.Error("subspace/residual_std", $"= {residualStd}; a standard deviation is non-negative.");

        SsaSubspace sub = SsaSubspace.Restore(l, rank, eigenvalues, scale, basis, recurrence, verticality, residualStd);
        return new SsaForecaster(o, n, sub, buffer) { ObservationCount = observations };
    }

    /// <summary>Version 1: options + series + check values; loaded by refitting, within the work bound of <see cref="LegacyRefit"/>.</summary>
    private static SsaForecaster FromLegacyArchive(ModelArchive archive, bool allowUnbounded)
    {
        var r = new ArchiveReader(archive);
        long length = r.Count("series", ArchiveElementType.Float64);
        SsaOptions o = ReadOptions(r, (int)Math.Max(2, Math.Min(length, int.MaxValue)));
        int l = o.WindowSize;
        // Estimation: the L x L lag covariance over K columns, its SVD, and the in-sample residuals (each one reconstructs
        // L - 1 values from L columns of rank r); adaptive forecasters repeat it for every observation after the training part.
        // One multiply-add is about one unit of LegacyRefit (~1 ns; measured: n = 2000, L = 20 refits in ~15 ms).
        double train = o.TrainSize ?? length, n = Math.Min(o.SeriesLength ?? train, train), k = Math.Max(0, n - l + 1);
        double rank = Math.Min(o.Rank ?? l - 1, o.MaxRank ?? l - 1);
        double once = k * (double)l * l / 2 + 10.0 * l * l * l + n * (double)l * l * rank;
        double operations = once * (o.IsAdaptive ? 1 + Math.Max(0, length - train) : 1);
        if (!allowUnbounded) LegacyRefit.Check(r, "options/window_size", l, operations, $"with {length} observations");
        double[] series = r.Doubles("series");
        SsaForecaster model;
        SsaForecast refitForecast;
        try
        {
            model = Fit(series, o);
            refitForecast = model.Forecast();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException or MathNet.Numerics.NonConvergenceException)
        {
            throw r.Error("the stored options and series do not give an SSA forecaster: " + e.Message);
        }
        int storedRank = r.Int("rank", 1);
        double[] sv = r.Doubles("singular_values"), rec = r.Doubles("recurrence");
        // Singular values are compared squared (as eigenvalues, relative to the largest): the trailing ones sit at the
        // rounding-noise level, where their square roots differ between equally valid computations.
        if (model.Rank != storedRank || !AllClose(model.SingularValues.Select(x => x * x).ToArray(), sv.Select(x => x * x).ToArray())
            || !AllClose(model.RecurrenceCoefficients, rec))
            throw r.Error("refitting the stored series does not reproduce the stored rank, singular values and recurrence: the file is inconsistent.");
        double[] forecast = r.Doubles("forecast", o.Horizon);
        if (!AllClose(refitForecast.Values, forecast))
            throw r.Error("forecast", "differs from the forecast of the refitted model: the file is inconsistent.");
        return model;
    }

    private static bool AllClose(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) return false;
        double scale = 0;
        foreach (double v in a) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < a.Count; i++)
            if (!(Math.Abs(a[i] - b[i]) <= 1e-9 * Math.Max(scale, 1e-300)) && a[i] != b[i]) return false;
        return true;
    }
}
