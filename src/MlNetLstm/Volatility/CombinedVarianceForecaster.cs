using MlNetLstm.Data;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// A fitted <see cref="CombinedVarianceModel"/>: immutable and thread-safe when its members are (every fitted model of this
/// library is).
/// </summary>
public sealed class CombinedVarianceForecaster : IFittedVarianceModel
{
    private readonly string[] _names;
    private readonly IFittedVarianceModel[] _members;

    internal CombinedVarianceForecaster(string name, string[] memberNames, IFittedVarianceModel[] members)
    {
        Name = name;
        _names = memberNames;
        _members = members;
    }

    /// <summary>Name of the combination.</summary>
    public string Name { get; }

    /// <summary>The fitted members, in the order of <see cref="CombinedVarianceModel.Members"/>.</summary>
    public IReadOnlyList<IFittedVarianceModel> Members => _members;

    /// <summary>
    /// Geometric mean of the members' forecasts, step by step: <c>h_k = exp((1/M) Σ_m log h^{(m)}_k)</c>, k = 1..horizon.
    /// </summary>
    /// <param name="history">Returns observed so far, oldest first.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    /// <returns>One positive forecast per step.</returns>
    /// <exception cref="InvalidOperationException">A member returned a forecast that is not positive and finite (named in the message).</exception>
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => ForecastVariance(history, null, horizon);

    /// <summary>As <see cref="ForecastVariance(ReadOnlySpan{double}, int)"/>, passing the exogenous history to every member.</summary>
    /// <param name="history">Returns observed so far, oldest first.</param>
    /// <param name="exogenousHistory">Aligned exogenous rows, or null.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    /// <returns>One positive forecast per step.</returns>
    public double[] ForecastVariance(ReadOnlySpan<double> history, ExogenousSeries? exogenousHistory, int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        var logSum = new double[horizon];
        for (int m = 0; m < _members.Length; m++)
        {
            double[] f = _members[m].ForecastVariance(history, exogenousHistory, horizon);
            if (f.Length != horizon)
                throw new InvalidOperationException($"Member {m} ('{_names[m]}') of '{Name}' returned {f.Length} forecasts for horizon {horizon}.");
            for (int k = 0; k < horizon; k++)
            {
                if (!(f[k] > 0) || !double.IsFinite(f[k]))
                    throw new InvalidOperationException($"Member {m} ('{_names[m]}') of '{Name}' forecast a variance of {f[k]} at step {k + 1}; it must be positive and finite.");
                logSum[k] += Math.Log(f[k]);
            }
        }
        for (int k = 0; k < horizon; k++) logSum[k] = Math.Exp(logSum[k] / _members.Length);
        return logSum;
    }
}
