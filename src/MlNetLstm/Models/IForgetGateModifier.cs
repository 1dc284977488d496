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

/// <summary>
/// Regime-adaptive forget gate: <c>z_f -= beta ⊙ |e_t|</c>, i.e. <c>m[b, j] = -sum_e beta[j, e] |e_t[b, e]|</c>, with
/// <c>beta = softplus(rho) = log(1 + exp(rho)) &gt;= 0</c> learned per unit (parameter "rho" [H, E]). Large shocks |r_t| close the
/// forget gate, so the cell forgets the calm regime faster. Gradient: dρ[j, e] = -sum_b dm[b, j] |e[b, e]| sigmoid(ρ[j, e]).
/// </summary>
public sealed class RegimeForgetModifier : IForgetGateModifier
{
    /// <summary>Default initial beta (softplus(rho) at initialisation).</summary>
    public const float DefaultInitialBeta = 0.1f;

    /// <summary>Creates the modifier.</summary>
    /// <param name="extraInputSize">E, the number of extra inputs per step (usually 1: the return r_t). Must be positive.</param>
    /// <param name="initialBeta">Initial beta &gt; 0 for every unit.</param>
    public RegimeForgetModifier(int extraInputSize = 1, float initialBeta = DefaultInitialBeta)
    {
        if (extraInputSize <= 0) throw new ArgumentOutOfRangeException(nameof(extraInputSize), extraInputSize, "Must be positive.");
        if (!(initialBeta > 0f) || !float.IsFinite(initialBeta))
            throw new ArgumentOutOfRangeException(nameof(initialBeta), initialBeta, "Must be positive and finite.");
        ExtraInputSize = extraInputSize;
        InitialBeta = initialBeta;
    }

    /// <inheritdoc />
    public string Name => "regime";

    /// <inheritdoc />
    public int ExtraInputSize { get; }

    /// <summary>Initial beta for every unit.</summary>
    public float InitialBeta { get; }

    /// <summary>beta = softplus(rho), computed stably.</summary>
    /// <param name="rho">Raw parameter.</param>
    public static float Softplus(float rho) => rho > 20f ? rho : MathF.Log(1f + MathF.Exp(rho));

    /// <inheritdoc />
    public IReadOnlyList<(string Name, int[] Shape)> GetParameterShapes(int hiddenSize) => [("rho", [hiddenSize, ExtraInputSize])];

    /// <inheritdoc />
    public void InitializeParameters(Span<float> parameters, int hiddenSize)
    {
        // rho = softplus^{-1}(beta) = log(exp(beta) - 1)
        float rho = MathF.Log(MathF.Exp(InitialBeta) - 1f);
        parameters[..(hiddenSize * ExtraInputSize)].Fill(rho);
    }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra, Span<float> term)
    {
        int e = ExtraInputSize;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < hiddenSize; j++)
            {
                float s = 0f;
                for (int k = 0; k < e; k++) s += Softplus(parameters[j * e + k]) * MathF.Abs(extra[b * e + k]);
                term[b * hiddenSize + j] = -s;
            }
        }
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra,
        ReadOnlySpan<float> termGradient, Span<float> parameterGradients)
    {
        int e = ExtraInputSize;
        for (int j = 0; j < hiddenSize; j++)
        {
            for (int k = 0; k < e; k++)
            {
                float s = 0f;
                for (int b = 0; b < batch; b++) s += termGradient[b * hiddenSize + j] * MathF.Abs(extra[b * e + k]);
                float rho = parameters[j * e + k];
                float sig = 1f / (1f + MathF.Exp(-rho));
                parameterGradients[j * e + k] -= s * sig;
            }
        }
    }
}
