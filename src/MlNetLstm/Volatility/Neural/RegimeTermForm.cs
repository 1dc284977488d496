namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// The form of the regime term the forget gate of the "lstm-regime" model adds (<see cref="LstmVolatilityOptions.RegimeForm"/>),
/// with u_t = r_t / s the scaled return and <c>beta = softplus(rho) &gt;= 0</c> learned per unit.
/// </summary>
public enum RegimeTermForm
{
    /// <summary><c>z_f -= beta ⊙ |u_t|</c> (the original form; <see cref="Models.RegimeForgetModifier"/> fed |u_t|).</summary>
    AbsoluteShock = 0,

    /// <summary>
    /// The shock relative to the current regime: <c>z_f -= beta ⊙ |u_t| / sqrt(a_t)</c>, where a_t is the anchor's forecast of the
    /// variance of u_t made the step before (so a return the size the regime expects gives the same term in calm and turbulent
    /// times); <see cref="Models.RegimeForgetModifier"/> fed that ratio, clipped to 10.
    /// </summary>
    RelativeShock = 1,

    /// <summary>
    /// Signed (leverage) term: <c>z_f += -beta ⊙ |u_t| + gamma ⊙ u_t</c> with an unconstrained gamma per unit, initialised to 0
    /// (<see cref="Models.LeverageForgetModifier"/> fed u_t): falls and rises of the same size can close the gate differently.
    /// </summary>
    Leverage = 2,
}
