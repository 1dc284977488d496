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
