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

    /// <summary>
    /// Mean model from its text form (<see cref="ArchSpecification"/>): "zero", "constant", "ar(p)" or "arP", or a name
    /// registered with <see cref="ArchComponents.RegisterMean{T}"/>.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns>A mean model.</returns>
    /// <exception cref="ArgumentException">Unknown or malformed; the message names the token.</exception>
    public static MeanModel ParseMean(string name) =>
        ArchSpecification.ParsePart(Token(name), name, "mean model", ArchComponents.IsMean, ArchComponents.CreateMean, ArchComponents.MeanNames);

    /// <summary>
    /// Volatility process from its text form: "garch" (1,1), "garch(p,q)", "garch(p,o,q)", "gjr" (1,1,1), "gjr(p,o,q)",
    /// "egarch" (1,1,1), "ewma" (lambda 0.94), "ewma(lambda)", "constant", or a registered name
    /// (<see cref="ArchComponents.RegisterProcess{T}"/>).
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns>A process.</returns>
    /// <exception cref="ArgumentException">Unknown or malformed; the message names the token.</exception>
    public static VolatilityProcess ParseVolatility(string name) =>
        ArchSpecification.ParsePart(Token(name), name, "volatility process", ArchComponents.IsProcess, ArchComponents.CreateProcess, ArchComponents.ProcessNames);

    /// <summary>Distribution from its short name ("normal", "t", "skewt", "ged", or a registered name).</summary>
    /// <param name="name">The name.</param>
    /// <returns>A distribution.</returns>
    /// <exception cref="ArgumentException">Unknown or malformed; the message names the token.</exception>
    public static ErrorDistribution ParseDistribution(string name) =>
        ArchSpecification.ParsePart(Token(name), name, "distribution", ArchComponents.IsDistribution, ArchComponents.CreateDistribution, ArchComponents.DistributionNames);

    private static string Token(string name) =>
        name is null ? throw new ArgumentNullException(nameof(name)) : new string(name.Where(c => !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());
}
