using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>A fitted <see cref="ValidationSelectedVarianceModel"/>: the chosen candidate, refitted on the whole window. Immutable.</summary>
public sealed class ValidationSelectedFit : IFittedVarianceModel
{
    private readonly double[] _scores;

    internal ValidationSelectedFit(string selected, int index, double[] scores, IFittedVarianceModel model)
    {
        Selected = selected; SelectedIndex = index; _scores = scores; Model = model;
    }

    /// <summary>Name of the chosen candidate.</summary>
    public string Selected { get; }

    /// <summary>Index of the chosen candidate.</summary>
    public int SelectedIndex { get; }

    /// <summary>Mean validation QLIKE per candidate, in candidate order (+∞ for a candidate that could not be scored).</summary>
    public IReadOnlyList<double> ValidationQlike => _scores;

    /// <summary>The chosen candidate fitted on the whole window.</summary>
    public IFittedVarianceModel Model { get; }

    /// <inheritdoc />
    public double[] ForecastVariance(ReadOnlySpan<double> history, int horizon) => Model.ForecastVariance(history, horizon);
}
