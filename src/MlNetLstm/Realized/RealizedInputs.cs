using MlNetLstm.Data;
using MlNetLstm.Evaluation;

namespace MlNetLstm.Realized;

/// <summary>
/// Shared conventions of the models on a realized measure: the daily RV reaches them as the exogenous column
/// <see cref="Column"/> (row t: RV_t, observed at the close of day t with r_t), so that <see cref="WalkForward"/> hands each model the
/// RV rows of its own window and never a future one.
/// </summary>
public static class RealizedInputs
{
    /// <summary>Name of the exogenous column holding the daily realized measure: "rv".</summary>
    public const string Column = "rv";

    /// <summary>The RV column of <paramref name="exogenous"/>, checked finite and non-negative, or an <see cref="ArgumentException"/> saying it is needed.</summary>
    /// <param name="exogenous">The exogenous rows.</param>
    /// <param name="rows">Expected rows (the returns' length).</param>
    /// <param name="model">The model's name, for the message.</param>
    /// <returns>RV_1..RV_n.</returns>
    public static double[] Read(ExogenousSeries? exogenous, int rows, string model)
    {
        if (exogenous is null || !exogenous.Names.Contains(Column))
            throw new ArgumentException($"{model} is a model on realized variance: it needs the exogenous column '{Column}' (daily RV aligned with the returns), " +
                                        "for example WalkForwardOptions.Exogenous = ExogenousSeries.FromColumn(RealizedInputs.Column, rv).", nameof(exogenous));
        exogenous.EnsureAligned(rows, nameof(exogenous));
        double[] rv = exogenous.Column(Column);
        EvalGuard.FiniteNonNegative(rv, $"exogenous column '{Column}'");
        return rv;
    }

    /// <summary>An exogenous series with a single RV column.</summary>
    /// <param name="rv">Daily realized measures.</param>
    /// <returns>The series.</returns>
    public static ExogenousSeries Create(ReadOnlySpan<double> rv) => ExogenousSeries.FromColumn(Column, rv);
}
