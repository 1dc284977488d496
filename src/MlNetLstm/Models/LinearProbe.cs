namespace MlNetLstm.Models;

/// <summary>
/// A linear probe: ridge regression from a network's internal features (usually the hidden state h_t from
/// <see cref="GateTelemetry"/>, <see cref="GateSignal.Hidden"/>, [B, T, H] read as B·T rows of width H) to a property
/// of the input, to ask whether that property can be read linearly from the representation.
/// <para>
/// Fit: with row means x̄, ȳ and centred rows x̃_n = x_n - x̄, ỹ_n = y_n - ȳ over the N rows,
/// <c>w = (X̃ᵀX̃ + λ s I)⁻¹ X̃ᵀỹ</c> with <c>s = tr(X̃ᵀX̃) / D</c> (N times the mean feature variance), and intercept
/// <c>b = ȳ - w·x̄</c>; prediction <c>ŷ = w·x + b</c>. So λ is relative to the features' scale and the row count:
/// λ = 0 is ordinary least squares, and a small λ only matters for (near) collinear features. Sums run in double
/// precision in row order: same data, same probe.
/// </para>
/// <para>
/// Score a probe on rows it was not fitted on (<see cref="RSquared"/> for a continuous property,
/// <see cref="AreaUnderRoc"/> of <see cref="Predict(ReadOnlySpan{float})"/> for a 0/1 property such as "a boundary is
/// here"). Immutable and thread-safe.
/// </para>
/// </summary>
public sealed class LinearProbe
{
    /// <summary>Default ridge λ (relative; see the class remarks).</summary>
    public const double DefaultRidge = 1e-3;

    private readonly double[] _w;

    private LinearProbe(double[] weights, double intercept, double ridge, int rows)
    {
        _w = weights; Intercept = intercept; Ridge = ridge; Rows = rows;
    }

    /// <summary>Feature width D (the number of weights).</summary>
    public int Width => _w.Length;

    /// <summary>Weights w, length D.</summary>
    public IReadOnlyList<double> Weights => Array.AsReadOnly(_w);

    /// <summary>Intercept b.</summary>
    public double Intercept { get; }

    /// <summary>The ridge λ it was fitted with.</summary>
    public double Ridge { get; }

    /// <summary>Rows N it was fitted on.</summary>
    public int Rows { get; }

    /// <summary>Fits a probe on N = targets.Length rows.</summary>
    /// <param name="features">Row-major features [N, D] (for telemetry: <c>telemetry.Get(GateSignal.Hidden)</c>, or a slice of it), finite.</param>
    /// <param name="width">D &gt; 0, the features per row.</param>
    /// <param name="targets">The property per row, length N &gt;= 2, finite.</param>
    /// <param name="ridge">λ &gt;= 0 (default <see cref="DefaultRidge"/>).</param>
    /// <returns>The fitted probe.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, fewer than 2 rows, a non-finite value (named with its row and
    /// column), a negative or non-finite ridge, or features that are linearly dependent with λ = 0.</exception>
    public static LinearProbe Fit(ReadOnlySpan<float> features, int width, ReadOnlySpan<double> targets, double ridge = DefaultRidge)
    {
        InputValidation.Positive(width, nameof(width));
        if (!(ridge >= 0) || double.IsInfinity(ridge))
            throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "ridge must be non-negative and finite.");
        int n = targets.Length;
        if (n < 2) throw new ArgumentException($"targets has {n} rows; a probe needs at least 2.", nameof(targets));
        CheckRows(features, width, n, nameof(features));
        for (int r = 0; r < n; r++)
            if (!double.IsFinite(targets[r])) throw new ArgumentException($"targets contains {targets[r]} at row {r}.", nameof(targets));

        int d = width;
        var mx = new double[d];
        double my = 0;
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++) mx[j] += features[r * d + j];
            my += targets[r];
        }
        for (int j = 0; j < d; j++) mx[j] /= n;
        my /= n;
        var a = new double[d, d];
        var b = new double[d];
        var row = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++) row[j] = features[r * d + j] - mx[j];
            double y = targets[r] - my;
            for (int j = 0; j < d; j++)
            {
                b[j] += row[j] * y;
                for (int k = 0; k <= j; k++) a[j, k] += row[j] * row[k];
            }
        }
        // Ridge relative to the mean feature variance, so λ means the same whatever the scale of the features.
        double trace = 0;
        for (int j = 0; j < d; j++) trace += a[j, j];
        double shift = ridge * Math.Max(trace / d, double.Epsilon);
        for (int j = 0; j < d; j++) a[j, j] += shift;
        double[] w = SolveCholesky(a, b, d);
        double intercept = my;
        for (int j = 0; j < d; j++) intercept -= w[j] * mx[j];
        return new LinearProbe(w, intercept, ridge, n);
    }

    /// <summary>Prediction ŷ = w·x + b for one row of D features.</summary>
    /// <param name="row">D features.</param>
    public double Predict(ReadOnlySpan<float> row)
    {
        if (row.Length != Width) throw new ArgumentException($"row has {row.Length} features; the probe was fitted on {Width}.", nameof(row));
        double s = Intercept;
        for (int j = 0; j < row.Length; j++) s += _w[j] * row[j];
        return s;
    }

    /// <summary>Predictions for the rows of <paramref name="features"/> ([N, D] row-major; N = features.Length / D).</summary>
    /// <param name="features">[N, D], finite.</param>
    public double[] PredictRows(ReadOnlySpan<float> features)
    {
        if (features.Length % Width != 0)
            throw new ArgumentException($"features has length {features.Length}, not a multiple of the probe's width {Width}.", nameof(features));
        int n = features.Length / Width;
        CheckRows(features, Width, n, nameof(features));
        var y = new double[n];
        for (int r = 0; r < n; r++) y[r] = Predict(features.Slice(r * Width, Width));
        return y;
    }

    /// <summary>
    /// Coefficient of determination on the given rows: R² = 1 - Σ(y - ŷ)² / Σ(y - ȳ)² (ȳ the mean of these targets);
    /// 1 is perfect, 0 no better than the mean, negative worse. Throws when the targets are constant (R² undefined).
    /// </summary>
    /// <param name="features">[N, D] row-major, finite.</param>
    /// <param name="targets">N targets, finite.</param>
    public double RSquared(ReadOnlySpan<float> features, ReadOnlySpan<double> targets)
    {
        CheckRows(features, Width, targets.Length, nameof(features));
        int n = targets.Length;
        double mean = 0;
        for (int r = 0; r < n; r++)
        {
            if (!double.IsFinite(targets[r])) throw new ArgumentException($"targets contains {targets[r]} at row {r}.", nameof(targets));
            mean += targets[r];
        }
        mean /= n;
        double res = 0, tot = 0;
        for (int r = 0; r < n; r++)
        {
            double e = targets[r] - Predict(features.Slice(r * Width, Width));
            res += e * e;
            tot += (targets[r] - mean) * (targets[r] - mean);
        }
        if (tot == 0) throw new ArgumentException("targets are constant; R² is undefined.", nameof(targets));
        return 1 - res / tot;
    }

    /// <summary>
    /// Area under the ROC curve of <paramref name="scores"/> for the binary <paramref name="labels"/>: the probability that
    /// a random positive row scores higher than a random negative one (ties count one half), by the rank-sum
    /// (Mann-Whitney) formula with mid-ranks. 0.5 is no separation, 1 perfect, 0 perfect in reverse.
    /// </summary>
    /// <param name="scores">Scores, finite.</param>
    /// <param name="labels">Labels, same length, with at least one of each.</param>
    public static double AreaUnderRoc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"scores has {scores.Length} values but labels has {labels.Length}.", nameof(labels));
        int n = scores.Length;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"scores contains {scores[i]} at index {i}.", nameof(scores));
            if (labels[i]) positives++;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"labels has {positives} positive and {negatives} negative rows; the AUC needs both.", nameof(labels));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        double[] s = scores.ToArray();
        Array.Sort(s, order);
        double rankSum = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && s[j + 1] == s[i]) j++;
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) if (labels[order[k]]) rankSum += midRank;
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    private static void CheckRows(ReadOnlySpan<float> features, int width, int rows, string paramName)
    {
        if ((long)rows * width != features.Length)
            throw new ArgumentException($"{paramName} has length {features.Length} but {rows} rows of width {width} need {(long)rows * width}.", paramName);
        for (int i = 0; i < features.Length; i++)
            if (!float.IsFinite(features[i]))
                throw new ArgumentException($"{paramName} contains {features[i]} at row {i / width}, column {i % width}.", paramName);
    }

    /// <summary>Solves A w = b for the symmetric positive definite A (lower triangle filled) by Cholesky.</summary>
    private static double[] SolveCholesky(double[,] a, double[] b, int d)
    {
        var l = new double[d, d];
        for (int j = 0; j < d; j++)
        {
            double diag = a[j, j];
            for (int k = 0; k < j; k++) diag -= l[j, k] * l[j, k];
            if (!(diag > 1e-12 * Math.Max(1, a[j, j])))
                throw new ArgumentException($"The features are linearly dependent (column {j} is a combination of earlier ones or constant); use a ridge > 0.", "features");
            l[j, j] = Math.Sqrt(diag);
            for (int i = j + 1; i < d; i++)
            {
                double v = a[i, j];
                for (int k = 0; k < j; k++) v -= l[i, k] * l[j, k];
                l[i, j] = v / l[j, j];
            }
        }
        var z = new double[d];
        for (int i = 0; i < d; i++)
        {
            double v = b[i];
            for (int k = 0; k < i; k++) v -= l[i, k] * z[k];
            z[i] = v / l[i, i];
        }
        var w = new double[d];
        for (int i = d - 1; i >= 0; i--)
        {
            double v = z[i];
            for (int k = i + 1; k < d; k++) v -= l[k, i] * w[k];
            w[i] = v / l[i, i];
        }
        return w;
    }
}
