namespace MlNetLstm.Ssa;

/// <summary>
/// Singular spectrum analysis forecaster (managed; no native library). Estimation: embed the last N observations in
/// the L × K trajectory (Hankel) matrix <c>X = [X_0 … X_{K-1}]</c>, <c>X_j = (y_j, …, y_{j+L-1})'</c>, K = N - L + 1;
/// take the SVD (MathNet.Numerics) of the discounted lag-covariance <c>C = Σ_j δ^(K-1-j) X_j X_j'</c> — its
/// eigenvectors are the left singular vectors of the weighted trajectory matrix, its eigenvalues the squared singular
/// values; keep r eigenvectors U (rank rule in <see cref="SsaOptions"/>; if the last-coordinate norm ν² of U reaches 1 the
/// rank is reduced until ν² &lt; 1). Forecast (recurrent SSA): with π the last row of U and U^∇ its first L-1 rows, the
/// linear recurrence is <c>y_{n+1} = Σ_{j=0}^{L-2} R_j s_j</c>, <c>R = U^∇ π / (1 - ν²)</c>, applied to the SSA
/// reconstruction s of the last L-1 values (diagonal averaging of the projected lag vectors <c>U U' X_j</c>; those
/// values only involve the last 2L-2 observations) and then to its own forecasts.
/// Bounds: <c>ŷ_h ± z_{(1+c)/2} · s_e · sqrt(Σ_{i&lt;h} ψ_i²)</c>, where s_e is the RMS of the in-sample one-step
/// forecast errors over the estimation window (each made with the same reconstruction from data up to t-1) and ψ are
/// the impulse responses of the recurrence read as an AR(L-1) model; they widen with the horizon.
/// Immutable and thread-safe; <see cref="CreateEngine"/> gives a mutable online copy.
/// </summary>
public sealed partial class SsaForecaster
{
    private readonly double[] _buffer;

    internal SsaForecaster(SsaOptions options, int seriesLength, SsaSubspace subspace, double[] buffer)
    {
        Options = options;
        SeriesLength = seriesLength;
        Subspace = subspace;
        _buffer = buffer;
    }

    internal SsaSubspace Subspace { get; }

    /// <summary>The options used.</summary>
    public SsaOptions Options { get; }

    /// <summary>Window (embedding dimension) L.</summary>
    public int WindowSize => Subspace.WindowSize;

    /// <summary>Selected rank r.</summary>
    public int Rank => Subspace.Rank;

    /// <summary>Effective series length N of the estimation window.</summary>
    public int SeriesLength { get; }

    /// <summary>All L singular values of the (weighted) trajectory matrix, descending.</summary>
    public IReadOnlyList<double> SingularValues => Array.AsReadOnly(Subspace.Eigenvalues.Select(e => Math.Sqrt(e) * Subspace.Scale).ToArray());

    /// <summary>Recurrence coefficients R (length L-1, R[0] multiplies the oldest of the last L-1 reconstructed values).</summary>
    public IReadOnlyList<double> RecurrenceCoefficients => Array.AsReadOnly((double[])Subspace.Recurrence.Clone());

    /// <summary>Verticality coefficient ν² = Σ π_i² (&lt; 1).</summary>
    public double Verticality => Subspace.Verticality;

    /// <summary>RMS of the in-sample one-step forecast errors s_e (scales the bounds).</summary>
    public double ResidualStandardDeviation => Subspace.ResidualStdDev;

    /// <summary>Number of observations the forecaster has seen at its end (training + online updates).</summary>
    public int ObservationCount { get; internal init; }

    /// <summary>Fits the forecaster.</summary>
    /// <param name="series">Observations, oldest first (finite).</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <returns>The fitted forecaster, positioned at the end of <paramref name="series"/>.</returns>
    /// <exception cref="ArgumentException">Invalid options (named), a too-short or non-finite series, or an all-zero estimation window.</exception>
    public static SsaForecaster Fit(ReadOnlySpan<double> series, SsaOptions? options = null)
    {
        options ??= new SsaOptions();
        EvalGuard.Finite(series, nameof(series));
        int trainSize = options.TrainSize ?? series.Length;
        Validate(options, series.Length, trainSize);
        int n = Math.Min(options.SeriesLength ?? trainSize, trainSize);
        var train = series[..trainSize];
        var sub = SsaSubspace.Estimate(train[(trainSize - n)..], options);
        int keep = Math.Max(n, 2 * options.WindowSize - 2);
        var engine = new SsaForecastEngine(options, n, sub, train[(trainSize - keep)..].ToArray(), trainSize);
        for (int t = trainSize; t < series.Length; t++) engine.Update(series[t]);
        return engine.Snapshot();
    }

    private static void Validate(SsaOptions o, int length, int trainSize)
    {
        int l = o.WindowSize;
        string P(string name) => $"SsaOptions.{name}";
        if (l < 2) throw new ArgumentOutOfRangeException(nameof(o), l, $"{P("WindowSize")} must be at least 2.");
        if (trainSize < 2 * l || trainSize > length)
            throw new ArgumentException($"{P("TrainSize")} = {trainSize} must be between 2·WindowSize = {2 * l} and the series length {length}.", "options");
        ValidateOptions(o);
    }

    /// <summary>Checks every option that does not depend on the series length.</summary>
    internal static void ValidateOptions(SsaOptions o)
    {
        int l = o.WindowSize;
        string P(string name) => $"SsaOptions.{name}";
        if (l < 2) throw new ArgumentOutOfRangeException(nameof(o), l, $"{P("WindowSize")} must be at least 2.");
        if (o.TrainSize is int ts && ts < 2L * l)
            throw new ArgumentOutOfRangeException(nameof(o), ts, $"{P("TrainSize")} must be at least 2·WindowSize = {2L * l}.");
        if (o.SeriesLength is int sl && sl < 2L * l)
            throw new ArgumentOutOfRangeException(nameof(o), sl, $"{P("SeriesLength")} must be at least 2·WindowSize = {2L * l}.");
        if (o.Horizon < 1) throw new ArgumentOutOfRangeException(nameof(o), o.Horizon, $"{P("Horizon")} must be at least 1.");
        if (!(o.ConfidenceLevel > 0 && o.ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(o), o.ConfidenceLevel, $"{P("ConfidenceLevel")} must be in (0, 1).");
        if (o.Rank is int r && (r < 1 || r >= l))
            throw new ArgumentOutOfRangeException(nameof(o), r, $"{P("Rank")} must be in [1, WindowSize - 1 = {l - 1}].");
        if (o.MaxRank is int mr && (mr < 1 || mr >= l))
            throw new ArgumentOutOfRangeException(nameof(o), mr, $"{P("MaxRank")} must be in [1, WindowSize - 1 = {l - 1}].");
        if (o.EnergyThreshold is double e && !(e > 0 && e <= 1))
            throw new ArgumentOutOfRangeException(nameof(o), e, $"{P("EnergyThreshold")} must be in (0, 1].");
        if (!(o.DiscountFactor > 0 && o.DiscountFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(o), o.DiscountFactor, $"{P("DiscountFactor")} must be in (0, 1].");
    }

    /// <summary>Forecasts <see cref="SsaOptions.Horizon"/> steps from the end of the data the forecaster has seen.</summary>
    /// <returns>The forecast with bounds.</returns>
    public SsaForecast Forecast() => Forecast(Options.Horizon);

    /// <summary>Forecasts <paramref name="horizon"/> steps from the end of the data the forecaster has seen.</summary>
    /// <param name="horizon">Steps ahead, ≥ 1.</param>
    /// <returns>The forecast with bounds.</returns>
    public SsaForecast Forecast(int horizon) => Build(Subspace, Options, _buffer, horizon);

    /// <summary>
    /// Forecasts from an arbitrary history with this forecaster's (frozen) subspace and recurrence — no re-estimation.
    /// Only the last 2L-2 values of the history matter.
    /// </summary>
    /// <param name="history">Observations, oldest first (finite, at least L).</param>
    /// <param name="horizon">Steps ahead, ≥ 1.</param>
    /// <returns>The forecast with bounds.</returns>
    public SsaForecast Forecast(ReadOnlySpan<double> history, int horizon)
    {
        EvalGuard.MinLength(history.Length, WindowSize, nameof(history));
        var tail = history[Math.Max(0, history.Length - 2 * WindowSize + 2)..];
        EvalGuard.Finite(tail, nameof(history));
        return Build(Subspace, Options, tail, horizon);
    }

    /// <summary>The L × K trajectory (Hankel) matrix of a series: <c>X[i, j] = y[i + j]</c>, K = n - L + 1.</summary>
    /// <param name="series">The series (finite, length n ≥ windowSize).</param>
    /// <param name="windowSize">Window L ≥ 1.</param>
    /// <returns>The matrix.</returns>
    public static double[,] TrajectoryMatrix(ReadOnlySpan<double> series, int windowSize)
    {
        if (windowSize < 1) throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "windowSize must be at least 1.");
        EvalGuard.MinLength(series.Length, windowSize, nameof(series));
        EvalGuard.Finite(series, nameof(series));
        int k = series.Length - windowSize + 1;
        var x = new double[windowSize, k];
        for (int i = 0; i < windowSize; i++)
            for (int j = 0; j < k; j++) x[i, j] = series[i + j];
        return x;
    }

    /// <summary>
    /// Rank-r SSA reconstruction of a whole series with this forecaster's subspace: every lag vector is projected,
    /// <c>X̂_j = U U' X_j</c>, and each value is the average of its copies on the anti-diagonals of X̂ (diagonal averaging).
    /// </summary>
    /// <param name="series">The series (finite, length ≥ L).</param>
    /// <returns>The reconstructed (signal) series, same length.</returns>
    public double[] Reconstruct(ReadOnlySpan<double> series)
    {
        int l = WindowSize, r = Rank;
        EvalGuard.MinLength(series.Length, l, nameof(series));
        EvalGuard.Finite(series, nameof(series));
        int n = series.Length, k = n - l + 1;
        var sum = new double[n];
        var count = new int[n];
        var basis = Subspace.Basis;
        var c = new double[r];
        for (int j = 0; j < k; j++)
        {
            var x = series.Slice(j, l);
            for (int m = 0; m < r; m++)
            {
                double s = 0;
                for (int a = 0; a < l; a++) s += basis[a * r + m] * x[a];
                c[m] = s;
            }
            for (int a = 0; a < l; a++)
            {
                double v = 0;
                for (int m = 0; m < r; m++) v += basis[a * r + m] * c[m];
                sum[j + a] += v;
                count[j + a]++;
            }
        }
        for (int i = 0; i < n; i++) sum[i] /= count[i];
        return sum;
    }

    /// <summary>Creates a mutable online engine starting from this forecaster's state.</summary>
    /// <returns>A new engine.</returns>
    public SsaForecastEngine CreateEngine() => new(Options, SeriesLength, Subspace, (double[])_buffer.Clone(), ObservationCount);

    internal static SsaForecast Build(SsaSubspace sub, SsaOptions options, ReadOnlySpan<double> history, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        var start = new double[sub.WindowSize - 1];
        sub.ReconstructTail(history, start);
        var values = sub.Recur(start, horizon);
        foreach (double v in values)
            if (!double.IsFinite(v))
                throw new InvalidOperationException("The SSA recurrence diverged (non-finite forecast); use a smaller horizon, rank or window.");
        var mult = sub.ErrorMultipliers(horizon);
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + 0.5 * options.ConfidenceLevel);
        var lo = new double[horizon];
        var hi = new double[horizon];
        for (int h = 0; h < horizon; h++)
        {
            double half = z * sub.ResidualStdDev * mult[h];
            if (!double.IsFinite(half)) half = double.MaxValue;
            lo[h] = values[h] - half;
            hi[h] = values[h] + half;
        }
        return new SsaForecast(Array.AsReadOnly(values), Array.AsReadOnly(lo), Array.AsReadOnly(hi), options.ConfidenceLevel);
    }
}
