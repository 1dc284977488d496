namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// Parameters of the GARCH(1,1) baseline input of the hybrid LSTM-GARCH (<see cref="LstmVolatilityOptions.GarchFeature"/>), or of the
/// GJR-GARCH(1,1,1) of the <see cref="VolatilityAnchor.Gjr"/> anchor, in scaled units u = r / s, with e_t = u_t - Mu:
/// <c>h_{t+1} = Omega + (Alpha + Gamma 1[e_t &lt; 0]) e_t² + Beta h_t</c>, with <c>h_0 = Omega + (Alpha + Gamma / 2 + Beta) Backcast</c>
/// (Gamma = 0: the GARCH(1,1)).
/// </summary>
/// <param name="Mu">Constant mean μ.</param>
/// <param name="Omega">ω &gt; 0.</param>
/// <param name="Alpha">α ≥ 0.</param>
/// <param name="Beta">β ≥ 0.</param>
/// <param name="Backcast">Pre-sample variance used for the lagged squared residual and variance at t = 0.</param>
/// <param name="Gamma">The GJR asymmetry γ (α + γ ≥ 0); 0 for the GARCH(1,1).</param>
public sealed record GarchFeatureParameters(double Mu, double Omega, double Alpha, double Beta, double Backcast, double Gamma = 0)
{
    /// <summary>Persistence α + γ/2 + β: the k-step forecast reverts as <c>h_{k+1} = ω + (α + γ/2 + β) h_k</c>.</summary>
    public double Persistence => Alpha + 0.5 * Gamma + Beta;

    /// <summary>Throws <see cref="ArgumentException"/> unless every parameter is finite, ω and the backcast positive, α, β ≥ 0 and α + γ ≥ 0.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Gamma) || !(Alpha + Gamma >= 0)) throw new ArgumentException($"GJR feature gamma = {Gamma} must be finite with alpha + gamma >= 0 (alpha = {Alpha}).", nameof(Gamma));
        if (!double.IsFinite(Mu)) throw new ArgumentException($"GARCH feature mu = {Mu} must be finite.", nameof(Mu));
        if (!(Omega > 0) || !double.IsFinite(Omega)) throw new ArgumentException($"GARCH feature omega = {Omega} must be positive and finite.", nameof(Omega));
        if (!(Alpha >= 0) || !double.IsFinite(Alpha)) throw new ArgumentException($"GARCH feature alpha = {Alpha} must be non-negative and finite.", nameof(Alpha));
        if (!(Beta >= 0) || !double.IsFinite(Beta)) throw new ArgumentException($"GARCH feature beta = {Beta} must be non-negative and finite.", nameof(Beta));
        if (!(Backcast > 0) || !double.IsFinite(Backcast)) throw new ArgumentException($"GARCH feature backcast = {Backcast} must be positive and finite.", nameof(Backcast));
    }
}
