using MlNetLstm.Evaluation;
using MlNetLstm.Features;

namespace MlNetLstm.Volatility.Har;

/// <summary>How <see cref="HarModel"/> produces h-step forecasts.</summary>
public enum HarForecastMethod
{
    /// <summary>
    /// Iterated: the one-step regression is applied recursively; each forecast is appended to the proxy series and
    /// the components are recomputed from it before the next step. Works for any horizon.
    /// </summary>
    Iterated,

    /// <summary>
    /// Direct: a separate OLS regression of <c>v_{t+h}</c> on the components at t for each h = 1..<see cref="HarOptions.MaxHorizon"/>
    /// is estimated at fit time; the h-step forecast applies regression h to the last components.
    /// </summary>
    Direct,
}
