using MlNetLstm.Data;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// The fitted input transform of an <see cref="LstmVolatilityForecaster"/>: everything (besides the network) needed to turn
/// returns and exogenous rows into network inputs, fixed on the training window and saved with the model.
/// <para>
/// Per step t, with u_t = r_t / <see cref="Scale"/> and the EWMA baseline <c>b_{t+1} = λ b_t + (1 - λ) u_t²</c>
/// (<see cref="RiskMetrics.Update"/>; b_0 = 1, the mean u² of the training window, the start rule of <see cref="RiskMetrics"/>):
/// <c>x_t = [u_t, |u_t|, log b_{t+1}, (log h^G_{t+1}), z_{t,1}, …, z_{t,k}]</c>, where the GARCH input is present when
/// <see cref="Garch"/> is set and <c>z_{t,j} = (X_{t,j} - ExogenousMeans[j]) / ExogenousScales[j]</c> standardises
/// exogenous column j with the training window's mean and standard deviation. Every input is clipped to ±10.
/// </para>
/// </summary>
public sealed class LstmVolatilityInputs
{
    /// <summary>Inputs present for every model: u, |u| and log b.</summary>
    public const int ReturnInputCount = 3;

    /// <summary>Every network input is clipped to ±Clip.</summary>
    public const double Clip = 10;

    /// <summary>Smallest return scale s: the transform uses s² and 1/s², which must be finite normal numbers.</summary>
    public const double MinScale = 1e-150;

    /// <summary>Largest return scale s (see <see cref="MinScale"/>).</summary>
    public const double MaxScale = 1e150;

    private const double BaselineFloor = 1e-6;
    private readonly string[] _names;
    private readonly double[] _means, _scales;

    /// <summary>Creates the transform (use <see cref="LstmVolatilityModel.Fit(ReadOnlySpan{double}, ExogenousSeries?)"/> to fit one).</summary>
    /// <param name="scale">Return scale s in [<see cref="MinScale"/>, <see cref="MaxScale"/>].</param>
    /// <param name="ewmaLambda">EWMA decay λ in (0, 1).</param>
    /// <param name="anchor">The baseline the network corrects.</param>
    /// <param name="garch">GARCH input parameters, or null for none (required with the GARCH anchor).</param>
    /// <param name="exogenousNames">Exogenous column names (empty for none).</param>
    /// <param name="exogenousMeans">Training means, one per column.</param>
    /// <param name="exogenousScales">Training standard deviations (positive), one per column.</param>
    /// <param name="regimeForm">What the regime term reads (<see cref="RegimeInput"/>).</param>
    /// <param name="asymmetricInput">Whether the inputs include u_t^- = max(-u_t, 0).</param>
    /// <exception cref="ArgumentException">An invalid value (the message names it).</exception>
    public LstmVolatilityInputs(double scale, double ewmaLambda, VolatilityAnchor anchor, GarchFeatureParameters? garch,
        IReadOnlyList<string> exogenousNames, IReadOnlyList<double> exogenousMeans, IReadOnlyList<double> exogenousScales,
        RegimeTermForm regimeForm = RegimeTermForm.AbsoluteShock, bool asymmetricInput = false)
    {
        if (!Enum.IsDefined(regimeForm)) throw new ArgumentOutOfRangeException(nameof(regimeForm), regimeForm, "Unknown regime form.");
        RegimeForm = regimeForm; AsymmetricInput = asymmetricInput;
        if (!(scale >= MinScale && scale <= MaxScale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be within [{MinScale}, {MaxScale}] (s² and 1/s² must be finite).");
        if (!(ewmaLambda > 0 && ewmaLambda < 1)) throw new ArgumentOutOfRangeException(nameof(ewmaLambda), ewmaLambda, "ewmaLambda must be in (0, 1).");
        garch?.Validate();
        if (!Enum.IsDefined(anchor)) throw new ArgumentOutOfRangeException(nameof(anchor), anchor, "Unknown anchor.");
        if (anchor == VolatilityAnchor.Selected)
            throw new ArgumentException("A fitted transform has a concrete anchor (Ewma, Garch, Blend or Gjr); Selected is resolved when the model is fitted.", nameof(anchor));
        if (anchor != VolatilityAnchor.Ewma && garch is null) throw new ArgumentException($"The {anchor} anchor needs the GARCH parameters.", nameof(garch));
        if (anchor != VolatilityAnchor.Gjr && garch is { Gamma: not 0 })
            throw new ArgumentException($"GARCH-input gamma = {garch.Gamma}: only the Gjr anchor has an asymmetric (GJR) input.", nameof(garch));
        ArgumentNullException.ThrowIfNull(exogenousNames);
        ArgumentNullException.ThrowIfNull(exogenousMeans);
        ArgumentNullException.ThrowIfNull(exogenousScales);
        if (exogenousMeans.Count != exogenousNames.Count || exogenousScales.Count != exogenousNames.Count)
            throw new ArgumentException($"{exogenousNames.Count} exogenous names need as many means and scales (got {exogenousMeans.Count} and {exogenousScales.Count}).", nameof(exogenousMeans));
        for (int j = 0; j < exogenousNames.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(exogenousNames[j])) throw new ArgumentException($"exogenousNames[{j}] is empty.", nameof(exogenousNames));
            if (!double.IsFinite(exogenousMeans[j])) throw new ArgumentException($"The mean of exogenous column '{exogenousNames[j]}' is {exogenousMeans[j]}.", nameof(exogenousMeans));
            if (!(exogenousScales[j] > 0) || !double.IsFinite(exogenousScales[j]))
                throw new ArgumentException($"The scale of exogenous column '{exogenousNames[j]}' is {exogenousScales[j]}; it must be positive and finite.", nameof(exogenousScales));
        }
        if (exogenousNames.Distinct(StringComparer.Ordinal).Count() != exogenousNames.Count)
            throw new ArgumentException("Exogenous column names must be unique.", nameof(exogenousNames));
        Scale = scale; EwmaLambda = ewmaLambda; Anchor = anchor; Garch = garch;
        _names = exogenousNames.ToArray(); _means = exogenousMeans.ToArray(); _scales = exogenousScales.ToArray();
    }

    /// <summary>Return scale s = sqrt(mean(r²)) of the training window.</summary>
    public double Scale { get; }

    /// <summary>What the regime term of the forget gate reads (see <see cref="RegimeInput"/>).</summary>
    public RegimeTermForm RegimeForm { get; }

    /// <summary>Whether the inputs include the negative part u_t^- = max(-u_t, 0) (input "u-").</summary>
    public bool AsymmetricInput { get; }

    /// <summary>EWMA decay λ of the baseline.</summary>
    public double EwmaLambda { get; }

    /// <summary>
    /// The baseline forecast the network corrects: Ewma, Garch, Blend or Gjr (never Selected: with
    /// <see cref="VolatilityAnchor.Selected"/> this is the anchor chosen on the training window).
    /// </summary>
    public VolatilityAnchor Anchor { get; }

    /// <summary>The GARCH(1,1) input's parameters (the GJR's with the Gjr anchor; scaled units), or null when the model has no GARCH-family input.</summary>
    public GarchFeatureParameters? Garch { get; }

    /// <summary>Exogenous column names the model was fitted with, in input order (empty for none).</summary>
    public IReadOnlyList<string> ExogenousNames => _names;

    /// <summary>Training-window mean of each exogenous column.</summary>
    public IReadOnlyList<double> ExogenousMeans => _means;

    /// <summary>Training-window standard deviation of each exogenous column (1 for a column that was constant there).</summary>
    public IReadOnlyList<double> ExogenousScales => _scales;

    /// <summary>Number of network inputs I = 3 + (1 with the GARCH input) + (1 with the asymmetric input) + k.</summary>
    public int InputSize => ReturnInputCount + (Garch is null ? 0 : 1) + (AsymmetricInput ? 1 : 0) + _names.Length;

    private static readonly string[] BaseInputNames = ["u", "|u|", "log ewma"];

    /// <summary>Names of the network inputs in order: "u", "|u|", "log ewma", optionally "log garch" (or "log gjr"), optionally "u-", then the exogenous names.</summary>
    public IReadOnlyList<string> InputNames =>
        BaseInputNames.Concat(Garch is null ? [] : [Anchor == VolatilityAnchor.Gjr ? "log gjr" : "log garch"]).Concat(AsymmetricInput ? ["u-"] : []).Concat(_names).ToArray();

    /// <summary>The candidates of <see cref="VolatilityAnchor.Selected"/>, in order of preference on a tie.</summary>
    public static IReadOnlyList<VolatilityAnchor> SelectionCandidates { get; } = [VolatilityAnchor.Ewma, VolatilityAnchor.Garch, VolatilityAnchor.Gjr];

    /// <summary>Fewest validation returns the anchor selection scores, whatever the fraction.</summary>
    public const int MinimumSelectionReturns = 20;

    /// <summary>Fits a GARCH(1,1) (gjr false) or GJR-GARCH(1,1,1) (constant mean, normal) on scaled returns u.</summary>
    internal static GarchFeatureParameters FitGarchFamily(ReadOnlySpan<double> u, bool gjr)
    {
        ArchFitResult fit = gjr ? Arch.Create(u, "constant", "gjr", "normal").Fit() : Arch.Fit(u);
        var p = fit.Parameters;
        return new GarchFeatureParameters(p["mu"], p["omega"], p["alpha"], p["beta"], fit.Backcast, gjr ? p["gamma"] : 0);
    }

    /// <summary>
    /// The anchor selection of <see cref="VolatilityAnchor.Selected"/> on scaled returns u: each candidate (EWMA; GARCH and GJR fitted
    /// on u[0, n - v)) runs over the whole window, and its one-step forecasts a_t of u_t, t in [n - v, n), each made from u[0, t),
    /// are scored by the mean QLIKE log a_t + u_t² / a_t. A candidate whose fit fails scores +∞. Returns the scores in
    /// <see cref="SelectionCandidates"/> order.
    /// </summary>
    internal static double[] ScoreAnchors(ReadOnlySpan<double> u, int v, double ewmaLambda)
    {
        int n = u.Length;
        var scores = new double[SelectionCandidates.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            VolatilityAnchor anchor = SelectionCandidates[i];
            try
            {
                GarchFeatureParameters? g = anchor == VolatilityAnchor.Ewma ? null : FitGarchFamily(u[..(n - v)], anchor == VolatilityAnchor.Gjr);
                var map = new LstmVolatilityInputs(1, ewmaLambda, anchor, g, [], [], []);
                State s = map.Start();
                double sum = 0;
                for (int t = 0; t < n; t++)
                {
                    if (t >= n - v)
                    {
                        double a = map.AnchorVariance(s);
                        sum += Math.Log(a) + u[t] * u[t] / a;
                    }
                    map.Advance(ref s, u[t]);
                }
                scores[i] = double.IsFinite(sum) ? sum / v : double.PositiveInfinity;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
            {
                scores[i] = double.PositiveInfinity;
            }
        }
        return scores;
    }

    /// <summary>Fits the transform on a training window (and, with <see cref="VolatilityAnchor.Selected"/>, chooses the anchor).</summary>
    internal static LstmVolatilityInputs Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous, LstmVolatilityOptions options, double scale)
        => Fit(returns, exogenous, options, scale, out _);

    /// <summary>As <see cref="Fit(ReadOnlySpan{double}, ExogenousSeries?, LstmVolatilityOptions, double)"/>; <paramref name="anchorScores"/> gets the selection's scores (empty without selection).</summary>
    internal static LstmVolatilityInputs Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous, LstmVolatilityOptions options, double scale, out double[] anchorScores)
    {
        GarchFeatureParameters? garch = null;
        VolatilityAnchor anchor = options.Anchor;
        anchorScores = [];
        var u = new double[returns.Length];
        for (int t = 0; t < u.Length; t++) u[t] = returns[t] / scale;
        if (anchor == VolatilityAnchor.Selected)
        {
            int n = u.Length, v = Math.Max(MinimumSelectionReturns, (int)(n * options.ValidationFraction));
            if (n < 2 * v) throw new ArgumentException($"returns has {n} observations; the anchor selection needs at least {2 * v} (twice the {v} validation returns).", nameof(returns));
            anchorScores = ScoreAnchors(u, v, options.EwmaLambda);
            int best = -1;
            for (int i = 0; i < anchorScores.Length; i++)
                if (double.IsFinite(anchorScores[i]) && (best < 0 || anchorScores[i] < anchorScores[best])) best = i;
            anchor = best < 0 ? VolatilityAnchor.Ewma : SelectionCandidates[best]; // EWMA needs no fit: it can always be scored
        }
        if (options.GarchFeature || anchor != VolatilityAnchor.Ewma)
            garch = FitGarchFamily(u, anchor == VolatilityAnchor.Gjr);
        int k = exogenous?.Width ?? 0;
        var means = new double[k];
        var scales = new double[k];
        for (int j = 0; j < k; j++)
        {
            double mean = 0, sq = 0;
            int n = exogenous!.Count;
            for (int t = 0; t < n; t++) mean += exogenous[t, j];
            mean /= n;
            for (int t = 0; t < n; t++) sq += (exogenous[t, j] - mean) * (exogenous[t, j] - mean);
            double sd = Math.Sqrt(sq / n);
            means[j] = mean;
            scales[j] = sd > 1e-12 * Math.Max(1, Math.Abs(mean)) ? sd : 1; // a constant column becomes 0 (a bias), not a division by zero
        }
        return new LstmVolatilityInputs(scale, options.EwmaLambda, anchor, garch, exogenous?.Names ?? [], means, scales,
            options.RegimeForm, options.AsymmetricInput);
    }

    /// <summary>
    /// Checks that <paramref name="exogenous"/> matches what the model was fitted with (same column names in the same order,
    /// <paramref name="rows"/> rows), throwing an exception that says what differs.
    /// </summary>
    internal void CheckExogenous(ExogenousSeries? exogenous, int rows, string paramName)
    {
        if (_names.Length == 0)
        {
            if (exogenous is not null)
                throw new ArgumentException($"The model was fitted without exogenous inputs but got the columns {string.Join(", ", exogenous.Names)}.", paramName);
            return;
        }
        if (exogenous is null)
            throw new ArgumentException($"The model was fitted with the exogenous columns {string.Join(", ", _names)}; pass their values (one row per return).", paramName);
        if (!exogenous.Names.SequenceEqual(_names, StringComparer.Ordinal))
            throw new ArgumentException($"The exogenous columns are {string.Join(", ", exogenous.Names)}; the model was fitted with {string.Join(", ", _names)} (same names, same order).", paramName);
        exogenous.EnsureAligned(rows, paramName);
    }

    /// <summary>The transform's running state over a series: EWMA and GARCH baselines.</summary>
    internal struct State
    {
        public double Ewma;       // b_t
        public double GarchVar;   // h^G_t (variance of u_t given the past)
        public double ShockAnchor; // after Advance(r_t): the anchor's forecast a_t of the variance of u_t (made before r_t)
    }

    internal State Start() => new()
    {
        Ewma = 1,
        GarchVar = Garch is { } g ? g.Omega + (g.Alpha + 0.5 * g.Gamma + g.Beta) * g.Backcast : 0, // γ = 0: ω + (α + β) backcast, exactly
    };

    /// <summary>Advances the baselines with return r_t: after the call, Ewma = b_{t+1} and GarchVar = h^G_{t+1}.</summary>
    internal void Advance(ref State s, double r)
    {
        double u = r / Scale;
        s.ShockAnchor = AnchorOf(s.Ewma, s.GarchVar);
        s.Ewma = Math.Max(BaselineFloor, RiskMetrics.Update(s.Ewma, u, EwmaLambda));
        if (Garch is { } g)
        {
            double e = u - g.Mu;
            double alpha = e < 0 ? g.Alpha + g.Gamma : g.Alpha; // γ = 0 (GARCH): α, exactly
            s.GarchVar = Math.Max(BaselineFloor, g.Omega + alpha * e * e + g.Beta * s.GarchVar);
        }
    }

    /// <summary>The anchor's one-step forecast a_{t+1} (scaled units) in state <paramref name="s"/>.</summary>
    internal double AnchorVariance(in State s) => AnchorOf(s.Ewma, s.GarchVar);

    /// <summary>The anchor from the EWMA and GARCH forecasts of the same step.</summary>
    internal double AnchorOf(double ewma, double garch) => Anchor switch
    {
        VolatilityAnchor.Garch or VolatilityAnchor.Gjr => garch,
        VolatilityAnchor.Blend => Math.Sqrt(ewma * garch),
        _ => ewma,
    };

    /// <summary>
    /// Writes the anchor's own forecasts a_{t+1|t}, …, a_{t+K|t} (scaled units, K = <paramref name="path"/>.Length) in state
    /// <paramref name="s"/>: the EWMA's is flat, the GARCH's follows <see cref="NextGarchStep"/>, the blend is their geometric mean
    /// step by step. Element 0 equals <see cref="AnchorVariance"/>.
    /// </summary>
    internal void AnchorPath(in State s, Span<double> path)
    {
        double garch = s.GarchVar;
        for (int k = 0; k < path.Length; k++)
        {
            path[k] = AnchorOf(s.Ewma, garch);
            garch = NextGarchStep(garch);
        }
    }

    /// <summary>The GARCH forecast k+1 steps ahead from the k-step one: <c>ω + (α + γ/2 + β) h</c> (γ = 0 but for GJR; the EWMA's is flat).</summary>
    internal double NextGarchStep(double h) => Garch is { } g ? g.Omega + (g.Alpha + 0.5 * g.Gamma + g.Beta) * h : h;

    /// <summary>How fast the anchor forgets, used to fade the correction over the horizon: λ (EWMA), α + β (GARCH), α + γ/2 + β (GJR) or the mean of λ and α + β (blend).</summary>
    internal double AnchorPersistence => Anchor switch
    {
        VolatilityAnchor.Garch => Math.Min(1, Garch!.Alpha + Garch.Beta),
        VolatilityAnchor.Gjr => Math.Min(1, Garch!.Persistence),
        VolatilityAnchor.Blend => 0.5 * (EwmaLambda + Math.Min(1, Garch!.Alpha + Garch.Beta)),
        _ => EwmaLambda,
    };

    /// <summary>
    /// The regime term's extra input e_t from r_t and the state already advanced past r_t: <c>|u_t|</c>
    /// (<see cref="RegimeTermForm.AbsoluteShock"/>, equal to input 1), <c>|u_t| / sqrt(a_t)</c> (<see cref="RegimeTermForm.RelativeShock"/>)
    /// or the signed <c>u_t</c> (<see cref="RegimeTermForm.Leverage"/>), clipped to ±10 like the inputs.
    /// </summary>
    internal float RegimeInput(double r, in State s)
    {
        double u = r / Scale;
        return RegimeForm switch
        {
            RegimeTermForm.RelativeShock => (float)Math.Min(Math.Abs(u) / Math.Sqrt(s.ShockAnchor), Clip),
            RegimeTermForm.Leverage => (float)Math.Clamp(u, -Clip, Clip),
            _ => (float)Math.Min(Math.Abs(u), Clip),
        };
    }

    /// <summary>Writes x_t from r_t, the state already advanced past r_t, and the exogenous row t.</summary>
    internal void Features(double r, in State s, ReadOnlySpan<double> exogenousRow, Span<float> x)
    {
        double u = r / Scale;
        x[0] = (float)Math.Clamp(u, -Clip, Clip);
        x[1] = (float)Math.Min(Math.Abs(u), Clip);
        x[2] = (float)Math.Clamp(Math.Log(s.Ewma), -Clip, Clip);
        int i = ReturnInputCount;
        if (Garch is not null) x[i++] = (float)Math.Clamp(Math.Log(s.GarchVar), -Clip, Clip);
        if (AsymmetricInput) x[i++] = (float)Math.Min(Math.Max(-u, 0), Clip);
        for (int j = 0; j < _names.Length; j++) x[i + j] = (float)Math.Clamp((exogenousRow[j] - _means[j]) / _scales[j], -Clip, Clip);
    }
}
