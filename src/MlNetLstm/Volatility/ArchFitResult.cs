using System.Collections.ObjectModel;
using MlNetLstm.Volatility.Estimation;

namespace MlNetLstm.Volatility;

/// <summary>
/// Immutable, thread-safe result of fitting an <see cref="ArchModel"/>. Series properties cover the effective
/// sample t = Lags+1..n (length <see cref="ObservationCount"/>).
/// Standard errors: Hessian-based sqrt(diag((-H)^-1)) and robust QMLE (sandwich) sqrt(diag(H^-1 G'G H^-1)) with G
/// the N x K matrix of per-observation scores; H is the exact analytic Hessian for the GARCH/GJR family with Normal errors
/// and a finite-difference Hessian of the (analytic where available) gradient otherwise. When -H is not positive definite the standard errors are NaN and
/// <see cref="StandardErrorsAvailable"/> is false.
/// </summary>
public sealed partial class ArchFitResult
{
    private readonly double[] _theta;
    private readonly double[] _y;

    private ArchFitResult(ArchModel model, double[] theta, double[] y)
    {
        Model = model;
        _theta = theta;
        _y = y;
    }

    /// <summary>The model that was fitted.</summary>
    public ArchModel Model { get; }

    /// <summary>Parameter names in order [mean, process, distribution].</summary>
    public IReadOnlyList<string> ParameterNames { get; private init; } = Array.Empty<string>();

    /// <summary>Estimated parameter values in the order of <see cref="ParameterNames"/>.</summary>
    public IReadOnlyList<double> Values => Array.AsReadOnly(_theta);

    /// <summary>Estimated parameters by name.</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; private init; } = new Dictionary<string, double>();

    /// <summary>Hessian-based standard errors by name.</summary>
    public IReadOnlyDictionary<string, double> StandardErrors { get; private init; } = new Dictionary<string, double>();

    /// <summary>Robust (QMLE sandwich) standard errors by name.</summary>
    public IReadOnlyDictionary<string, double> RobustStandardErrors { get; private init; } = new Dictionary<string, double>();

    /// <summary>Whether the Hessian was negative definite so that standard errors are defined.</summary>
    public bool StandardErrorsAvailable { get; private init; }

    /// <summary>Maximised log-likelihood.</summary>
    public double LogLikelihood { get; private init; }

    /// <summary>Akaike information criterion -2 LL + 2 K.</summary>
    public double Aic { get; private init; }

    /// <summary>Bayesian information criterion -2 LL + K log N.</summary>
    public double Bic { get; private init; }

    /// <summary>Number of likelihood terms N (observations after the mean's lags).</summary>
    public int ObservationCount { get; private init; }

    /// <summary>Backcast s0 = mean(e_t^2) at the estimates, the pre-sample value of e^2 and h.</summary>
    public double Backcast { get; private init; }

    /// <summary>Residuals e_t.</summary>
    public IReadOnlyList<double> Residuals { get; private init; } = Array.Empty<double>();

    /// <summary>Conditional variances h_t.</summary>
    public IReadOnlyList<double> ConditionalVariances { get; private init; } = Array.Empty<double>();

    /// <summary>Standardised residuals z_t = e_t / sqrt(h_t).</summary>
    public IReadOnlyList<double> StandardisedResiduals { get; private init; } = Array.Empty<double>();

    /// <summary>Optimiser report.</summary>
    public ConvergenceReport Convergence { get; private init; } = new(false, 0, 0, double.NaN, string.Empty);

    internal ReadOnlySpan<double> Theta => _theta;

    private ReadOnlySpan<double> MeanParameters => _theta.AsSpan(0, Model.Mean.ParameterCount);

    private ReadOnlySpan<double> ProcessParameters => _theta.AsSpan(Model.Mean.ParameterCount, Model.Volatility.ParameterCount);

    private ReadOnlySpan<double> DistributionParameters => _theta.AsSpan(Model.Mean.ParameterCount + Model.Volatility.ParameterCount);

    internal static ArchFitResult Build(ArchModel model, LikelihoodEngine engine, double[] theta, double[] hessian, ConvergenceReport report)
    {
        int k = engine.K;
        int n = engine.N;
        var g = new double[k];
        var scores = new double[n * k];
        double ll = engine.Gradient(theta, g, scores);
        var se = new double[k];
        var robust = new double[k];
        bool available = false;
        if (k > 0)
        {
            var negH = hessian.Select(v => -v).ToArray();
            var cov = negH.All(double.IsFinite) ? SmallDense.InverseSpd(negH, k) : null;
            if (cov is not null)
            {
                available = true;
                var gg = SmallDense.CrossProduct(scores, n, k);
                for (int i = 0; i < k; i++)
                {
                    se[i] = Math.Sqrt(cov[i * k + i]);
                    double acc = 0;
                    for (int a = 0; a < k; a++)
                    {
                        for (int b = 0; b < k; b++)
                        {
                            acc += cov[i * k + a] * gg[a * k + b] * cov[b * k + i];
                        }
                    }

                    robust[i] = Math.Sqrt(acc);
                }
            }
            else
            {
                Array.Fill(se, double.NaN);
                Array.Fill(robust, double.NaN);
                report = report with { Message = report.Message + " Standard errors unavailable: the Hessian is not negative definite." };
            }
        }

        double? persistence = model.Volatility.Persistence(theta.AsSpan(model.Mean.ParameterCount, model.Volatility.ParameterCount));
        bool atBoundary = persistence is double ps && ps >= 1 - BoundaryTolerance;
        if (atBoundary && !report.Converged)
        {
            report = report with
            {
                Message = $"Boundary solution: the likelihood rises up to the stationarity limit alpha + beta = 1 (persistence {persistence:F6}), so the " +
                          "estimate is the constrained maximum, an integrated GARCH whose shocks to the variance never die out (no finite unconditional " +
                          "variance), and the standard errors, computed at a boundary, are unreliable. " +
                          $"Optimiser: {report.Message}",
            };
        }

        return Restore(model, engine, theta, ll, report, available || k == 0, se, robust);
    }

    /// <summary>
    /// A fit from stored estimates and estimation summary (the model-file restore path): residuals, conditional variances and
    /// the backcast are recomputed by one filter pass (O(n)); the log-likelihood, optimiser report and standard errors are the
    /// stored ones, so nothing is re-estimated and no Hessian is computed.
    /// </summary>
    internal static ArchFitResult Restore(ArchModel model, LikelihoodEngine engine, double[] theta, double logLikelihood, ConvergenceReport report,
        bool standardErrorsAvailable, double[] standardErrors, double[] robustStandardErrors)
    {
        int k = engine.K;
        int n = engine.N;
        var e = new double[n];
        var h = new double[n];
        double s0 = engine.Filter(theta, e, h);
        var z = new double[n];
        for (int t = 0; t < n; t++)
        {
            z[t] = e[t] / Math.Sqrt(h[t]);
        }

        var names = engine.Parameters.Select(p => p.Name).ToArray();
        double? persistence = model.Volatility.Persistence(theta.AsSpan(model.Mean.ParameterCount, model.Volatility.ParameterCount));
        return new ArchFitResult(model, (double[])theta.Clone(), engine.Y.ToArray())
        {
            Persistence = persistence,
            AtStationarityBoundary = persistence is double ps && ps >= 1 - BoundaryTolerance,
            ParameterNames = Array.AsReadOnly(names),
            Parameters = ToDictionary(names, theta),
            StandardErrors = ToDictionary(names, standardErrors),
            RobustStandardErrors = ToDictionary(names, robustStandardErrors),
            StandardErrorsAvailable = standardErrorsAvailable,
            LogLikelihood = logLikelihood,
            Aic = -2 * logLikelihood + 2 * k,
            Bic = -2 * logLikelihood + k * Math.Log(n),
            ObservationCount = n,
            Backcast = s0,
            Residuals = Array.AsReadOnly(e),
            ConditionalVariances = Array.AsReadOnly(h),
            StandardisedResiduals = Array.AsReadOnly(z),
            Convergence = report,
        };
    }

    /// <summary>Distance from 1 within which a persistence counts as on the stationarity boundary (1e-6).</summary>
    public const double BoundaryTolerance = 1e-6;

    /// <summary>
    /// Persistence of the variance process at the estimates: alpha + gamma/2 + beta (sums over lags) for GARCH and GJR, the
    /// process is covariance-stationary below 1; null for processes without such a sum (EGARCH, EWMA, constant).
    /// </summary>
    public double? Persistence { get; private init; }

    /// <summary>
    /// Whether the persistence is within <see cref="BoundaryTolerance"/> of 1: the likelihood's maximum lies at (or beyond) the
    /// stationarity boundary, so the estimate is a constrained maximum (an integrated GARCH) and Hessian standard errors are unreliable.
    /// </summary>
    public bool AtStationarityBoundary { get; private init; }

    /// <summary>
    /// A fit summary in the manner of Python arch's <c>summary()</c>: model, distribution, observations, log-likelihood, AIC, BIC,
    /// convergence, persistence, then per parameter (grouped as mean, volatility, distribution) the estimate, standard error,
    /// t = estimate / s.e., the two-sided normal p-value 2·(1 − Φ(|t|)) and the 95 % interval estimate ± 1.96·s.e.
    /// </summary>
    /// <param name="robust">Use the robust QMLE (sandwich) standard errors (default, as arch) or the Hessian ones.</param>
    /// <returns>Fixed-width text, one line per row.</returns>
    public string Summary(bool robust = true)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        string title = $"{Model.Mean.Name} mean - {Model.Volatility.Name} model - {Model.Distribution.Name} distribution";
        const int width = 78;
        sb.AppendLine(title.PadLeft((width + title.Length) / 2));
        sb.AppendLine(new string('=', width));
        void Pair(string a, string av, string b, string bv)
            => sb.AppendLine($"{a,-18}{av,20}   {b,-16}{bv,21}");
        Pair("Mean model:", Model.Mean.Name, "Log-likelihood:", LogLikelihood.ToString("F3", inv));
        Pair("Vol model:", Model.Volatility.Name, "AIC:", Aic.ToString("F3", inv));
        Pair("Distribution:", Model.Distribution.Name, "BIC:", Bic.ToString("F3", inv));
        Pair("Method:", "Maximum likelihood", "No. observations:", ObservationCount.ToString(inv));
        Pair("Converged:", Convergence.Converged ? "yes" : "no", "Iterations:", Convergence.Iterations.ToString(inv));
        if (Persistence is double ps) Pair("Persistence:", ps.ToString("F6", inv), "Stationary:", ps < 1 - BoundaryTolerance ? "yes" : "no (boundary)");
        var se = robust ? RobustStandardErrors : StandardErrors;
        int km = Model.Mean.ParameterCount, kv = Model.Volatility.ParameterCount;
        var groups = new[] { ("Mean model", 0, km), ("Volatility model", km, kv), ("Distribution", km + kv, ParameterNames.Count - km - kv) };
        foreach (var (name, start, count) in groups)
        {
            if (count == 0) continue;
            sb.AppendLine(name.PadLeft((width + name.Length) / 2));
            sb.AppendLine(new string('=', width));
            sb.AppendLine($"{"",-10}{"coef",12}{"std err",12}{"t",9}{"P>|t|",10}{"95% conf. int.",25}");
            sb.AppendLine(new string('-', width));
            for (int i = start; i < start + count; i++)
            {
                string p = ParameterNames[i];
                double v = _theta[i], e = se[p];
                double t = v / e;
                double pv = double.IsFinite(t) ? 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(t)) : double.NaN;
                // One style per row, set by the estimate's magnitude: fixed 4 decimals, or scientific for tiny or huge estimates.
                bool sci = Math.Abs(v) is > 0 and (< 1e-3 or >= 1e5);
                string Num(double x) => !double.IsFinite(x) ? "n/a" : sci ? x.ToString("0.000E+00", inv) : x.ToString("F4", inv);
                string ci = double.IsFinite(e) ? $"[{Num(v - 1.96 * e)}, {Num(v + 1.96 * e)}]" : "n/a";
                sb.AppendLine($"{p,-10}{Num(v),12}{Num(e),12}{(double.IsFinite(t) ? t.ToString("F3", inv) : "n/a"),9}{PValue(pv),10}{ci,25}");
            }
            sb.AppendLine(new string('=', width));
        }

        sb.AppendLine($"Covariance estimator: {(robust ? "robust (QMLE sandwich)" : "Hessian (inverse observed information)")}.");
        sb.Append(Convergence.Message);
        return sb.ToString();
    }

    /// <summary>The fit summary (<see cref="Summary"/> with robust standard errors).</summary>
    /// <returns>The summary text.</returns>
    public override string ToString() => Summary();

    private static string PValue(double p)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (!double.IsFinite(p)) return "n/a";
        return p < 1e-4 ? "<0.0001" : p.ToString("F4", inv);
    }

    private static ReadOnlyDictionary<string, double> ToDictionary(string[] names, double[] values)
    {
        var d = new Dictionary<string, double>(names.Length);
        for (int i = 0; i < names.Length; i++)
        {
            d[names[i]] = values[i];
        }

        return new ReadOnlyDictionary<string, double>(d);
    }

    /// <summary>
    /// Filters another return series with the fitted (fixed) parameters, starting from the fitted backcast
    /// <see cref="Backcast"/> as pre-sample value. Filtering the estimation sample reproduces
    /// <see cref="ConditionalVariances"/>.
    /// </summary>
    /// <param name="returns">Returns, oldest first; at least Lags + 1 values, all finite.</param>
    /// <returns>Residuals and conditional variances (length returns.Length - Lags).</returns>
    public (double[] Residuals, double[] Variances) Filter(ReadOnlySpan<double> returns)
    {
        int lags = Model.Mean.Lags;
        if (returns.Length <= lags)
        {
            throw new ArgumentException($"Need more than {lags} returns to filter, got {returns.Length}.", nameof(returns));
        }

        for (int i = 0; i < returns.Length; i++)
        {
            if (!double.IsFinite(returns[i]))
            {
                throw new ArgumentException($"Return at index {i} is {returns[i]}; returns must be finite.", nameof(returns));
            }
        }

        var e = new double[returns.Length - lags];
        var h = new double[e.Length];
        Model.Mean.Residuals(MeanParameters, returns, e);
        Model.Volatility.Variance(ProcessParameters, e, Backcast, ExpectedAbs(), h);
        return (e, h);
    }

    private double ExpectedAbs() => Model.Volatility.UsesExpectedAbsoluteInnovation ? Model.Distribution.ExpectedAbsoluteValue(DistributionParameters) : 0;

    /// <summary>Forecasts 1..<paramref name="horizon"/> steps after the end of the estimation sample.</summary>
    /// <param name="horizon">Number of steps, at least 1.</param>
    /// <param name="options">Forecast options (null for defaults).</param>
    /// <returns>Mean and variance forecasts.</returns>
    public ArchForecast Forecast(int horizon, ForecastOptions? options = null) => Forecast(_y, horizon, options);

    /// <summary>
    /// Forecasts 1..<paramref name="horizon"/> steps after the end of <paramref name="history"/> with the fitted
    /// parameters (the history is filtered first with <see cref="Filter"/>; nothing after it is used).
    /// </summary>
    /// <param name="history">Returns observed so far, oldest first.</param>
    /// <param name="horizon">Number of steps, at least 1.</param>
    /// <param name="options">Forecast options (null for defaults).</param>
    /// <returns>Mean and variance forecasts.</returns>
    public ArchForecast Forecast(ReadOnlySpan<double> history, int horizon, ForecastOptions? options = null)
    {
        if (horizon < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "Forecast horizon must be at least 1.");
        }

        options ??= ForecastOptions.Default;
        if (options.Simulations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Simulations, "Simulations must be at least 1.");
        }

        var (e, h) = Filter(history);
        var proc = Model.Volatility;
        var method = options.Method;
        if (method == ForecastMethod.Auto)
        {
            method = proc.HasAnalyticForecast ? ForecastMethod.Analytic : ForecastMethod.Simulation;
        }

        if (method == ForecastMethod.Analytic && !proc.HasAnalyticForecast)
        {
            throw new NotSupportedException($"Process '{proc.Name}' has no analytic multi-step forecast; use simulation or bootstrap.");
        }

        double[] variance = method == ForecastMethod.Analytic
            ? proc.AnalyticForecast(ProcessParameters, e, h, Backcast, Model.Distribution.LowerPartialSecondMoment(DistributionParameters), horizon)
            : SimulateVariance(e, h, horizon, method, options);

        // Mean forecasts and the return-variance correction for AR means.
        var y = new List<double>(history.ToArray());
        var mean = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            mean[k] = Model.Mean.NextMean(MeanParameters, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(y));
            y.Add(mean[k]);
        }

        var psi = Model.Mean.ImpulseResponse(MeanParameters, horizon);
        var returnVariance = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            double acc = 0;
            for (int j = 0; j <= k; j++)
            {
                acc += psi[j] * psi[j] * variance[k - j];
            }

            returnVariance[k] = acc;
        }

        return new ArchForecast(Array.AsReadOnly(mean), Array.AsReadOnly(variance), Array.AsReadOnly(returnVariance), method);
    }

    private double[] SimulateVariance(double[] e, double[] h, int horizon, ForecastMethod method, ForecastOptions options)
    {
        var proc = Model.Volatility;
        var dist = Model.Distribution;
        var thetaV = ProcessParameters.ToArray();
        var thetaD = DistributionParameters.ToArray();
        double eabs = ExpectedAbs();
        int lag = Math.Max(proc.MaxLag, 1);
        int tail = Math.Min(lag, e.Length);
        var ebuf = new double[tail + horizon];
        var hbuf = new double[tail + horizon];
        Array.Copy(e, e.Length - tail, ebuf, 0, tail);
        Array.Copy(h, h.Length - tail, hbuf, 0, tail);
        var sum = new double[horizon];
        var rng = new Random(options.Seed);
        var pool = StandardisedResiduals;
        for (int s = 0; s < options.Simulations; s++)
        {
            for (int k = 0; k < horizon; k++)
            {
                int len = tail + k;
                double hk = proc.NextVariance(thetaV, ebuf.AsSpan(0, len), hbuf.AsSpan(0, len), Backcast, eabs);
                double z = method == ForecastMethod.Bootstrap ? pool[rng.Next(pool.Count)] : dist.Sample(rng, thetaD);
                hbuf[len] = hk;
                ebuf[len] = Math.Sqrt(hk) * z;
                sum[k] += hk;
            }
        }

        for (int k = 0; k < horizon; k++)
        {
            sum[k] /= options.Simulations;
        }

        return sum;
    }
}
