namespace MlNetLstm.Models;

/// <summary>
/// Extension point on the LSTM forget-gate pre-activation. At every step t, for every layer and direction, the cell computes
/// <c>z_f = W_if x_t + b_if + W_hf h_{t-1} + b_hf + m_t</c>, where the modifier term <c>m_t [B, H]</c> is produced by
/// <see cref="Forward"/> from the modifier's own parameters and the step's extra input <c>e_t [B, E]</c> (for example |r_t|).
/// In the backward pass the cell hands back <c>dL/dz_f = dL/dm_t</c> and the modifier accumulates its parameter gradients.
/// Implementations must be stateless (thread-safe): all state lives in the parameter slice they are given.
/// </summary>
public interface IForgetGateModifier
{
    /// <summary>Short name; parameters are stored as "forget_modifier_{parameterName}_l{k}[_reverse]".</summary>
    string Name { get; }

    /// <summary>Extra input features per step, E &gt;= 0 (supplied to the network as an extra [B, T, E] tensor).</summary>
    int ExtraInputSize { get; }

    /// <summary>Names and shapes of this modifier's parameters for hidden size <paramref name="hiddenSize"/>; they are stored contiguously in this order.</summary>
    /// <param name="hiddenSize">Hidden units H of the layer.</param>
    IReadOnlyList<(string Name, int[] Shape)> GetParameterShapes(int hiddenSize);

    /// <summary>Writes initial values into the modifier's contiguous parameter slice.</summary>
    /// <param name="parameters">The modifier's parameters for one layer and direction.</param>
    /// <param name="hiddenSize">Hidden units H.</param>
    void InitializeParameters(Span<float> parameters, int hiddenSize);

    /// <summary>Computes the forget-gate term m [B, H] (row-major, overwritten).</summary>
    /// <param name="parameters">The modifier's parameters for this layer and direction.</param>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hiddenSize">Hidden units H.</param>
    /// <param name="extra">The step's extra input [B, E].</param>
    /// <param name="term">Output term [B, H].</param>
    void Forward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra, Span<float> term);

    /// <summary>Accumulates (adds) dL/dθ given dL/dm = <paramref name="termGradient"/> [B, H].</summary>
    /// <param name="parameters">The modifier's parameters for this layer and direction.</param>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hiddenSize">Hidden units H.</param>
    /// <param name="extra">The step's extra input [B, E].</param>
    /// <param name="termGradient">Gradient with respect to the term (equal to dL/dz_f) [B, H].</param>
    /// <param name="parameterGradients">Gradient slice to add into (same layout as <paramref name="parameters"/>).</param>
    void Backward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra,
        ReadOnlySpan<float> termGradient, Span<float> parameterGradients);
}
