namespace MlNetLstm.Volatility.Parameters;

/// <summary>
/// Describes one estimated parameter of a model component: its name and the closed box
/// [<see cref="LowerBound"/>, <see cref="UpperBound"/>] the optimiser keeps it in. Components may impose
/// further strict constraints (for example omega &gt; 0 or alpha + beta &lt; 1) that are checked separately.
/// </summary>
/// <param name="Name">Parameter name as reported in results ("mu", "omega", "alpha", "nu", ...).</param>
/// <param name="LowerBound">Smallest admissible value (may be <see cref="double.NegativeInfinity"/>).</param>
/// <param name="UpperBound">Largest admissible value (may be <see cref="double.PositiveInfinity"/>).</param>
public sealed record ParameterInfo(string Name, double LowerBound, double UpperBound);
