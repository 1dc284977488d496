namespace MlNetLstm;

/// <summary>
/// How a return is computed from two consecutive prices p_{t-1}, p_t. Shared by <c>MlNetLstm.Data.PriceReturns</c>,
/// <c>MlNetLstm.Features.Returns</c> and the ML.NET adapter.
/// </summary>
/// <remarks>
/// The ordinals are persisted (the ML.NET adapter saves <c>(int)kind</c>): Simple = 0, Log = 1, the values of the
/// former <c>MlNetLstm.Features.ReturnKind</c>. They must never change. The former <c>MlNetLstm.Data.ReturnKind</c>
/// (Log = 0, Simple = 1) was never written to any file.
/// </remarks>
public enum ReturnKind
{
    /// <summary>Simple return <c>p_t / p_{t-1} - 1</c>.</summary>
    Simple = 0,

    /// <summary>Log return <c>ln(p_t / p_{t-1})</c>; requires strictly positive prices.</summary>
    Log = 1,
}
