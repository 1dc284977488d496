// AddColumnSums: destination[j] += sum over rows of matrix[r, j]. Driver: ElementwiseDriver.FoldColumns with
// AddOperator (Add.cs); rows in order 0..rows-1 on every path, so bitwise equal to the scalar loop.
namespace MlNetLstm.Kernels;

public static partial class VectorOps
{
    /// <summary>
    /// destination[j] += sum over rows of matrix[r, j] (column sums of a row-major [rows, N] matrix, N = destination
    /// length). The rows are added in order 0..rows-1 on every path, so the result equals the scalar loop bit for bit.
    /// </summary>
    /// <param name="matrix">Row-major [rows, N].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="destination">Accumulator, length N.</param>
    /// <exception cref="ArgumentOutOfRangeException">rows is negative.</exception>
    /// <exception cref="ArgumentException">matrix is shorter than rows * N.</exception>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, int rows, Span<float> destination)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Length(matrix.Length, (long)rows * destination.Length, nameof(matrix));
        ElementwiseDriver.FoldColumns(KernelDispatch.Active, default(AddOperator), matrix, rows, destination);
    }

    /// <summary><see cref="AddColumnSums(ReadOnlySpan{float}, int, Span{float})"/> on the given path (no checks).</summary>
    internal static void AddColumnSums(IsaLevel isa, ReadOnlySpan<float> matrix, int rows, Span<float> destination)
        => ElementwiseDriver.FoldColumns(isa, default(AddOperator), matrix, rows, destination);
}
