// Small element-wise vector kernels, one operation per file under Operations/ (Add, Axpy, Scale, AddRowBroadcast,
// AddColumnSums, Dot, SumOfSquares, AllFinite). Each file holds the public method (argument checks), an internal
// overload taking the IsaLevel (tests and benchmarks run every path through it) and its operator struct; the loops,
// unrolling, tails and the ISA dispatch live in ElementwiseDriver.cs and KernelDispatch.cs.
// Layout: contiguous spans, destination last.
namespace MlNetLstm.Kernels;

/// <summary>
/// Small element-wise vector kernels used by layers and optimizers. Spans at the boundary, destination last.
/// </summary>
public static partial class VectorOps;
