using MlNetLstm.Data;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MlNetLstm.Evaluation;

/// <summary>How the training window moves between forecast origins.</summary>
public enum WalkForwardWindow
{
    /// <summary>Fixed-length window of the most recent <see cref="WalkForwardOptions.TrainSize"/> returns.</summary>
    Rolling,

    /// <summary>All returns from the start of the sample up to the origin.</summary>
    Expanding,
}

/// <summary>What <see cref="WalkForward"/> does when a model forecasts a non-finite or non-positive variance.</summary>
public enum InvalidForecastPolicy
{
    /// <summary>Throw <see cref="InvalidOperationException"/> naming the model, the origin and the value (the default).</summary>
    Throw = 0,

    /// <summary>
    /// Replace the forecast by the fallback variance of <see cref="WalkForward.FallbackVariance(ReadOnlySpan{double})"/> (an EWMA of the
    /// history the model was given, so no look-ahead) and count it in <see cref="WalkForwardModelResult.FallbackCount"/>.
    /// </summary>
    Fallback = 1,
}

/// <summary>Options of <see cref="WalkForward.Run(ReadOnlySpan{double}, IReadOnlyList{IVarianceModel}, WalkForwardOptions?, IProgress{WalkForwardProgress}?)"/>.</summary>
public sealed class WalkForwardOptions
{
    /// <summary>Number of returns before the first forecast origin (and the rolling window length). Default 1000.</summary>
    public int TrainSize { get; init; } = 1000;

    /// <summary>Number of forecast origins; null runs to the end of the sample. Default null.</summary>
    public int? TestSize { get; init; }

    /// <summary>Refit every this many origins (1 = refit at every origin). Default 20.</summary>
    public int RefitEvery { get; init; } = 20;

    /// <summary>Rolling or expanding training window. Default <see cref="WalkForwardWindow.Rolling"/>.</summary>
    public WalkForwardWindow Window { get; init; } = WalkForwardWindow.Rolling;

    /// <summary>Forecast horizon h ≥ 1: the evaluated forecast is element h-1 of each forecast path. Default 1.</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Maximum number of (model, refit block) work items run in parallel. Results do not depend on it. Default 1.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Optional variance proxy aligned with the returns (same length, e.g. realised variance); null uses the squared
    /// return <c>r_t²</c>. The proxy of target day t is only read for evaluation, never given to a model.
    /// </summary>
    public IReadOnlyList<double>? Proxy { get; init; }

    /// <summary>
    /// Exogenous series aligned with the returns (row t observed with r_t), or null. Models whose
    /// <see cref="IVarianceModel.UsesExogenous"/> is true receive the rows of their fitting window and, when forecasting
    /// from origin t, the rows before t, exactly like the returns; the other models never see them.
    /// </summary>
    public ExogenousSeries? Exogenous { get; init; }

    /// <summary>
    /// What to do when a model forecasts a non-finite or non-positive variance: throw (default) or substitute
    /// <see cref="WalkForward.FallbackVariance(ReadOnlySpan{double})"/> and count it per model
    /// (<see cref="WalkForwardModelResult.FallbackCount"/>, <see cref="WalkForwardModelResult.FallbackOrigins"/>).
    /// </summary>
    public InvalidForecastPolicy InvalidForecasts { get; init; } = InvalidForecastPolicy.Throw;

    /// <summary>Loss used to pick the best model and to run the DM tests (<see cref="ForecastRanking.Build(IReadOnlyList{NamedForecast}, ReadOnlySpan{double}, Loss, string?, DieboldMarianoOptions?)"/>). Default QLIKE.</summary>
    public Loss RankingLoss { get; init; } = Loss.Qlike;

    /// <summary>Former type of <see cref="RankingLoss"/>; reads and writes it.</summary>
    [Obsolete("Use RankingLoss (of type MlNetLstm.Loss).")]
    public LossFunction RankBy { get => RankingLoss.ToLossFunction(); init => RankingLoss = value.ToLoss(); }

    /// <summary>Optional benchmark model name for the DM-versus-benchmark column of the ranking.</summary>
    public string? Benchmark { get; init; }

    /// <summary>Newey-West lags for the DM tests; null uses the <see cref="DieboldMarianoOptions.Lags"/> default.</summary>
    public int? DieboldMarianoLags { get; init; }

    /// <summary>Newey-West lags for the Mincer-Zarnowitz HAC errors; null means the rule of thumb.</summary>
    public int? MincerZarnowitzLags { get; init; }
}

/// <summary>Progress of a walk-forward run: reported after each completed (model, refit block).</summary>
/// <param name="Model">Name of the model whose block finished.</param>
/// <param name="CompletedBlocks">Blocks completed over all models so far.</param>
/// <param name="TotalBlocks">Total blocks over all models.</param>
public sealed record WalkForwardProgress(string Model, int CompletedBlocks, int TotalBlocks);

/// <summary>Out-of-sample results of one model in a walk-forward run. Immutable.</summary>
public sealed class WalkForwardModelResult
{
    internal WalkForwardModelResult(string name, double[] forecasts, double mse, double mae, double qlike,
        MincerZarnowitzResult? mz, TimeSpan fitTime, int fitCount, DieboldMarianoResult? versusBest, int[]? fallbackOrigins = null)
    {
        FallbackOrigins = Array.AsReadOnly(fallbackOrigins ?? []);
        VersusBest = versusBest;
        Name = name;
        Forecasts = Array.AsReadOnly(forecasts);
        Mse = mse;
        Mae = mae;
        Qlike = qlike;
        MincerZarnowitz = mz;
        FitTime = fitTime;
        FitCount = fitCount;
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>h-step variance forecasts, element k targets <see cref="WalkForwardReport.TargetIndices"/>[k].</summary>
    public IReadOnlyList<double> Forecasts { get; }

    /// <summary>Mean squared error against the proxy.</summary>
    public double Mse { get; }

    /// <summary>Mean absolute error against the proxy.</summary>
    public double Mae { get; }

    /// <summary>Mean QLIKE against the proxy.</summary>
    public double Qlike { get; }

    /// <summary>Mincer-Zarnowitz regression of the proxy on the forecasts; null when the forecasts are constant.</summary>
    public MincerZarnowitzResult? MincerZarnowitz { get; }

    /// <summary>Mincer-Zarnowitz R² (0 when the forecasts are constant).</summary>
    public double MincerZarnowitzRSquared => MincerZarnowitz?.RSquared ?? 0.0;

    /// <summary>Total wall-clock time spent in <see cref="IVarianceModel.Fit(ReadOnlySpan{double})"/> (the only non-deterministic field).</summary>
    public TimeSpan FitTime { get; }

    /// <summary>Number of fits performed.</summary>
    public int FitCount { get; }

    /// <summary>Diebold-Mariano test of this model (1) versus the best model (2); null for the best model.</summary>
    public DieboldMarianoResult? VersusBest { get; }

    /// <summary>
    /// Forecast origins at which the model's own forecast was non-finite or non-positive and was replaced by the fallback
    /// variance (only with <see cref="InvalidForecastPolicy.Fallback"/>; otherwise always empty), in increasing order.
    /// </summary>
    public IReadOnlyList<int> FallbackOrigins { get; }

    /// <summary>Number of forecasts replaced by the fallback variance (<see cref="FallbackOrigins"/>.Count).</summary>
    public int FallbackCount => FallbackOrigins.Count;
}

/// <summary>Immutable report of a walk-forward run.</summary>
public sealed class WalkForwardReport
{
    internal WalkForwardReport(int[] origins, int[] targets, double[] proxy, double[] targetReturns, WalkForwardModelResult[] models, ForecastRanking ranking, int horizon)
    {
        TargetReturns = Array.AsReadOnly(targetReturns);
        Origins = Array.AsReadOnly(origins);
        TargetIndices = Array.AsReadOnly(targets);
        Proxy = Array.AsReadOnly(proxy);
        Models = Array.AsReadOnly(models);
        Ranking = ranking;
        Horizon = horizon;
    }

    /// <summary>Forecast origins t: the forecast made at t uses returns with index &lt; t only.</summary>
    public IReadOnlyList<int> Origins { get; }

    /// <summary>Index of the return each evaluated forecast targets: <c>t + h - 1</c>.</summary>
    public IReadOnlyList<int> TargetIndices { get; }

    /// <summary>Realised proxy at each target index.</summary>
    public IReadOnlyList<double> Proxy { get; }

    /// <summary>Realised return at each target index (for VaR backtests).</summary>
    public IReadOnlyList<double> TargetReturns { get; }

    /// <summary>Per-model results, in the order the models were given.</summary>
    public IReadOnlyList<WalkForwardModelResult> Models { get; }

    /// <summary>Ranking table by <see cref="WalkForwardOptions.RankingLoss"/>, with DM tests versus the best and the benchmark.</summary>
    public ForecastRanking Ranking { get; }

    /// <summary>Name of the model with the lowest ranking loss.</summary>
    public string BestModel => Ranking.Best;

    /// <summary>Forecast horizon h.</summary>
    public int Horizon { get; }

    /// <summary>Looks a model's result up by name.</summary>
    /// <param name="name">Model name.</param>
    /// <returns>The result.</returns>
    /// <exception cref="KeyNotFoundException">No such model.</exception>
    public WalkForwardModelResult this[string name] =>
        Models.FirstOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"No model named '{name}' in the report.");

    /// <summary>
    /// VaR backtest of one model's out-of-sample variance forecasts against the realised target returns
    /// (zero conditional mean; see <see cref="VarBacktest"/> for the conventions).
    /// </summary>
    /// <param name="name">Model name.</param>
    /// <param name="alpha">Tail probability α in (0, 1), e.g. 0.01.</param>
    /// <param name="distribution">Standardised return distribution; null means normal.</param>
    /// <returns>Hit statistics with the Kupiec and Christoffersen tests.</returns>
    public VarBacktestResult BacktestVar(string name, double alpha, StandardizedDistribution? distribution = null) =>
        VarBacktest.Run(TargetReturns.ToArray(), this[name].Forecasts.ToArray(), alpha, distribution);
}

/// <summary>
/// Walk-forward (pseudo out-of-sample) backtester for variance models. It never looks ahead: for the forecast
/// origin t (t = TrainSize, TrainSize+1, …) the model in use was fitted on returns strictly before its refit origin
/// s ≤ t (rolling: <c>r[s-TrainSize, s)</c>; expanding: <c>r[0, s)</c>), and
/// <see cref="IFittedVarianceModel.ForecastVariance(ReadOnlySpan{double}, int)"/> receives only <c>r[start, t)</c> where start is the first
/// index of that fitting window. Element h-1 of the returned path is the forecast of the variance of <c>r_{t+h-1}</c>.
/// Models are refitted at the first origin and every <see cref="WalkForwardOptions.RefitEvery"/> origins after.
/// Each (model, refit block) is an independent work item, so the results are identical for any thread count; with
/// <see cref="WalkForwardOptions.Threads"/> &gt; 1, <see cref="IVarianceModel.Fit(ReadOnlySpan{double})"/> of one model instance may run
/// concurrently on different windows, so models must not mutate shared state in Fit.
/// </summary>
public static class WalkForward
{
    /// <summary>Runs the walk-forward evaluation.</summary>
    /// <param name="returns">Returns, oldest first.</param>
    /// <param name="models">Models to evaluate; names must be unique.</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <param name="progress">Optional progress sink (called from worker threads).</param>
    /// <returns>The immutable report.</returns>
    /// <exception cref="ArgumentException">Invalid options, sample too short, duplicate names, non-finite returns.</exception>
    /// <exception cref="InvalidOperationException">A model failed to fit or forecast (the message names the model and origin; the
    /// model's exception is the inner exception), or returned a forecast path of the wrong length or (with <see cref="InvalidForecastPolicy.Throw"/>) a non-positive/non-finite variance.</exception>
    public static WalkForwardReport Run(ReadOnlySpan<double> returns, IReadOnlyList<IVarianceModel> models,
        WalkForwardOptions? options = null, IProgress<WalkForwardProgress>? progress = null)
        => Run(returns.ToArray(), models, options, progress);

    /// <inheritdoc cref="Run(ReadOnlySpan{double}, IReadOnlyList{IVarianceModel}, WalkForwardOptions?, IProgress{WalkForwardProgress}?)"/>
    public static WalkForwardReport Run(double[] returns, IReadOnlyList<IVarianceModel> models,
        WalkForwardOptions? options = null, IProgress<WalkForwardProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(models);
        options ??= new WalkForwardOptions();
        EvalGuard.Finite(returns, nameof(returns));
        EvalGuard.ReturnScale(returns, nameof(returns));
        if (models.Count == 0) throw new ArgumentException("At least one model is required.", nameof(models));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < models.Count; i++)
        {
            if (models[i] is null) throw new ArgumentException($"models[{i}] is null.", nameof(models));
            if (!names.Add(models[i].Name)) throw new ArgumentException($"Duplicate model name '{models[i].Name}'.", nameof(models));
        }
        int n = returns.Length, train = options.TrainSize, h = options.Horizon;
        if (train < 1) throw new ArgumentOutOfRangeException(nameof(options), train, "WalkForwardOptions.TrainSize must be at least 1.");
        if (h < 1) throw new ArgumentOutOfRangeException(nameof(options), h, "WalkForwardOptions.Horizon must be at least 1.");
        if (options.RefitEvery < 1) throw new ArgumentOutOfRangeException(nameof(options), options.RefitEvery, "WalkForwardOptions.RefitEvery must be at least 1.");
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "WalkForwardOptions.Threads must be at least 1.");
        int available = n - train - h + 1;
        int minOrigins = Math.Max(3, 2 * h + 1);
        if (available < minOrigins)
            throw new ArgumentException($"returns has {n} elements; TrainSize {train} and horizon {h} leave {Math.Max(available, 0)} forecast origins (at least {minOrigins} needed).", nameof(returns));
        if (options.TestSize is int ts && ts < minOrigins)
            throw new ArgumentOutOfRangeException(nameof(options), ts, $"WalkForwardOptions.TestSize must be at least {minOrigins} (3 and 2·Horizon + 1).");
        int count = Math.Min(options.TestSize ?? available, available);

        double[] fullProxy;
        if (options.Proxy is { } px)
        {
            EvalGuard.SameLength(n, px.Count, nameof(returns), "WalkForwardOptions.Proxy");
            fullProxy = px.ToArray();
            EvalGuard.FiniteNonNegative(fullProxy, "WalkForwardOptions.Proxy");
        }
        else
        {
            fullProxy = new double[n];
            for (int i = 0; i < n; i++) fullProxy[i] = returns[i] * returns[i];
        }

        ExogenousSeries? exog = options.Exogenous;
        exog?.EnsureAligned(n, nameof(options), "WalkForwardOptions.Exogenous must align with the returns: the returns");

        var origins = new int[count];
        var targets = new int[count];
        var proxy = new double[count];
        var targetReturns = new double[count];
        for (int k = 0; k < count; k++)
        {
            origins[k] = train + k;
            targets[k] = train + k + h - 1;
            proxy[k] = fullProxy[targets[k]];
            targetReturns[k] = returns[targets[k]];
        }

        int blocksPerModel = (count + options.RefitEvery - 1) / options.RefitEvery;
        int m = models.Count;
        var forecasts = new double[m][];
        for (int j = 0; j < m; j++) forecasts[j] = new double[count];
        var fallback = new bool[m][];
        for (int j = 0; j < m; j++) fallback[j] = new bool[count];
        var fitTicks = new long[m * blocksPerModel];
        int completed = 0, total = m * blocksPerModel;

        void RunBlock(int item)
        {
            int j = item / blocksPerModel, b = item % blocksPerModel;
            var model = models[j];
            int first = b * options.RefitEvery;
            int last = Math.Min(first + options.RefitEvery, count);
            int s = origins[first];
            int start = options.Window == WalkForwardWindow.Rolling ? s - train : 0;
            long t0 = Stopwatch.GetTimestamp();
            IFittedVarianceModel? fitted;
            bool useExog = exog is not null && model.UsesExogenous;
            try
            {
                var window = new ReadOnlySpan<double>(returns, start, s - start);
                fitted = useExog ? model.Fit(window, exog!.Slice(start, s - start)) : model.Fit(window);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
            {
                throw new InvalidOperationException($"Model '{model.Name}' failed to fit on returns [{start}, {s}) at origin {s}: {ex.Message}", ex);
            }
            if (fitted is null) throw new InvalidOperationException($"Model '{model.Name}' returned null from Fit at origin {s}.");
            fitTicks[item] = Stopwatch.GetTimestamp() - t0;
            for (int k = first; k < last; k++)
            {
                int t = origins[k];
                double[] path;
                try
                {
                    var history = new ReadOnlySpan<double>(returns, start, t - start);
                    path = useExog ? fitted.ForecastVariance(history, exog!.Slice(start, t - start), h) : fitted.ForecastVariance(history, h);
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
                {
                    throw new InvalidOperationException($"Model '{model.Name}' failed to forecast at origin {t}: {ex.Message}", ex);
                }
                if (path is null || path.Length != h)
                    throw new InvalidOperationException($"Model '{model.Name}' returned {path?.Length.ToString() ?? "null"} forecasts at origin {t}; expected {h}.");
                double v = path[h - 1];
                if (!double.IsFinite(v) || v <= 0)
                {
                    if (options.InvalidForecasts != InvalidForecastPolicy.Fallback)
                        throw new InvalidOperationException($"Model '{model.Name}' forecast a variance of {v} at origin {t} (horizon {h}); forecasts must be finite and positive.");
                    v = FallbackVariance(new ReadOnlySpan<double>(returns, start, t - start));
                    fallback[j][k] = true;
                }
                forecasts[j][k] = v;
            }
            int done = Interlocked.Increment(ref completed);
            progress?.Report(new WalkForwardProgress(model.Name, done, total));
        }

        if (options.Threads == 1)
        {
            for (int item = 0; item < total; item++) RunBlock(item);
        }
        else
        {
            try
            {
                Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, RunBlock);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
            {
                ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
                throw;
            }
        }

        var named = new NamedForecast[m];
        for (int j = 0; j < m; j++) named[j] = new NamedForecast(models[j].Name, Array.AsReadOnly(forecasts[j]));
        var dm = new DieboldMarianoOptions { Horizon = h, Lags = options.DieboldMarianoLags };
        var ranking = ForecastRanking.Build(named, proxy, options.RankingLoss, options.Benchmark, dm);
        var results = new WalkForwardModelResult[m];
        for (int j = 0; j < m; j++)
        {
            var f = forecasts[j];
            MincerZarnowitzResult? mz = MincerZarnowitz.HasVariation(f)
                ? MincerZarnowitz.Fit(f, proxy, options.MincerZarnowitzLags is int l ? Math.Min(l, count - 1) : null)
                : null;
            long ticks = 0;
            for (int b = 0; b < blocksPerModel; b++) ticks += fitTicks[j * blocksPerModel + b];
            var row = ranking.Rows.First(x => x.Name == models[j].Name);
            results[j] = new WalkForwardModelResult(models[j].Name, f, row.Mse, row.Mae, row.Qlike,
                mz, Stopwatch.GetElapsedTime(0, ticks), blocksPerModel, row.VersusBest,
                Enumerable.Range(0, count).Where(k => fallback[j][k]).Select(k => origins[k]).ToArray());
        }
        return new WalkForwardReport(origins, targets, proxy, targetReturns, results, ranking, h);
    }

    /// <summary>Decay of the fallback EWMA (RiskMetrics daily).</summary>
    public const double FallbackLambda = RiskMetrics.Lambda;

    /// <summary>Fallback variance when the history has no non-zero return.</summary>
    public const double FallbackFloor = 1e-12;

    /// <summary>
    /// The variance substituted for an invalid forecast under <see cref="InvalidForecastPolicy.Fallback"/>: the EWMA
    /// <c>v = λ v + (1 - λ) r_i²</c> over the history the model was given (oldest first, λ = <see cref="FallbackLambda"/>), started
    /// at the history's mean square <c>mean(r_i²)</c> (the library's one EWMA, <see cref="RiskMetrics"/>, with its start rule); when that is zero (or the history is empty) <see cref="FallbackFloor"/>.
    /// Always finite and positive for finite returns; uses no return at or after the origin.
    /// </summary>
    /// <param name="history">Returns before the origin, oldest first.</param>
    /// <returns>A finite positive variance.</returns>
    public static double FallbackVariance(ReadOnlySpan<double> history)
    {
        if (history.IsEmpty) return FallbackFloor;
        double ms = RiskMetrics.StartVariance(history);
        double v = ms;
        foreach (double r in history) v = RiskMetrics.Update(v, r, FallbackLambda);
        return double.IsFinite(v) && v > 0 ? v : double.IsFinite(ms) && ms > 0 ? ms : FallbackFloor;
    }
}
