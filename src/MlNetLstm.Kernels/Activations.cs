// Activations: sigmoid and tanh over spans; the operations live in Operations/Sigmoid.cs and Operations/Tanh.cs
// (operator structs over SimdMath, run by ElementwiseDriver.Map). Scalar path: the MathF reference (the oracle).
// Layout: contiguous spans; destination may be the very same span as x (in place).
// Approximation (all vector paths): see SimdMath.cs. Maximum absolute error against double precision:
// sigmoid <= 2e-7, tanh <= 5e-7 (measured over [-20, 20] plus extremes by the tests); exact saturation to 0/1/+-1;
// NaN in gives NaN out; finite input never produces NaN.
namespace MlNetLstm.Kernels;

/// <summary>
/// Element-wise activations: <c>sigmoid(x) = 1 / (1 + exp(-x))</c> and <c>tanh(x)</c>.
/// The SIMD paths use an exp-based approximation with maximum absolute error 2e-7 (sigmoid) and 5e-7 (tanh).
/// </summary>
public static partial class Activations
{
    /// <summary>Maximum absolute error of the vectorised sigmoid against the exact function (enforced by tests).</summary>
    public const float SigmoidMaxAbsError = 2e-7f;

    /// <summary>Maximum absolute error of the vectorised tanh against the exact function (enforced by tests).</summary>
    public const float TanhMaxAbsError = 5e-7f;

    /// <summary>Scalar logistic sigmoid, the reference: <c>1 / (1 + MathF.Exp(-x))</c>.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>sigmoid(x) in [0, 1].</returns>
    public static float SigmoidScalar(float x) => 1f / (1f + MathF.Exp(-x));
}
