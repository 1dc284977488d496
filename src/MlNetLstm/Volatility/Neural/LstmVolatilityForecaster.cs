using MlNetLstm.Evaluation;
using MlNetLstm.Models;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// A fitted <see cref="LstmVolatilityModel"/>: immutable and thread-safe (every call uses its own streaming engine).
/// </summary>
public sealed class LstmVolatilityForecaster : IFittedVarianceModel
{
    internal LstmVolatilityForecaster(string name, LstmVolatilityOptions options, RecurrentNetwork network, double scale, LstmTrainingSummary training)
    {
        Name = name; Options = options; Network = network; Scale = scale; Training = training;
    }

    /// <summary>"lstm-regime" or "lstm".</summary>
    public string Name { get; }

    /// <summary>The options it was fitted with.</summary>
    public LstmVolatilityOptions Options { get; }

    /// <summary>The trained network (one LSTM layer, inputs [u, |u|, log b], every-step head).</summary>
    public RecurrentNetwork Network { get; }

    /// <summary>The return scale s = sqrt(mean(r²)) of the training window.</summary>
    public double Scale { get; }

    /// <summary>How training went.</summary>
    public LstmTrainingSummary Training { get; }

    /// <summary>The learned regime coefficients beta = softplus(rho) per unit (empty for the plain LSTM).</summary>
    public float[] RegimeBeta =>
        Network.Layout.Contains("forget_modifier_rho_l0")
            ? Network.GetParameter("forget_modifier_rho_l0").Select(RegimeForgetModifier.Softplus).ToArray()
            : [];

    /// <summary>
    /// Variance forecasts for the next <paramref name="horizon"/> returns given all returns so far. The network reads the
    /// last <see cref="LstmVolatilityOptions.ContextLength"/> returns from a zero state; the EWMA baseline reads them all.
    /// Step k: <c>h_{T+k} = s² b_{T+1} exp(λ^{k-1} B tanh(y_T / B))</c>: the EWMA forecast is flat in k and the LSTM's
    /// log-correction fades at the EWMA's own rate λ.
    /// </summary>
    /// <param name="history">Returns observed so far, oldest first (finite, non-empty).</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        VolatilityFeatures.Validate(history, nameof(history));
        int n = history.Length, start = Math.Max(0, n - Options.ContextLength);
        double b = 1;
        for (int t = 0; t < start; t++) b = VolatilityFeatures.NextBaseline(b, history[t] / Scale, Options.EwmaLambda);
        RecurrentStreamingEngine engine = Network.CreateStreamingEngine();
        Span<float> x = stackalloc float[VolatilityFeatures.InputSize];
        Span<float> e = stackalloc float[1];
        bool regime = Network.Spec.ForgetGateModifier != null;
        float y = 0;
        for (int t = start; t < n; t++)
        {
            double u = history[t] / Scale;
            b = VolatilityFeatures.NextBaseline(b, u, Options.EwmaLambda);
            VolatilityFeatures.Features(u, b, x);
            e[0] = x[1];
            y = engine.Step(x, regime ? e : default)[0];
        }
        double correction = Options.CorrectionBound * Math.Tanh(y / Options.CorrectionBound);
        var result = new double[horizon];
        double fade = 1;
        for (int k = 0; k < horizon; k++)
        {
            result[k] = Scale * Scale * b * Math.Exp(fade * correction);
            fade *= Options.EwmaLambda;
        }
        return result;
    }

    /// <summary>
    /// Runs the network statefully over the whole <paramref name="returns"/> series and records, per step t, the
    /// one-step variance forecast for t+1 and the mean (over units) forget, input and output gate activations and
    /// regime term: what the network kept, wrote and forgot.
    /// </summary>
    /// <param name="returns">Returns, oldest first.</param>
    public VolatilityTelemetry Explain(ReadOnlySpan<double> returns)
    {
        VolatilityFeatures.Validate(returns, nameof(returns));
        int n = returns.Length;
        var forecast = new double[n];
        var forget = new double[n];
        var input = new double[n];
        var output = new double[n];
        var term = new double[n];
        RecurrentStreamingEngine engine = Network.CreateStreamingEngine();
        Span<float> x = stackalloc float[VolatilityFeatures.InputSize];
        Span<float> e = stackalloc float[1];
        bool regime = Network.Spec.ForgetGateModifier != null;
        double b = 1;
        for (int t = 0; t < n; t++)
        {
            double u = returns[t] / Scale;
            b = VolatilityFeatures.NextBaseline(b, u, Options.EwmaLambda);
            VolatilityFeatures.Features(u, b, x);
            e[0] = x[1];
            float y = engine.Step(x, regime ? e : default)[0];
            forecast[t] = Scale * Scale * b * Math.Exp(Options.CorrectionBound * Math.Tanh(y / Options.CorrectionBound));
            forget[t] = Mean(engine.GetSignal(GateSignal.ForgetGate));
            input[t] = Mean(engine.GetSignal(GateSignal.InputGate));
            output[t] = Mean(engine.GetSignal(GateSignal.OutputGate));
            term[t] = regime ? Mean(engine.GetSignal(GateSignal.ForgetModifierTerm)) : 0;
        }
        return new VolatilityTelemetry(forecast, forget, input, output, term);
    }

    private static double Mean(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float f in v) s += f;
        return v.IsEmpty ? double.NaN : s / v.Length;
    }
}

/// <summary>Per-step telemetry of <see cref="LstmVolatilityForecaster.Explain"/>; every array has one value per input return.</summary>
/// <param name="Forecast">Variance forecast of the next return, made at step t.</param>
/// <param name="ForgetGate">Mean forget-gate activation over units (1 keeps the cell, 0 forgets it).</param>
/// <param name="InputGate">Mean input-gate activation (how much is written).</param>
/// <param name="OutputGate">Mean output-gate activation (how much is read out).</param>
/// <param name="RegimeTerm">Mean regime term -beta ⊙ |u_t| added to z_f (0 for the plain LSTM).</param>
public sealed record VolatilityTelemetry(double[] Forecast, double[] ForgetGate, double[] InputGate, double[] OutputGate, double[] RegimeTerm);
