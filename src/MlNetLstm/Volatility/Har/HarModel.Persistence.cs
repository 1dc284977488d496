using MlNetLstm.Evaluation;
using MlNetLstm.Features;
using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Volatility.Har;

// Model-file reader and writer of HarModel (kind "MlNetLstm.HarModel"; layout in src/MlNetLstm/Persistence/FORMAT.md).
public sealed partial class HarModel
{
    /// <summary>Model-file kind.</summary>
    internal const string ArchiveKind = "MlNetLstm.HarModel";

    /// <summary>Layout version written: 4, which stores the fitted regressions (version 1 stored the proxy and refitted on load).</summary>
    internal const int ArchiveVersion = ArchiveReader.CurrentLayoutVersion;

    /// <summary>The fitted model as an archive: options (enum by name), sample length, floor and every regression's results.</summary>
    internal ModelArchive ToArchive()
    {
        HarOptions o = Options;
        int r = _regressions.Length;
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.AddScalar("options/weekly_window", o.WeeklyWindow);
        b.AddScalar("options/monthly_window", o.MonthlyWindow);
        b.AddScalar("options/log", o.Log ? 1 : 0);
        b.AddScalar("options/log_floor_fraction", o.LogFloorFraction);
        b.AddText("options/forecast_method", o.ForecastMethod.ToString());
        b.AddScalar("options/max_horizon", o.MaxHorizon);
        b.Add("options/newey_west_lags", o.NeweyWestLags is int lags ? [lags] : Array.Empty<int>());
        // Regression h (1-based) has n - MonthlyWindow - h + 1 rows, so the sample length n follows from the first one.
        b.AddScalar("proxy_length", _regressions[0].Observations + o.MonthlyWindow);
        b.AddScalar("floor", Floor);
        b.Add("regressions/coefficients", _regressions.SelectMany(x => x.Coefficients).ToArray(), r, 4);
        b.Add("regressions/standard_errors", _regressions.SelectMany(x => x.StandardErrors).ToArray(), r, 4);
        b.Add("regressions/hac_standard_errors", _regressions.SelectMany(x => x.HacStandardErrors).ToArray(), r, 4);
        var cov = new double[r * 16];
        for (int h = 0; h < r; h++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) cov[h * 16 + i * 4 + j] = _regressions[h].HacCovariance(i, j);
        b.Add("regressions/hac_covariance", cov, r, 4, 4);
        b.Add("regressions/r_squared", _regressions.Select(x => x.RSquared).ToArray(), r);
        b.Add("regressions/residual_variance", _regressions.Select(x => x.ResidualVariance).ToArray(), r);
        b.Add("regressions/hac_lags", _regressions.Select(x => x.HacLags).ToArray(), r);
        b.Add("regressions/residuals", _regressions.SelectMany(x => x.Residuals).ToArray());
        return b.Build();
    }

    /// <summary>Reads a model of layout version 1 or 4 (see <see cref="Persistence.ModelSerializer.ReadHarModel(ModelArchive)"/>).</summary>
    internal static HarModel FromArchive(ModelArchive archive, bool allowUnboundedLegacyRefit = false)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, ArchiveVersion);
        return version == 1 ? FromLegacyArchive(archive, allowUnboundedLegacyRefit) : FromStoredState(archive);
    }

    private static HarOptions ReadOptions(ArchiveReader s, bool enumByName)
    {
        var o = new HarOptions
        {
            WeeklyWindow = s.Int("weekly_window", 1), MonthlyWindow = s.Int("monthly_window", 1), Log = s.Bool("log"),
            LogFloorFraction = s.Real("log_floor_fraction"),
            ForecastMethod = enumByName ? s.EnumName<HarForecastMethod>("forecast_method") : s.Enum<HarForecastMethod>("forecast_method"),
            MaxHorizon = s.Int("max_horizon", 1), NeweyWestLags = OptionalInt(s, "newey_west_lags"),
        };
        try { HarComponents.CheckWindows(o.WeeklyWindow, o.MonthlyWindow); }
        catch (ArgumentException e) { throw s.Error("weekly_window", $"and monthly_window ({o.WeeklyWindow}, {o.MonthlyWindow}) are invalid: {e.Message}"); }
        if (!(o.LogFloorFraction > 0)) throw s.Error("log_floor_fraction", $"= {o.LogFloorFraction} must be positive.");
        if (o.NeweyWestLags is < 0) throw s.Error("newey_west_lags", $"= {o.NeweyWestLags} must be non-negative.");
        return o;
    }

    private static int? OptionalInt(ArchiveReader r, string name)
    {
        int[] v = r.Ints(name);
        return v.Length switch { 0 => null, 1 => v[0], _ => throw r.Error(name, "must hold at most one value.") };
    }

    private static HarModel FromStoredState(ModelArchive archive)
    {
        var r = new ArchiveReader(archive);
        HarOptions o = ReadOptions(r.Sub("options/"), enumByName: true);
        int mw = o.MonthlyWindow;
        int count = o.ForecastMethod == HarForecastMethod.Direct ? o.MaxHorizon : 1;
        long minimum = (long)mw + (o.ForecastMethod == HarForecastMethod.Direct ? o.MaxHorizon : 1) + 10;
        int n = r.Int("proxy_length", 1);
        if (n < minimum) throw r.Error("proxy_length", $"= {n} is shorter than the {minimum} values a fit with the stored options needs.");

        // Every shape is checked against the options before anything is copied or computed.
        double[] coefficients = r.Doubles("regressions/coefficients", [count, 4]);
        double[] se = r.Doubles("regressions/standard_errors", [count, 4], finite: false);
        double[] hacSe = r.Doubles("regressions/hac_standard_errors", [count, 4], finite: false);
        double[] cov = r.Doubles("regressions/hac_covariance", [count, 4, 4], finite: false);
        double[] r2 = r.Doubles("regressions/r_squared", [count], finite: false);
        double[] s2 = r.Doubles("regressions/residual_variance", [count]);
        int[] lags = r.Ints("regressions/hac_lags", count);
        long residualCount = (long)count * (n - mw + 1) - (long)count * (count + 1) / 2;
        if (r.Count("regressions/residuals", ArchiveElementType.Float64) != residualCount)
            throw r.Error("regressions/residuals", $"has {r.Count("regressions/residuals", ArchiveElementType.Float64)} values, expected {residualCount} (the rows of {count} regressions on {n} proxy values).");
        double[] residuals = r.Doubles("regressions/residuals");

        for (int i = 0; i < se.Length; i++)
        {
            if (se[i] < 0 || double.IsInfinity(se[i])) throw r.Error("regressions/standard_errors", $"holds {se[i]} at index {i}; standard errors are non-negative.");
            if (hacSe[i] < 0 || double.IsInfinity(hacSe[i])) throw r.Error("regressions/hac_standard_errors", $"holds {hacSe[i]} at index {i}; standard errors are non-negative.");
        }
        for (int i = 0; i < cov.Length; i++)
            if (double.IsInfinity(cov[i])) throw r.Error("regressions/hac_covariance", $"holds {cov[i]} at index {i}.");
        for (int h = 0; h < count; h++)
        {
            int rows = n - mw - h;
            if (!(r2[h] <= 1) && !double.IsNaN(r2[h])) throw r.Error("regressions/r_squared", $"holds {r2[h]} at index {h}; R² is at most 1.");
            if (s2[h] < 0) throw r.Error("regressions/residual_variance", $"holds {s2[h]} at index {h}; a variance is non-negative.");
            if (lags[h] < 0 || lags[h] >= rows) throw r.Error("regressions/hac_lags", $"holds {lags[h]} at index {h}; expected 0..{rows - 1}.");
        }
        double floor = r.Real("floor");
        if (o.Log ? !(floor > 0) : floor != 0)
            throw r.Error("floor", $"= {floor}; a {(o.Log ? "log-HAR floor must be positive" : "level HAR has floor 0")}.");

        var regressions = new LinearRegressionResult[count];
        int offset = 0;
        for (int h = 0; h < count; h++)
        {
            int rows = n - mw - h;
            var c = new double[4, 4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) c[i, j] = cov[h * 16 + i * 4 + j];
            regressions[h] = new LinearRegressionResult(coefficients[(h * 4)..(h * 4 + 4)], se[(h * 4)..(h * 4 + 4)], hacSe[(h * 4)..(h * 4 + 4)],
                c, r2[h], s2[h], rows, lags[h], residuals[offset..(offset + rows)]);
            offset += rows;
        }
        HarModel model = Restore(o, regressions, floor);
        if (o.Log)
            for (int h = 0; h < count; h++)
                if (!double.IsFinite(model.Smearing(h)) || !(model.Smearing(h) > 0))
                    throw r.Error("regressions/residuals", $"of regression {h + 1} give a smearing factor mean(exp(u)) = {model.Smearing(h)}, which is not finite and positive: log-HAR forecasts would not be finite.");
        return model;
    }

    /// <summary>Version 1: options + proxy + check values; loaded by refitting, within the work bound of <see cref="LegacyRefit"/>.</summary>
    private static HarModel FromLegacyArchive(ModelArchive archive, bool allowUnbounded)
    {
        var r = new ArchiveReader(archive);
        ArchiveReader s = r.Sub("options/");
        HarOptions o = ReadOptions(s, enumByName: false);
        long n = r.Count("proxy", ArchiveElementType.Float64);
        int count = o.ForecastMethod == HarForecastMethod.Direct ? o.MaxHorizon : 1;
        ArchiveEntry c = r.Entry("coefficients", ArchiveElementType.Float64);
        if (!c.Shape.SequenceEqual([count, 4]))
            throw r.Error("coefficients", $"has shape [{string.Join(", ", c.Shape)}], expected [{count}, 4].");
        // OLS (managed QR) with Newey-West errors per regression h, measured on the reference machine: about 15 µs per row plus
        // 0.2 µs per row and HAC lag (units of LegacyRefit: ~1 ns).
        double operations = 0;
        for (int h = 1; h <= count; h++)
        {
            double rows = Math.Max(0, n - o.MonthlyWindow - h + 1);
            double lags = o.NeweyWestLags ?? (4 * Math.Pow(rows / 100, 2.0 / 9) + h);
            operations += rows * (15_000 + 200 * Math.Min(lags, rows));
        }
        if (!allowUnbounded) LegacyRefit.Check(r, "options/max_horizon", o.MaxHorizon, operations, $"with {n} proxy values and {count} regression(s)");
        double[] proxy = r.Doubles("proxy");
        HarModel model;
        try { model = Fit(proxy, o); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            throw r.Error("the stored options and proxy do not give a HAR fit: " + e.Message);
        }
        double[] stored = c.AsDoubles();
        double[] refit = model.Regressions.SelectMany(x => x.Coefficients).ToArray();
        double scale = refit.Max(Math.Abs);
        bool same = refit.Length == stored.Length;
        for (int i = 0; same && i < refit.Length; i++)
            same = refit[i] == stored[i] || Math.Abs(refit[i] - stored[i]) <= 1e-9 * Math.Max(scale, 1e-300);
        double floor = r.Real("floor");
        if (!same || !(model.Floor == floor || Math.Abs(model.Floor - floor) <= 1e-9 * Math.Max(Math.Abs(floor), 1e-300)))
            throw r.Error("refitting the stored proxy does not reproduce the stored coefficients: the file is inconsistent.");
        return model;
    }
}
