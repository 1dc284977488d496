using System.Runtime.CompilerServices;
namespace MlNetLstm.Volatility.Estimation;

/// <summary>Tiny dense symmetric linear algebra for k x k problems (k &lt;= ~20), row-major arrays.</summary>
internal static class SmallDense
{
    /// <summary>In-place Cholesky factor L (lower) of a symmetric positive definite matrix; false if not PD.</summary>
    public static bool Cholesky(double[] a, int k)
    {
        for (int j = 0; j < k; j++)
        {
            double d = a[j * k + j];
            for (int m = 0; m < j; m++)
            {
                d -= a[j * k + m] * a[j * k + m];
            }

            if (!(d > 0) || !double.IsFinite(d))
            {
                return false;
            }

            d = Math.Sqrt(d);
            a[j * k + j] = d;
            for (int i = j + 1; i < k; i++)
            {
                double s = a[i * k + j];
                for (int m = 0; m < j; m++)
                {
                    s -= a[i * k + m] * a[j * k + m];
                }

                a[i * k + j] = s / d;
            }

            for (int i = 0; i < j; i++)
            {
                a[i * k + j] = 0;
            }
        }

        return true;
    }

    /// <summary>Solves L L' x = b in place given the factor from <see cref="Cholesky"/>.</summary>
    public static void CholeskySolve(double[] l, int k, Span<double> b)
    {
        for (int i = 0; i < k; i++)
        {
            double s = b[i];
            for (int m = 0; m < i; m++)
            {
                s -= l[i * k + m] * b[m];
            }

            b[i] = s / l[i * k + i];
        }

        for (int i = k - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int m = i + 1; m < k; m++)
            {
                s -= l[m * k + i] * b[m];
            }

            b[i] = s / l[i * k + i];
        }
    }

    /// <summary>Inverse of a symmetric positive definite matrix, or null when it is not PD.</summary>
    public static double[]? InverseSpd(double[] a, int k)
    {
        var l = (double[])a.Clone();
        if (!Cholesky(l, k))
        {
            return null;
        }

        var inv = new double[k * k];
        var col = new double[k];
        for (int j = 0; j < k; j++)
        {
            Array.Clear(col);
            col[j] = 1;
            CholeskySolve(l, k, col);
            for (int i = 0; i < k; i++)
            {
                inv[i * k + j] = col[i];
            }
        }

        return inv;
    }

    /// <summary>S' S for row-major n x k scores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // n x k scores: one pass per fit
    public static double[] CrossProduct(ReadOnlySpan<double> s, int n, int k)
    {
        var g = new double[k * k];
        for (int t = 0; t < n; t++)
        {
            var row = s.Slice(t * k, k);
            for (int i = 0; i < k; i++)
            {
                double ri = row[i];
                for (int j = 0; j <= i; j++)
                {
                    g[i * k + j] += ri * row[j];
                }
            }
        }

        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < i; j++)
            {
                g[j * k + i] = g[i * k + j];
            }
        }

        return g;
    }
}
