namespace MlNetLstm.Models;

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
