namespace MlNetLstm.Models;

/// <summary>
/// Regime-adaptive forget gate with a signed (leverage) term: <c>m[b, j] = sum_e ( -beta[j, e] |e_t[b, e]| + gamma[j, e] e_t[b, e] )</c>,
/// with <c>beta = softplus(rho) &gt;= 0</c> (parameter "rho" [H, E]) and an unconstrained <c>gamma</c> (parameter "gamma" [H, E],
/// initialised to 0, so the untrained modifier equals <see cref="RegimeForgetModifier"/> with the same rho). Fed the signed return
/// e_t = u_t, a unit with gamma &gt; 0 closes its forget gate more after a fall than after a rise of the same size
/// (-beta |u| + gamma u = -(beta + gamma) |u| for u &lt; 0 and -(beta - gamma) |u| for u &gt; 0): the leverage effect.
/// Gradients: <c>dρ[j, e] = -sum_b dm[b, j] |e[b, e]| sigmoid(ρ[j, e])</c>, <c>dγ[j, e] = sum_b dm[b, j] e[b, e]</c>.
/// </summary>
public sealed class LeverageForgetModifier : IForgetGateModifier
{
    /// <summary>Creates the modifier.</summary>
    /// <param name="extraInputSize">E, the number of extra (signed) inputs per step, usually 1. Must be positive.</param>
    /// <param name="initialBeta">Initial beta &gt; 0 for every unit (gamma starts at 0).</param>
    public LeverageForgetModifier(int extraInputSize = 1, float initialBeta = RegimeForgetModifier.DefaultInitialBeta)
    {
        if (extraInputSize <= 0) throw new ArgumentOutOfRangeException(nameof(extraInputSize), extraInputSize, "Must be positive.");
        if (!(initialBeta > 0f) || !float.IsFinite(initialBeta))
            throw new ArgumentOutOfRangeException(nameof(initialBeta), initialBeta, "Must be positive and finite.");
        ExtraInputSize = extraInputSize;
        InitialBeta = initialBeta;
    }

    /// <summary>The modifier's name in model files.</summary>
    public const string ModifierName = "regime-leverage";

    /// <inheritdoc />
    public string Name => ModifierName;

    /// <inheritdoc />
    public int ExtraInputSize { get; }

    /// <summary>Initial beta for every unit.</summary>
    public float InitialBeta { get; }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, int[] Shape)> GetParameterShapes(int hiddenSize) =>
        [("rho", [hiddenSize, ExtraInputSize]), ("gamma", [hiddenSize, ExtraInputSize])];

    /// <inheritdoc />
    public void InitializeParameters(Span<float> parameters, int hiddenSize)
    {
        int n = hiddenSize * ExtraInputSize;
        parameters[..n].Fill(MathF.Log(MathF.Exp(InitialBeta) - 1f));
        parameters.Slice(n, n).Clear();
    }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra, Span<float> term)
    {
        int e = ExtraInputSize, n = hiddenSize * e;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < hiddenSize; j++)
            {
                float s = 0f;
                for (int k = 0; k < e; k++)
                {
                    float v = extra[b * e + k];
                    s += -RegimeForgetModifier.Softplus(parameters[j * e + k]) * MathF.Abs(v) + parameters[n + j * e + k] * v;
                }
                term[b * hiddenSize + j] = s;
            }
        }
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> parameters, int batch, int hiddenSize, ReadOnlySpan<float> extra,
        ReadOnlySpan<float> termGradient, Span<float> parameterGradients)
    {
        int e = ExtraInputSize, n = hiddenSize * e;
        for (int j = 0; j < hiddenSize; j++)
        {
            for (int k = 0; k < e; k++)
            {
                float sAbs = 0f, sSigned = 0f;
                for (int b = 0; b < batch; b++)
                {
                    float g = termGradient[b * hiddenSize + j], v = extra[b * e + k];
                    sAbs += g * MathF.Abs(v);
                    sSigned += g * v;
                }
                float rho = parameters[j * e + k];
                parameterGradients[j * e + k] -= sAbs / (1f + MathF.Exp(-rho));
                parameterGradients[n + j * e + k] += sSigned;
            }
        }
    }
}
