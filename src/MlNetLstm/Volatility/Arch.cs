using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

/// <summary>
/// One-line entry points to the GARCH family (in the manner of Python's <c>arch_model(y).fit()</c>).
/// </summary>
public static class Arch
{
    /// <summary>Fits the default model: constant mean, GARCH(1,1), normal innovations.</summary>
    /// <param name="returns">Returns, oldest first (percent returns are numerically best).</param>
    /// <param name="options">Fit options (null for defaults).</param>
    /// <returns>The fit result.</returns>
    public static ArchFitResult Fit(ReadOnlySpan<double> returns, ArchFitOptions? options = null)
        => ArchModel.Create(returns, new ConstantMean(), new Garch(1, 1), new Normal()).Fit(options);

    /// <summary>
    /// Creates a model from short names: mean "zero" | "constant" | "ar1".."ar9"; volatility "garch" (1,1),
    /// "gjr" (1,1,1), "egarch" (1,1), "ewma" (lambda 0.94), "constant"; distribution "normal" | "t" | "skewt" | "ged".
    /// </summary>
    /// <param name="returns">Returns, oldest first.</param>
    /// <param name="mean">Mean model name.</param>
    /// <param name="volatility">Volatility process name.</param>
    /// <param name="distribution">Distribution name.</param>
    /// <returns>The model.</returns>
    public static ArchModel Create(ReadOnlySpan<double> returns, string mean = "constant", string volatility = "garch", string distribution = "normal")
        => ArchModel.Create(returns, ParseMean(mean), ParseVolatility(volatility), ParseDistribution(distribution));

    /// <summary>Mean model from its short name ("zero", "constant", "arP").</summary>
    /// <param name="name">The name.</param>
    /// <returns>A mean model.</returns>
    public static MeanModel ParseMean(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "zero" => new ZeroMean(),
        "constant" => new ConstantMean(),
        string s when s.StartsWith("ar", StringComparison.Ordinal) && int.TryParse(s.AsSpan(2), out int p) && p >= 1 => new ArMean(p),
        _ => throw new ArgumentException($"Unknown mean model '{name}'; expected zero, constant or arP (for example ar1).", nameof(name)),
    };

    /// <summary>Volatility process from its short name ("garch", "gjr", "egarch", "ewma", "constant").</summary>
    /// <param name="name">The name.</param>
    /// <returns>A process.</returns>
    public static VolatilityProcess ParseVolatility(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "garch" => new Garch(1, 1),
        "gjr" => new GjrGarch(1, 1, 1),
        "egarch" => new Egarch(),
        "ewma" => new Ewma(),
        "constant" => new ConstantVariance(),
        _ => throw new ArgumentException($"Unknown volatility model '{name}'; expected garch, gjr, egarch, ewma or constant.", nameof(name)),
    };

    /// <summary>Distribution from its short name ("normal", "t", "skewt", "ged").</summary>
    /// <param name="name">The name.</param>
    /// <returns>A distribution.</returns>
    public static ErrorDistribution ParseDistribution(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "normal" => new Normal(),
        "t" => new StudentsT(),
        "skewt" => new SkewedStudentsT(),
        "ged" => new Ged(),
        _ => throw new ArgumentException($"Unknown distribution '{name}'; expected normal, t, skewt or ged.", nameof(name)),
    };
}
