namespace MlNetLstm.Models;

/// <summary>Immutable gradients from the RecurrentNetwork.ComputeGradients overloads.</summary>
public sealed class RecurrentGradients
{
    private readonly float[] _p, _x;
    internal RecurrentGradients(float[] parameters, float[] inputs, double loss = double.NaN, double inputGatePenalty = 0)
    {
        _p = parameters; _x = inputs; Loss = loss; InputGatePenalty = inputGatePenalty;
    }
    /// <summary>The loss value when computed with an <see cref="OutputLoss"/> callback (including <see cref="InputGatePenalty"/>), else NaN.</summary>
    public double Loss { get; }
    /// <summary>The input-gate penalty's value λ · mean(i) included in the gradients (0 without a penalty).</summary>
    public double InputGatePenalty { get; }
    /// <summary>dL/dθ, flat, laid out as <see cref="RecurrentNetwork.Layout"/>.</summary>
    public ReadOnlySpan<float> Parameters => _p;
    /// <summary>dL/dinputs [B, T, I].</summary>
    public ReadOnlySpan<float> Inputs => _x;
}
