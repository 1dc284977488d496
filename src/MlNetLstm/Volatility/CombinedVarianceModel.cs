using MlNetLstm.Data;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// Equal-weight forecast combination in logs: fits every member on the same window and forecasts
/// <c>h_{T+k} = exp((1/M) Σ_m log h^{(m)}_{T+k})</c>, the geometric mean of the M members' variance forecasts, step by step.
/// No weight is estimated, so the combination cannot overfit the evaluation sample. Its main use is a seed ensemble of a
/// neural model (<see cref="Neural.LstmVolatilityModel.SeedEnsemble"/>): averaging M networks that differ only in their
/// random initialisation and shuffling removes most of the seed-to-seed variation of a single fit.
/// </summary>
public sealed class CombinedVarianceModel : IVarianceModel
{
    private readonly IVarianceModel[] _members;

    /// <summary>Creates the combination.</summary>
    /// <param name="name">Name used in tables and JSON (non-empty).</param>
    /// <param name="members">The models to combine: at least one, none null.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="members"/> is empty or holds a null.</exception>
    public CombinedVarianceModel(string name, IEnumerable<IVarianceModel> members)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        _members = members.ToArray();
        if (_members.Length == 0) throw new ArgumentException("members is empty: a combination needs at least one model.", nameof(members));
        int nullAt = Array.IndexOf(_members, null);
        if (nullAt >= 0) throw new ArgumentException($"members[{nullAt}] is null.", nameof(members));
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The combined models, in order.</summary>
    public IReadOnlyList<IVarianceModel> Members => _members;

    /// <summary>True when any member reads exogenous series (they are passed to every member; univariate ones ignore them).</summary>
    public bool UsesExogenous => _members.Any(m => m.UsesExogenous);

    IFittedVarianceModel IVarianceModel.Fit(ReadOnlySpan<double> returns) => Fit(returns, null);

    IFittedVarianceModel IVarianceModel.Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous) => Fit(returns, exogenous);

    /// <summary>Fits every member on <paramref name="returns"/> (and <paramref name="exogenous"/>, if given), in order.</summary>
    /// <param name="returns">Training returns, oldest first.</param>
    /// <param name="exogenous">Aligned exogenous series, or null.</param>
    /// <returns>The immutable fitted combination.</returns>
    public CombinedVarianceForecaster Fit(ReadOnlySpan<double> returns, ExogenousSeries? exogenous = null)
    {
        var fitted = new IFittedVarianceModel[_members.Length];
        for (int m = 0; m < _members.Length; m++) fitted[m] = _members[m].Fit(returns, exogenous);
        return new CombinedVarianceForecaster(Name, _members.Select(m => m.Name).ToArray(), fitted);
    }
}

/// <summary>
/// A fitted <see cref="CombinedVarianceModel"/>: immutable and thread-safe when its members are (every fitted model of this
/// library is).
/// </summary>
public sealed partial class CombinedVarianceForecaster : IFittedVarianceModel
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
