namespace MlNetLstm.Kernels;

/// <summary>
/// Element-wise activations: <c>sigmoid(x) = 1 / (1 + exp(-x))</c> and <c>tanh(x)</c>.
/// </summary>
public static partial class Activations
{
    /// <summary>destination[i] = 1 / (1 + exp(-x[i])). x and destination may be the same span.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = SigmoidScalar(x[i]);
    }

    /// <summary>destination[i] = tanh(x[i]). x and destination may be the same span.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = MathF.Tanh(x[i]);
    }

    /// <summary>Scalar logistic sigmoid, the reference.</summary>
    public static float SigmoidScalar(float x) => 1f / (1f + MathF.Exp(-x));
}
