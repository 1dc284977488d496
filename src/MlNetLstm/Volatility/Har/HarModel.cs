using MlNetLstm.Evaluation;
using MlNetLstm.Features;

namespace MlNetLstm.Volatility.Har;

/// <summary>
/// A fitted HAR-RV model (Corsi 2009): <c>v_{t+1} = b0 + bd v_t + bw v^{(5)}_t + bm v^{(22)}_t + u_{t+1}</c> on a
/// variance proxy v (squared returns or realised variance), estimated by OLS (Householder QR) with classical and
/// Newey-West standard errors. Rows start at t = MonthlyWindow - 1 so every regressor uses a full window.
/// Immutable and thread-safe.
/// </summary>
public sealed partial class HarModel
{
    private readonly LinearRegressionResult[] _regressions;
    private readonly double[] _smearing;

    private HarModel(HarOptions options, LinearRegressionResult[] regressions, double floor)
    {
        Options = options;
        _regressions = regressions;
        Floor = floor;
        _smearing = new double[regressions.Length];
        for (int i = 0; i < regressions.Length; i++)
        {
            double s = 0;
            foreach (double u in regressions[i].Residuals) s += Math.Exp(u);
            _smearing[i] = s / regressions[i].Residuals.Count;
        }
    }

    /// <summary>A fitted model from its stored parts (used by the model-file reader; the parts are validated there).</summary>
    internal static HarModel Restore(HarOptions options, LinearRegressionResult[] regressions, double floor) => new(options, regressions, floor);

    /// <summary>Duan smearing factor mean(exp(u)) of regression <paramref name="i"/>.</summary>
    internal double Smearing(int i) => _smearing[i];

    /// <summary>The options used to fit.</summary>
    public HarOptions Options { get; }

    /// <summary>The one-step regression (coefficients in order b0, bd, bw, bm).</summary>
    public LinearRegressionResult Regression => _regressions[0];

    /// <summary>Direct regressions for h = 1..MaxHorizon (element h-1); only the one-step regression for the iterated method.</summary>
    public IReadOnlyList<LinearRegressionResult> Regressions => _regressions;

    /// <summary>Intercept b0 of the one-step regression.</summary>
    public double Intercept => Regression.Coefficients[0];

    /// <summary>Daily coefficient bd.</summary>
    public double DailyCoefficient => Regression.Coefficients[1];

    /// <summary>Weekly coefficient bw.</summary>
    public double WeeklyCoefficient => Regression.Coefficients[2];

    /// <summary>Monthly coefficient bm.</summary>
    public double MonthlyCoefficient => Regression.Coefficients[3];

    /// <summary>R² of the one-step regression (on the log scale for log-HAR).</summary>
    public double RSquared => Regression.RSquared;

    /// <summary>Floor applied to the proxy before logs (log-HAR only; 0 otherwise).</summary>
    public double Floor { get; }

    /// <summary>Minimum proxy length for fitting with the given options: MonthlyWindow + max horizon + 10.</summary>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <returns>The minimum length.</returns>
    public static int MinimumLength(HarOptions? options = null)
    {
        options ??= new HarOptions();
        return options.MonthlyWindow + (options.ForecastMethod == HarForecastMethod.Direct ? options.MaxHorizon : 1) + 10;
    }

    /// <summary>Fits the HAR regression(s) on a variance proxy.</summary>
    /// <param name="proxy">Variance proxy v_t, oldest first (finite, ≥ 0; at least <see cref="MinimumLength"/> values).</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentException">Bad options, too short or invalid proxy, or a degenerate (e.g. constant) proxy.</exception>
    public static HarModel Fit(ReadOnlySpan<double> proxy, HarOptions? options = null)
    {
        options ??= new HarOptions();
        HarComponents.CheckWindows(options.WeeklyWindow, options.MonthlyWindow);
        if (options.MaxHorizon < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxHorizon, "HarOptions.MaxHorizon must be at least 1.");
        if (!(options.LogFloorFraction > 0) || !double.IsFinite(options.LogFloorFraction))
            throw new ArgumentOutOfRangeException(nameof(options), options.LogFloorFraction, "HarOptions.LogFloorFraction must be positive and finite.");
        if (options.NeweyWestLags is < 0) throw new ArgumentOutOfRangeException(nameof(options), options.NeweyWestLags, "HarOptions.NeweyWestLags must be non-negative.");
        EvalGuard.MinLength(proxy.Length, MinimumLength(options), nameof(proxy));
        EvalGuard.FiniteNonNegative(proxy, nameof(proxy));

        int n = proxy.Length, mw = options.MonthlyWindow;
        double floor = 0;
        if (options.Log)
        {
            double mean = 0;
            foreach (double v in proxy) mean += v;
            mean /= n;
            if (!(mean > 0)) throw new ArgumentException("proxy is identically zero; log-HAR is undefined.", nameof(proxy));
            floor = options.LogFloorFraction * mean;
        }
        var d = new double[n];
        var w = new double[n];
        var m = new double[n];
        HarComponents.Compute(proxy, d, w, m, options.WeeklyWindow, mw);
        var target = new double[n];
        for (int t = 0; t < n; t++)
        {
            target[t] = options.Log ? Math.Log(Math.Max(proxy[t], floor)) : proxy[t];
            if (options.Log)
            {
                d[t] = Math.Log(Math.Max(d[t], floor));
                w[t] = Math.Log(Math.Max(w[t], floor));
                m[t] = Math.Log(Math.Max(m[t], floor));
            }
        }
        int horizons = options.ForecastMethod == HarForecastMethod.Direct ? options.MaxHorizon : 1;
        var regs = new LinearRegressionResult[horizons];
        for (int h = 1; h <= horizons; h++)
        {
            int rows = n - mw - h + 1;
            var x = new double[rows, 4];
            var y = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                int t = mw - 1 + i;
                x[i, 0] = 1;
                x[i, 1] = d[t];
                x[i, 2] = w[t];
                x[i, 3] = m[t];
                y[i] = target[t + h];
            }
            int lags = Math.Min(options.NeweyWestLags ?? NeweyWest.RuleOfThumbLags(rows) + h - 1, rows - 1);
            try
            {
                regs[h - 1] = LinearRegression.Fit(x, y, lags);
            }
            catch (ArgumentException ex) when (ex.ParamName == "design")
            {
                throw new ArgumentException($"The HAR regressors are collinear (is the proxy constant?): {ex.Message}", nameof(proxy), ex);
            }
        }
        return new HarModel(options, regs, floor);
    }

    /// <summary>
    /// Forecasts <c>v_{T+1..T+horizon}</c> from a proxy history (oldest first; only the last MonthlyWindow values matter,
    /// shorter histories use partial windows). Level HAR returns the regression values as they are (they can be ≤ 0 for
    /// unusual histories); log-HAR returns <c>exp(ŷ) · mean(exp(u))</c> &gt; 0 (smearing).
    /// </summary>
    /// <param name="proxyHistory">Proxy history v_1..v_T (finite, ≥ 0, at least one value).</param>
    /// <param name="horizon">Number of steps, ≥ 1 (≤ MaxHorizon for the direct method).</param>
    /// <returns>The forecasts, element h-1 for step h.</returns>
    /// <exception cref="ArgumentException">Empty or invalid history, or a horizon out of range.</exception>
    public double[] Forecast(ReadOnlySpan<double> proxyHistory, int horizon)
    {
        EvalGuard.MinLength(proxyHistory.Length, 1, nameof(proxyHistory));
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        bool direct = Options.ForecastMethod == HarForecastMethod.Direct;
        if (direct && horizon > _regressions.Length)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"horizon exceeds HarOptions.MaxHorizon = {_regressions.Length} of this direct HAR model.");
        int mw = Options.MonthlyWindow;
        var tail = proxyHistory[Math.Max(0, proxyHistory.Length - mw)..];
        EvalGuard.FiniteNonNegative(tail, nameof(proxyHistory));
        var result = new double[horizon];
        if (direct)
        {
            var c = HarComponents.Last(tail, Options.WeeklyWindow, mw);
            for (int h = 1; h <= horizon; h++) result[h - 1] = Predict(h - 1, c);
            return result;
        }
        var ext = new double[tail.Length + horizon];
        tail.CopyTo(ext);
        for (int h = 0; h < horizon; h++)
        {
            var c = HarComponents.Last(ext.AsSpan(0, tail.Length + h), Options.WeeklyWindow, mw);
            double f = Predict(0, c);
            result[h] = f;
            ext[tail.Length + h] = Math.Max(f, 0.0); // a variance proxy cannot be negative
        }
        return result;
    }

    private double Predict(int regression, HarComponentValues c)
    {
        var b = _regressions[regression].Coefficients;
        if (!Options.Log) return b[0] + b[1] * c.Daily + b[2] * c.Weekly + b[3] * c.Monthly;
        double y = b[0] + b[1] * Math.Log(Math.Max(c.Daily, Floor)) + b[2] * Math.Log(Math.Max(c.Weekly, Floor)) + b[3] * Math.Log(Math.Max(c.Monthly, Floor));
        return Math.Exp(Math.Min(y, 700.0)) * _smearing[regression];
    }
}
