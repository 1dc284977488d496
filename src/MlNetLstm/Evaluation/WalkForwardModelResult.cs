namespace MlNetLstm.Evaluation;

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
