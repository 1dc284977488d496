namespace MlNetLstm.Kernels;

/// <summary>
/// Matrix-vector products for batch-1 (streaming) recurrent steps. The weight is stored transposed,
/// <c>wT[k, n]</c> row-major (one row per input element), so the loop runs along the outputs and
/// needs no horizontal sums: <c>y[j] += sum_p x[p] * wT[p, j]</c>.
/// </summary>
public static partial class Gemv
{
    /// <summary>
    /// Accumulates <c>y[j] += sum_{p &lt; k} x[p] * wT[p * n + j]</c> for j in [0, n).
    /// </summary>
    /// <param name="wT">Transposed weight, [k, n] row-major (length at least k * n).</param>
    /// <param name="k">Number of inputs (rows of wT).</param>
    /// <param name="n">Number of outputs (columns of wT).</param>
    /// <param name="x">Input vector, length k.</param>
    /// <param name="y">Output vector, length n; accumulated into.</param>
    public static void MultiplyTransposedAdd(ReadOnlySpan<float> wT, int k, int n, ReadOnlySpan<float> x, Span<float> y)
        => MultiplyTransposedAddScalar(wT, k, n, x, y);

    /// <summary>Scalar reference (the test oracle and the fallback).</summary>
    internal static void MultiplyTransposedAddScalar(ReadOnlySpan<float> wT, int k, int n, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int p = 0; p < k; p++)
        {
            float xp = x[p];
            ReadOnlySpan<float> row = wT.Slice(p * n, n);
            for (int j = 0; j < n; j++)
            {
                y[j] += xp * row[j];
            }
        }
    }
}
