using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Har;

namespace MlNetLstm.Realized;

/// <summary>
/// HAR-RV (Corsi 2009) on the daily realized measure, name "har-rv", or its log form (<c>ln RV</c> regressed on the logs of the
/// daily, weekly and monthly averages, smearing back-transform), name "log-har": <see cref="HarModel"/> fitted on the RV column of
/// the window. Forecasts of RV_{t+k} (floored at 1e-3 × the mean training RV) are the variance forecasts.
/// </summary>
public sealed class RealizedHarVarianceModel : IVarianceModel
{
    /// <summary>Name of the level model.</summary>
    public const string LevelName = "har-rv";

    /// <summary>Name of the log model.</summary>
    public const string LogName = "log-har";

    /// <summary>Creates the model.</summary>
    /// <param name="log">Log-HAR instead of level HAR-RV.</param>
    /// <param name="options">HAR options (null: Corsi's 1/5/22, iterated); <see cref="HarOptions.Log"/> is set from <paramref name="log"/>.</param>
    public RealizedHarVarianceModel(bool log = false, HarOptions? options = null)
    {
        var o = options ?? new HarOptions();
        Options = new HarOptions
        {
            WeeklyWindow = o.WeeklyWindow, MonthlyWindow = o.MonthlyWindow, Log = log, LogFloorFraction = o.LogFloorFraction,
            ForecastMethod = o.ForecastMethod, MaxHorizon = o.MaxHorizon, NeweyWestLags = o.NeweyWestLags,
        };
    }

    /// <summary>The HAR options.</summary>
    public HarOptions Options { get; }

    /// <inheritdoc />
    public string Name => Options.Log ? LogName : LevelName;

    /// <inheritdoc />
    public bool UsesExogenous => true;

    /// <summary>Not available: the model needs the RV column (throws, saying so).</summary>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    /// <inheritdoc />
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous)
    {
        double[] rv = RealizedInputs.Read(exogenous, returns.Length, Name);
        double mean = rv.Average();
        if (!(mean > 0)) throw new ArgumentException($"{Name}: the realized variances of the window are all zero.", nameof(exogenous));
        return new Fitted(HarModel.Fit(rv, Options), 1e-3 * mean, Name);
    }

    private sealed class Fitted(HarModel model, double floor, string name) : IFittedVarianceModel
    {
        public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

        public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
        {
            double[] rv = RealizedInputs.Read(exogenousHistory, history.Length, name);
            double[] f = model.Forecast(rv, horizon);
            for (int i = 0; i < f.Length; i++) f[i] = Math.Max(f[i], floor);
            return f;
        }
    }
}
