using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility.Har;

/// <summary>
/// <see cref="IVarianceModel"/> adapter for HAR (name "har"): fitted on returns with the squared return as the variance
/// proxy, it forecasts <c>r²</c> with <see cref="HarModel"/>. Forecasts are floored at
/// <see cref="FloorFraction"/> × the mean squared training return so that they stay strictly positive.
/// </summary>
public sealed class HarVarianceModel : IVarianceModel
{
    /// <summary>Creates the adapter.</summary>
    /// <param name="options">HAR options; null uses the defaults (level HAR, iterated forecasts).</param>
    /// <param name="name">Model name (default "har").</param>
    /// <param name="floorFraction">Positive floor as a fraction of the mean squared training return (default 1e-3).</param>
    public HarVarianceModel(HarOptions? options = null, string name = "har", double floorFraction = 1e-3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(floorFraction > 0) || !double.IsFinite(floorFraction))
            throw new ArgumentOutOfRangeException(nameof(floorFraction), floorFraction, "floorFraction must be positive and finite.");
        Options = options ?? new HarOptions();
        Name = name;
        FloorFraction = floorFraction;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>HAR options.</summary>
    public HarOptions Options { get; }

    /// <summary>Floor as a fraction of the mean squared training return.</summary>
    public double FloorFraction { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Fewer returns than <see cref="HarModel.MinimumLength"/>, non-finite returns, or all-zero returns.</exception>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns)
    {
        EvalGuard.MinLength(returns.Length, HarModel.MinimumLength(Options), nameof(returns));
        EvalGuard.Finite(returns, nameof(returns));
        EvalGuard.ReturnScale(returns, nameof(returns));
        var proxy = new double[returns.Length];
        double mean = 0;
        for (int i = 0; i < proxy.Length; i++) { proxy[i] = returns[i] * returns[i]; mean += proxy[i]; }
        mean /= Math.Max(proxy.Length, 1);
        if (!(mean > 0)) throw new ArgumentException("returns are all zero; a variance model cannot be fitted.", nameof(returns));
        var har = HarModel.Fit(proxy, Options);
        return new Fitted(har, FloorFraction * mean);
    }

    private sealed class Fitted(HarModel model, double floor) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
        {
            EvalGuard.MinLength(history.Length, 1, nameof(history));
            int k = Math.Min(history.Length, model.Options.MonthlyWindow);
            var tail = history[^k..];
            EvalGuard.Finite(tail, nameof(history));
            var proxy = new double[k];
            for (int i = 0; i < k; i++) proxy[i] = tail[i] * tail[i];
            var f = model.Forecast(proxy, horizon);
            for (int i = 0; i < f.Length; i++) f[i] = Math.Max(f[i], floor);
            return f;
        }
    }
}
