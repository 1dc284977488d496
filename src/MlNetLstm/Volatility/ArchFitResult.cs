using System.Collections.ObjectModel;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Estimation;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

/// <summary>
/// Immutable, thread-safe result of fitting an <see cref="ArchModel"/>. Series properties cover the effective
/// sample t = Lags+1..n (length <see cref="ObservationCount"/>).
/// Standard errors: Hessian-based sqrt(diag((-H)^-1)) and robust QMLE (sandwich) sqrt(diag(H^-1 G'G H^-1)) with G
/// the N x K matrix of per-observation scores; H is a finite-difference Hessian of the (analytic where available)
/// gradient. When -H is not positive definite the standard errors are NaN and
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
        var e = new double[n];
        var h = new double[n];
        double s0 = engine.Filter(theta, e, h);
        var z = new double[n];
        for (int t = 0; t < n; t++)
        {
            z[t] = e[t] / Math.Sqrt(h[t]);
        }

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

        var names = engine.Parameters.Select(p => p.Name).ToArray();
        return new ArchFitResult(model, (double[])theta.Clone(), engine.Y.ToArray())
        {
            ParameterNames = Array.AsReadOnly(names),
            Parameters = ToDictionary(names, theta),
            StandardErrors = ToDictionary(names, se),
            RobustStandardErrors = ToDictionary(names, robust),
            StandardErrorsAvailable = available || k == 0,
            LogLikelihood = ll,
            Aic = -2 * ll + 2 * k,
            Bic = -2 * ll + k * Math.Log(n),
            ObservationCount = n,
            Backcast = s0,
            Residuals = Array.AsReadOnly(e),
            ConditionalVariances = Array.AsReadOnly(h),
            StandardisedResiduals = Array.AsReadOnly(z),
            Convergence = report,
        };
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
        return new ArchFitResult(model, (double[])theta.Clone(), engine.Y.ToArray())
        {
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

    private double ExpectedAbs() => Model.Volatility is Egarch ? Model.Distribution.ExpectedAbsoluteValue(DistributionParameters) : 0;

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
