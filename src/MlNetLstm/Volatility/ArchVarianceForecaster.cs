using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>A fitted <see cref="ArchVarianceModel"/>: immutable and thread-safe.</summary>
public sealed class ArchVarianceForecaster : IFittedVarianceModel
{
    internal ArchVarianceForecaster(ArchFitResult fit) => Fit = fit;

    /// <summary>The maximum-likelihood fit (parameters, standard errors, convergence report).</summary>
    public ArchFitResult Fit { get; }

    /// <inheritdoc />
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        return Fit.Forecast(history, horizon).ReturnVariance.ToArray();
    }
}
