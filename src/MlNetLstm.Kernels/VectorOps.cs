namespace MlNetLstm.Kernels;

/// <summary>
/// Small element-wise vector kernels used by layers and optimizers. Spans at the boundary, destination last.
/// </summary>
public static partial class VectorOps
{
    /// <summary>y[i] += alpha * x[i].</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>destination[i] = x[i] + y[i].</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] + y[i];
    }

    /// <summary>Adds <paramref name="bias"/> (length N) to every row of the row-major [rows, N] matrix.</summary>
    public static void AddRowBroadcast(ReadOnlySpan<float> bias, Span<float> matrix, int rows)
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = matrix.Slice(r * n, n);
            for (int j = 0; j < n; j++) row[j] += bias[j];
        }
    }

    /// <summary>destination[j] += sum over rows of matrix[r, j] (column sums of a row-major [rows, N] matrix, N = destination length).</summary>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, int rows, Span<float> destination)
    {
        int n = destination.Length;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = matrix.Slice(r * n, n);
            for (int j = 0; j < n; j++) destination[j] += row[j];
        }
    }

    /// <summary>Returns sum_i x[i] * y[i].</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>Returns sum_i x[i]^2 accumulated in double precision (used for gradient-norm clipping).</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * x[i];
        return s;
    }

    /// <summary>x[i] *= alpha.</summary>
    public static void Scale(float alpha, Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }

    /// <summary>Returns true when every element is finite (no NaN or infinity).</summary>
    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        for (int i = 0; i < x.Length; i++) if (!float.IsFinite(x[i])) return false;
        return true;
    }
}
