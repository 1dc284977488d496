namespace MlNetLstm.Volatility.Neural;

/// <summary>Per-step telemetry of <see cref="LstmVolatilityForecaster.Explain"/>; every array has one value per input return.</summary>
/// <param name="Forecast">Variance forecast of the next return, made at step t.</param>
/// <param name="ForgetGate">Mean forget-gate activation over units (1 keeps the cell, 0 forgets it).</param>
/// <param name="InputGate">Mean input-gate activation (how much is written).</param>
/// <param name="OutputGate">Mean output-gate activation (how much is read out).</param>
/// <param name="RegimeTerm">Mean regime term added to z_f (-beta ⊙ e_t with e_t = |u_t| or |u_t| / sqrt(a_t), or -beta ⊙ |u_t| + gamma ⊙ u_t; 0 for the plain LSTM).</param>
public sealed record VolatilityTelemetry(double[] Forecast, double[] ForgetGate, double[] InputGate, double[] OutputGate, double[] RegimeTerm);
