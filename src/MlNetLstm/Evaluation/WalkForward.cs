using MlNetLstm.Data;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MlNetLstm.Evaluation;

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
