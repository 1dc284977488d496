namespace MlNetLstm.Evaluation;

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
