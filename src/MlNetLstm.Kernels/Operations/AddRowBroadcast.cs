// AddRowBroadcast: matrix[r, j] += bias[j]. Driver: ElementwiseDriver.MapRows with AddOperator (Add.cs); bitwise
// equal to the scalar loop on every path.
namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>Adds <paramref name="bias"/> (length N) to every row of the row-major [rows, N] matrix: matrix[r, j] += bias[j].</summary>
    /// <param name="bias">Row vector, length N.</param>
    /// <param name="matrix">Row-major [rows, N], updated in place.</param>
    /// <param name="rows">Number of rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">rows is negative.</exception>
    /// <exception cref="ArgumentException">matrix is shorter than rows * N.</exception>
    public static void AddRowBroadcast(ReadOnlySpan<float> bias, Span<float> matrix, int rows)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Length(matrix.Length, (long)rows * bias.Length, nameof(matrix));
        ElementwiseDriver.MapRows(KernelDispatch.Active, default(AddOperator), bias, matrix, rows);
    }

    /// <summary><see cref="AddRowBroadcast(ReadOnlySpan{float}, Span{float}, int)"/> on the given path (no checks).</summary>
    internal static void AddRowBroadcast(IsaLevel isa, ReadOnlySpan<float> bias, Span<float> matrix, int rows)
        => ElementwiseDriver.MapRows(isa, default(AddOperator), bias, matrix, rows);
}
