namespace MlNetLstm.Models.Attention;

/// <summary>Immutable gradients from <see cref="LocalWindowAttention.ComputeGradients"/>.</summary>
public sealed class LocalWindowAttentionGradients
{
    private readonly float[] _p, _x;
    internal LocalWindowAttentionGradients(float[] parameters, float[] inputs) { _p = parameters; _x = inputs; }
    /// <summary>dL/dθ, flat, laid out as <see cref="LocalWindowAttention.Layout"/>.</summary>
    public ReadOnlySpan<float> Parameters => _p;
    /// <summary>dL/dinputs [B, T, I].</summary>
    public ReadOnlySpan<float> Inputs => _x;
}
