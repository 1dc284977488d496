using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Models;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// A fitted <see cref="LstmVolatilityModel"/>: immutable and thread-safe (every call uses its own streaming engine).
/// </summary>
public sealed partial class LstmVolatilityForecaster : IFittedVarianceModel
{
    internal LstmVolatilityForecaster(string name, LstmVolatilityOptions options, RecurrentNetwork network, LstmVolatilityInputs inputs, LstmTrainingSummary training,
        double correctionWeight = 1)
    {
        if (!(correctionWeight >= 0 && correctionWeight <= 1))
            throw new ArgumentOutOfRangeException(nameof(correctionWeight), correctionWeight, "correctionWeight must be in [0, 1].");
        CorrectionWeight = correctionWeight;
        if (network.Spec.InputSize != inputs.InputSize)
            throw new ArgumentException($"The network reads {network.Spec.InputSize} inputs but the input transform makes {inputs.InputSize}.", nameof(network));
        if (network.Spec.OutputSize != options.Horizons)
            throw new ArgumentException($"The network has {network.Spec.OutputSize} outputs but the options ask for Horizons = {options.Horizons} heads.", nameof(network));
        Name = name; Options = options; Network = network; Inputs = inputs; Training = training;
    }

    /// <summary>"lstm-regime" or "lstm".</summary>
    public string Name { get; }

    /// <summary>The options it was fitted with.</summary>
    public LstmVolatilityOptions Options { get; }

    /// <summary>
    /// The trained network (one LSTM layer, inputs <see cref="LstmVolatilityInputs.InputNames"/>, every-step head with
    /// K = <see cref="LstmVolatilityOptions.Horizons"/> outputs: output k - 1 is the log-correction of the k-step forecast).
    /// </summary>
    public RecurrentNetwork Network { get; }

    /// <summary>
    /// The weight w in [0, 1] of the network's log-correction: <c>log h = log(s² a) + w B tanh(y / B)</c>. 1 unless
    /// <see cref="LstmVolatilityOptions.Shrinkage"/> chose it on the validation chunks; 0 is the anchor alone.
    /// </summary>
    public double CorrectionWeight { get; }

    /// <summary>
    /// This forecaster with another correction weight (same network, inputs and training summary): <c>w = 0</c> gives the anchor
    /// alone, 1 the unshrunk network. For ablations of <see cref="LstmVolatilityOptions.Shrinkage"/> without refitting.
    /// </summary>
    /// <param name="weight">The weight, in [0, 1].</param>
    public LstmVolatilityForecaster WithCorrectionWeight(double weight) => new(Name, Options, Network, Inputs, Training, weight);

    /// <summary>The fitted input transform: return scale, baselines and exogenous standardisation.</summary>
    public LstmVolatilityInputs Inputs { get; }

    /// <summary>The return scale s = sqrt(mean(r²)) of the training window.</summary>
    public double Scale => Inputs.Scale;

    /// <summary>Exogenous column names the model was fitted with (empty for none); forecasts need the same columns.</summary>
    public IReadOnlyList<string> ExogenousNames => Inputs.ExogenousNames;

    /// <summary>How training went.</summary>
    public LstmTrainingSummary Training { get; }

    /// <summary>The learned regime coefficients beta = softplus(rho) per unit (empty for the plain LSTM).</summary>
    public float[] RegimeBeta =>
        Network.Layout.Contains("forget_modifier_rho_l0")
            ? Network.GetParameter("forget_modifier_rho_l0").Select(RegimeForgetModifier.Softplus).ToArray()
            : [];

    /// <summary>
    /// The learned signed (leverage) coefficients gamma per unit of the <see cref="RegimeTermForm.Leverage"/> form
    /// (<c>z_f += -beta ⊙ |u_t| + gamma ⊙ u_t</c>); empty for the other forms and the plain LSTM.
    /// </summary>
    public float[] RegimeGamma =>
        Network.Layout.Contains("forget_modifier_gamma_l0") ? Network.GetParameter("forget_modifier_gamma_l0").ToArray() : [];

    /// <summary>
    /// Variance forecasts for the next <paramref name="horizon"/> returns given all returns so far, for a model fitted
    /// without exogenous inputs (see the overload with <see cref="ExogenousSeries"/> otherwise).
    /// </summary>
    /// <param name="history">Returns observed so far, oldest first (finite, non-empty).</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

    /// <summary>
    /// Variance forecasts for the next <paramref name="horizon"/> returns given all returns so far and, for a model fitted
    /// with exogenous inputs, their rows up to now. The network reads the last <see cref="LstmVolatilityOptions.ContextLength"/>
    /// steps from a zero state; the EWMA (and GARCH) baselines read them all. With K = <see cref="LstmVolatilityOptions.Horizons"/>
    /// direct heads y_T = [y_{T,1}, …, y_{T,K}], step k is
    /// <c>h_{T+k} = s² a_{T+k|T} exp(w B tanh(y_{T,k} / B))</c> for k ≤ K and <c>h_{T+k} = s² a_{T+k|T} exp(p^{k-K} w B tanh(y_{T,K} / B))</c> (w = <see cref="CorrectionWeight"/>)
    /// beyond, where a_{T+k|T} is the anchor's own k-step forecast (the EWMA's is flat; the GARCH's reverts,
    /// h^G_{k+1} = ω + (α + β) h^G_k; the blend combines the two) and the last head's log-correction fades at the anchor's
    /// persistence p (λ, α + β, or their mean). With K = 1 every step beyond the first fades the one-step correction,
    /// p^{k-1}. No exogenous values beyond T are needed.
    /// </summary>
    /// <param name="history">Returns observed so far, oldest first (finite, non-empty).</param>
    /// <param name="exogenousHistory">The fitted exogenous columns, one row per return in <paramref name="history"/>; null when the model has none.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    /// <exception cref="ArgumentException">Invalid returns, or exogenous columns that differ from the fitted ones (names, order, rows).</exception>
    public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        VolatilityFeatures.Validate(history, nameof(history));
        Inputs.CheckExogenous(exogenousHistory, history.Length, nameof(exogenousHistory));
        int n = history.Length, start = Math.Max(0, n - Options.ContextLength);
        LstmVolatilityInputs.State state = Inputs.Start();
        for (int t = 0; t < start; t++) Inputs.Advance(ref state, history[t]);
        RecurrentStreamingEngine engine = Network.CreateStreamingEngine();
        Span<float> x = Inputs.InputSize <= 256 ? stackalloc float[Inputs.InputSize] : new float[Inputs.InputSize];
        Span<float> e = stackalloc float[1];
        bool regime = Network.Spec.ForgetGateModifier != null;
        int K = Network.Spec.OutputSize;
        Span<float> y = K <= 64 ? stackalloc float[K] : new float[K];
        y.Clear();
        for (int t = start; t < n; t++)
        {
            Inputs.Advance(ref state, history[t]);
            Inputs.Features(history[t], state, exogenousHistory is null ? default : exogenousHistory.Row(t), x);
            e[0] = Inputs.RegimeInput(history[t], state);
            engine.Step(x, regime ? e : default).CopyTo(y);
        }
        var result = new double[horizon];
        double fade = 1, garch = state.GarchVar;
        for (int k = 0; k < horizon; k++)
        {
            // Heads 1..K give their own horizon; beyond K the last head's correction fades (fade = 1 at k = K - 1, then p, p², ...).
            float yk = y[Math.Min(k, K - 1)];
            double correction = CorrectionWeight * (Options.CorrectionBound * Math.Tanh(yk / Options.CorrectionBound));
            result[k] = Scale * Scale * Inputs.AnchorOf(state.Ewma, garch) * Math.Exp(fade * correction);
            if (k >= K - 1) fade *= Inputs.AnchorPersistence;
            garch = Inputs.NextGarchStep(garch);
        }
        return result;
    }

    /// <summary>
    /// Runs the network statefully over the whole <paramref name="returns"/> series and records, per step t, the
    /// one-step variance forecast for t+1 (head 1, <c>s² a_{t+1} exp(w B tanh(y_{t,1} / B))</c>, also with several heads) and the
    /// mean (over units) forget, input and output gate activations and regime term: what the network kept, wrote and forgot.
    /// </summary>
    /// <param name="returns">Returns, oldest first.</param>
    /// <param name="exogenous">The fitted exogenous columns, one row per return; null when the model has none.</param>
    public VolatilityTelemetry Explain(ReadOnlySpan<double> returns, ExogenousSeries? exogenous = null)
    {
        VolatilityFeatures.Validate(returns, nameof(returns));
        Inputs.CheckExogenous(exogenous, returns.Length, nameof(exogenous));
        int n = returns.Length;
        var forecast = new double[n];
        var forget = new double[n];
        var input = new double[n];
        var output = new double[n];
        var term = new double[n];
        RecurrentStreamingEngine engine = Network.CreateStreamingEngine();
        Span<float> x = Inputs.InputSize <= 256 ? stackalloc float[Inputs.InputSize] : new float[Inputs.InputSize];
        Span<float> e = stackalloc float[1];
        bool regime = Network.Spec.ForgetGateModifier != null;
        LstmVolatilityInputs.State state = Inputs.Start();
        for (int t = 0; t < n; t++)
        {
            Inputs.Advance(ref state, returns[t]);
            Inputs.Features(returns[t], state, exogenous is null ? default : exogenous.Row(t), x);
            e[0] = Inputs.RegimeInput(returns[t], state);
            float y = engine.Step(x, regime ? e : default)[0]; // head 1: the one-step forecast (whatever the number of heads)
            forecast[t] = Scale * Scale * Inputs.AnchorVariance(state) * Math.Exp(CorrectionWeight * (Options.CorrectionBound * Math.Tanh(y / Options.CorrectionBound)));
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
