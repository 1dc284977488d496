using MathNet.Numerics.LinearAlgebra;

namespace MlNetLstm.Ssa;

/// <summary>
/// An estimated SSA signal subspace with its linear recurrence. Immutable. Rows of the basis are lag positions
/// (0 = oldest), columns are the r eigenvectors of the (discounted) lag-covariance matrix.
/// </summary>
internal sealed class SsaSubspace
{
    private SsaSubspace(int windowSize, int rank, double[] eigenvalues, double[] basis, double[] recurrence, double verticality)
    {
        WindowSize = windowSize;
        Rank = rank;
        Eigenvalues = eigenvalues;
        Basis = basis;
        Recurrence = recurrence;
        Verticality = verticality;
    }

    /// <summary>A subspace from its stored parts (used by the model-file reader, which validates them).</summary>
    internal static SsaSubspace Restore(int windowSize, int rank, double[] eigenvalues, double scale, double[] basis, double[] recurrence,
        double verticality, double residualStdDev) =>
        new(windowSize, rank, eigenvalues, basis, recurrence, verticality) { Scale = scale, ResidualStdDev = residualStdDev };

    /// <summary>
    /// ν² and the recurrence R = U^∇ π / (1 - ν²) of an L × r basis, computed exactly as <see cref="Estimate"/> does (so a stored
    /// subspace can be checked bit for bit).
    /// </summary>
    internal static (double Verticality, double[] Recurrence) RecurrenceOf(double[] basis, int l, int rank)
    {
        double v2 = 0;
        for (int i = 0; i < rank; i++) v2 += basis[(l - 1) * rank + i] * basis[(l - 1) * rank + i];
        var r = new double[l - 1];
        for (int a = 0; a < l - 1; a++)
        {
            double s = 0;
            for (int i = 0; i < rank; i++) s += basis[(l - 1) * rank + i] * basis[a * rank + i];
            r[a] = s / (1 - v2);
        }
        return (v2, r);
    }

    public int WindowSize { get; }

    public int Rank { get; }

    /// <summary>All L eigenvalues of C computed on y / <see cref="Scale"/>, descending (squared singular values of the scaled weighted trajectory matrix).</summary>
    public double[] Eigenvalues { get; }

    /// <summary>Power-of-two divisor applied before the decomposition (1 unless max|y| is outside [1e-100, 1e100]); the eigenvalues times Scale² are those of the original series.</summary>
    public double Scale { get; private init; } = 1.0;

    /// <summary>Basis, row-major L × r.</summary>
    public double[] Basis { get; }

    /// <summary>LRF coefficients R (length L-1): y_next = Σ_j R[j] s_j over the last L-1 values s, oldest first.</summary>
    public double[] Recurrence { get; }

    /// <summary>ν² = Σ π_i², π the last row of the basis.</summary>
    public double Verticality { get; }

    /// <summary>In-sample one-step residual standard deviation (set by <see cref="WithResiduals"/>).</summary>
    public double ResidualStdDev { get; private set; }

    public static SsaSubspace Estimate(ReadOnlySpan<double> y, SsaOptions o)
    {
        int l = o.WindowSize, k = y.Length - l + 1;
        // Extreme magnitudes (max|y| outside [1e-100, 1e100]) are divided by the power of two nearest below max|y| so that the
        // lag-covariance can neither overflow (|y| ~ 1e200) nor underflow (|y| ~ 1e-200); the eigenvectors, rank rules and
        // recurrence are scale-invariant. Ordinary series use scale 1, so their results stay bit-for-bit unchanged.
        double maxAbs = 0;
        foreach (double v in y) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        if (!(maxAbs > 0)) throw new ArgumentException("The series is identically zero over the estimation window; SSA has no signal subspace.", nameof(y));
        double scale = maxAbs > 1e100 || maxAbs < 1e-100 ? Math.ScaleB(1.0, Math.ILogB(maxAbs)) : 1.0;
        var c = new double[l, l];
        var xs = new double[l];
        double weight = 1.0;
        for (int j = k - 1; j >= 0; j--)
        {
            for (int a = 0; a < l; a++) xs[a] = y[j + a] / scale;
            for (int a = 0; a < l; a++)
            {
                double wa = weight * xs[a];
                for (int b = a; b < l; b++) c[a, b] += wa * xs[b];
            }
            weight *= o.DiscountFactor;
        }
        for (int a = 0; a < l; a++)
            for (int b = 0; b < a; b++) c[a, b] = c[b, a];
        var svd = Matrix<double>.Build.DenseOfArray(c).Svd(computeVectors: true);
        var eig = new double[l];
        for (int i = 0; i < l; i++) eig[i] = Math.Max(svd.S[i], 0.0);

        int maxRank = o.MaxRank ?? l - 1;
        int rank = SelectRank(eig, o, maxRank);
        // Guard against a (near-)vertical subspace: drop trailing components until ν² < 1.
        while (true)
        {
            double nu2 = 0;
            for (int i = 0; i < rank; i++) nu2 += svd.U[l - 1, i] * svd.U[l - 1, i];
            if (nu2 < 1 - 1e-9 || rank == 1) break;
            rank--;
        }
        var basis = new double[l * rank];
        for (int a = 0; a < l; a++)
            for (int i = 0; i < rank; i++) basis[a * rank + i] = svd.U[a, i];
        var (v2, r) = RecurrenceOf(basis, l, rank);
        if (!(v2 < 1 - 1e-9))
            throw new InvalidOperationException("The SSA subspace is vertical (ν² ≈ 1); the recurrent forecast is undefined. Use a larger window.");
        var sub = new SsaSubspace(l, rank, eig, basis, r, v2) { Scale = scale };
        return sub.WithResiduals(y);
    }

    internal static int SelectRank(double[] eig, SsaOptions o, int maxRank)
    {
        if (o.Rank is int fixedRank) return Math.Min(fixedRank, maxRank);
        if (o.EnergyThreshold is double threshold)
        {
            double total = 0;
            foreach (double e in eig) total += e;
            double cum = 0;
            for (int i = 0; i < eig.Length; i++)
            {
                cum += eig[i];
                if (cum >= threshold * total * (1 - 1e-12)) return Math.Min(i + 1, maxRank);
            }
            return maxRank;
        }
        // Automatic: the largest gap log σ_i - log σ_{i+1} (σ = sqrt of eigenvalues), i = 1..maxRank.
        double tiny = eig[0] * 1e-30;
        int best = 1;
        double bestGap = double.NegativeInfinity;
        for (int i = 1; i <= maxRank && i < eig.Length; i++)
        {
            double gap = 0.5 * (Math.Log(Math.Max(eig[i - 1], tiny)) - Math.Log(Math.Max(eig[i], tiny)));
            if (gap > bestGap) { bestGap = gap; best = i; }
        }
        return best;
    }

    /// <summary>Computes the residual spread of one-step forecasts over t = 2L-2..n-1 of <paramref name="y"/>.</summary>
    private SsaSubspace WithResiduals(ReadOnlySpan<double> y)
    {
        int l = WindowSize, n = y.Length, k = n - l + 1;
        var coef = ProjectColumns(y, 0, k);
        var tail = new double[l - 1];
        double sse = 0;
        int count = 0;
        for (int t = 2 * l - 2; t < n; t++)
        {
            ReconstructTail(y, t, coef, 0, tail);
            double f = 0;
            for (int a = 0; a < l - 1; a++) f += Recurrence[a] * tail[a];
            double e = (y[t] - f) / Scale;
            sse += e * e;
            count++;
        }
        ResidualStdDev = count > 0 ? Scale * Math.Sqrt(sse / count) : 0.0;
        return this;
    }

    /// <summary>Projection coefficients U'X_j (r per column) for columns j = first..first+count-1.</summary>
    private double[] ProjectColumns(ReadOnlySpan<double> y, int first, int count)
    {
        int l = WindowSize, r = Rank;
        var coef = new double[count * r];
        for (int j = 0; j < count; j++)
        {
            var x = y.Slice(first + j, l);
            for (int i = 0; i < r; i++)
            {
                double s = 0;
                for (int a = 0; a < l; a++) s += Basis[a * r + i] * x[a];
                coef[j * r + i] = s;
            }
        }
        return coef;
    }

    /// <summary>
    /// Diagonal-averaged reconstruction of the last L-1 values of y[0..n) (n ≥ L) using only the lag vectors inside it,
    /// i.e. the SSA reconstruction of those values. <paramref name="coef"/> holds projections of columns starting at <paramref name="coefFirst"/>.
    /// </summary>
    private void ReconstructTail(ReadOnlySpan<double> y, int n, double[] coef, int coefFirst, Span<double> dest)
    {
        int l = WindowSize, r = Rank, lastCol = n - l;
        for (int q = 0; q < l - 1; q++)
        {
            int i = n - l + 1 + q;
            int jLo = Math.Max(0, i - l + 1);
            double sum = 0;
            for (int j = jLo; j <= lastCol; j++)
            {
                int pos = i - j, c0 = (j - coefFirst) * r;
                double v = 0;
                for (int m = 0; m < r; m++) v += Basis[pos * r + m] * coef[c0 + m];
                sum += v;
            }
            dest[q] = sum / (lastCol - jLo + 1);
        }
    }

    /// <summary>Reconstruction of the last L-1 values of a history (length ≥ L).</summary>
    public void ReconstructTail(ReadOnlySpan<double> history, Span<double> dest)
    {
        int l = WindowSize, n = history.Length;
        int first = Math.Max(0, n - 2 * l + 2);
        var coef = ProjectColumns(history, first, n - l + 1 - first);
        ReconstructTail(history, n, coef, first, dest);
    }

    /// <summary>Runs the recurrence from the last L-1 reconstructed values.</summary>
    public double[] Recur(ReadOnlySpan<double> start, int horizon)
    {
        int l = WindowSize;
        var buf = new double[l - 1 + horizon];
        start.CopyTo(buf);
        var result = new double[horizon];
        for (int h = 0; h < horizon; h++)
        {
            double f = 0;
            for (int a = 0; a < l - 1; a++) f += Recurrence[a] * buf[h + a];
            buf[l - 1 + h] = f;
            result[h] = f;
        }
        return result;
    }

    /// <summary>Standard deviation multipliers sqrt(Σ_{i&lt;h} ψ_i²) of the LRF viewed as an AR(L-1) model.</summary>
    public double[] ErrorMultipliers(int horizon)
    {
        int l = WindowSize;
        var psi = new double[horizon];
        var mult = new double[horizon];
        double acc = 0;
        for (int h = 0; h < horizon; h++)
        {
            double p = h == 0 ? 1.0 : 0.0;
            for (int lag = 1; lag <= Math.Min(h, l - 1); lag++) p += Recurrence[l - 1 - lag] * psi[h - lag];
            psi[h] = p;
            acc += p * p;
            mult[h] = Math.Sqrt(acc);
        }
        return mult;
    }
}
