using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

/// <summary>
/// The registry of named model parts: each mean model, volatility process and distribution type has one short name and a
/// factory that builds it from its settings (<see cref="VolatilityProcess.Settings"/>, <see cref="MeanModel.Settings"/>,
/// <see cref="ErrorDistribution.Settings"/>). The text form of <see cref="ArchSpecification.Parse"/> (<c>garch(2,1)</c>) calls
/// the factory with the numbers in parentheses, and a saved <see cref="ArchFitResult"/> stores the name and the settings and
/// calls the factory when it is loaded, so a user-defined part can be saved and named once it is registered here.
/// <para>
/// Built in: means <c>zero</c>, <c>constant</c>, <c>ar(p)</c>; processes <c>garch</c> / <c>garch(p,q)</c> /
/// <c>garch(p,o,q)</c> (o &gt; 0 gives GJR, as in Python arch), <c>gjr</c> / <c>gjr(p,o,q)</c>, <c>egarch</c> /
/// <c>egarch(1,1,1)</c>, <c>ewma</c> / <c>ewma(lambda)</c>, <c>constant</c>; distributions <c>normal</c>, <c>t</c>,
/// <c>skewt</c>, <c>ged</c>. Thread-safe.
/// </para>
/// </summary>
public static class ArchComponents
{
    private static readonly ArchPartRegistry<MeanModel> Means = new("mean model");
    private static readonly ArchPartRegistry<VolatilityProcess> Processes = new("volatility process");
    private static readonly ArchPartRegistry<ErrorDistribution> Distributions = new("distribution");

    static ArchComponents()
    {
        Means.Add(typeof(ZeroMean), "zero", s => None(s, "zero", new ZeroMean()));
        Means.Add(typeof(ConstantMean), "constant", s => None(s, "constant", new ConstantMean()));
        Means.Add(typeof(ArMean), "ar", s => s.Count == 1 ? new ArMean(Order(s, 0, "ar", "p")) : throw Arity("ar", s, "ar(p)"));
        Processes.Add(typeof(Garch), "garch", s => s.Count switch
        {
            0 => new Garch(1, 1),
            2 => new Garch(Order(s, 0, "garch", "p"), Order(s, 1, "garch", "q")),
            3 when Order(s, 1, "garch", "o") == 0 => new Garch(Order(s, 0, "garch", "p"), Order(s, 2, "garch", "q")),
            3 => new GjrGarch(Order(s, 0, "garch", "p"), Order(s, 1, "garch", "o"), Order(s, 2, "garch", "q")),
            _ => throw Arity("garch", s, "garch, garch(p,q) or garch(p,o,q)"),
        });
        Processes.Add(typeof(GjrGarch), "gjr", s => s.Count switch
        {
            0 => new GjrGarch(1, 1, 1),
            3 => new GjrGarch(Order(s, 0, "gjr", "p"), Order(s, 1, "gjr", "o"), Order(s, 2, "gjr", "q")),
            _ => throw Arity("gjr", s, "gjr or gjr(p,o,q)"),
        });
        Processes.Add(typeof(Egarch), "egarch", s => s.Count == 0 || (s.Count == 3 && s.All(v => v == 1))
            ? new Egarch()
            : throw new ArgumentException($"egarch({Join(s)}): EGARCH is implemented for orders (p, o, q) = (1, 1, 1) only; write egarch or egarch(1,1,1).", "settings"));
        Processes.Add(typeof(Ewma), "ewma", s => s.Count switch
        {
            0 => new Ewma(),
            1 => new Ewma(s[0]),
            _ => throw Arity("ewma", s, "ewma or ewma(lambda)"),
        });
        Processes.Add(typeof(ConstantVariance), "constant", s => None(s, "constant", new ConstantVariance()));
        Distributions.Add(typeof(Normal), "normal", s => None(s, "normal", new Normal()));
        Distributions.Add(typeof(StudentsT), "t", s => None(s, "t", new StudentsT()));
        Distributions.Add(typeof(SkewedStudentsT), "skewt", s => None(s, "skewt", new SkewedStudentsT()));
        Distributions.Add(typeof(Ged), "ged", s => None(s, "ged", new Ged()));
    }

    /// <summary>
    /// Registers a volatility process type under <paramref name="name"/>: <paramref name="create"/> builds it from its
    /// <see cref="VolatilityProcess.Settings"/> (and from the numbers of the text form <c>name(s1,...)</c>; an empty list for
    /// plain <c>name</c>). Registering the same type under the same name again replaces the factory.
    /// </summary>
    /// <typeparam name="T">The process type.</typeparam>
    /// <param name="name">Lower-case letters, digits and '_', starting with a letter; unique among processes.</param>
    /// <param name="create">Factory from settings; throws <see cref="ArgumentException"/> for settings it does not accept.</param>
    /// <exception cref="ArgumentException">The name is malformed or taken by another type, or the type has another name.</exception>
    public static void RegisterProcess<T>(string name, Func<IReadOnlyList<double>, T> create) where T : VolatilityProcess
    {
        ArgumentNullException.ThrowIfNull(create);
        Processes.Add(typeof(T), name, create);
    }

    /// <summary>Registers a distribution type under <paramref name="name"/> (as <see cref="RegisterProcess{T}"/>).</summary>
    /// <typeparam name="T">The distribution type.</typeparam>
    /// <param name="name">Lower-case letters, digits and '_', starting with a letter; unique among distributions.</param>
    /// <param name="create">Factory from <see cref="ErrorDistribution.Settings"/>.</param>
    /// <exception cref="ArgumentException">The name is malformed or taken by another type, or the type has another name.</exception>
    public static void RegisterDistribution<T>(string name, Func<IReadOnlyList<double>, T> create) where T : ErrorDistribution
    {
        ArgumentNullException.ThrowIfNull(create);
        Distributions.Add(typeof(T), name, create);
    }

    /// <summary>Registers a mean model type under <paramref name="name"/> (as <see cref="RegisterProcess{T}"/>).</summary>
    /// <typeparam name="T">The mean model type.</typeparam>
    /// <param name="name">Lower-case letters, digits and '_', starting with a letter; unique among mean models.</param>
    /// <param name="create">Factory from <see cref="MeanModel.Settings"/>.</param>
    /// <exception cref="ArgumentException">The name is malformed or taken by another type, or the type has another name.</exception>
    public static void RegisterMean<T>(string name, Func<IReadOnlyList<double>, T> create) where T : MeanModel
    {
        ArgumentNullException.ThrowIfNull(create);
        Means.Add(typeof(T), name, create);
    }

    /// <summary>Builds the process registered as <paramref name="name"/> from <paramref name="settings"/>.</summary>
    /// <param name="name">A registered process name.</param>
    /// <param name="settings">Its settings (null or empty for the defaults).</param>
    /// <returns>The process.</returns>
    /// <exception cref="ArgumentException">Unknown name (the message lists the registered ones) or settings the factory refuses.</exception>
    public static VolatilityProcess CreateProcess(string name, IReadOnlyList<double>? settings = null) => Processes.Create(name, settings);

    /// <summary>Builds the distribution registered as <paramref name="name"/> from <paramref name="settings"/>.</summary>
    /// <param name="name">A registered distribution name.</param>
    /// <param name="settings">Its settings (null or empty for the defaults).</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentException">Unknown name or settings the factory refuses.</exception>
    public static ErrorDistribution CreateDistribution(string name, IReadOnlyList<double>? settings = null) => Distributions.Create(name, settings);

    /// <summary>Builds the mean model registered as <paramref name="name"/> from <paramref name="settings"/>.</summary>
    /// <param name="name">A registered mean model name.</param>
    /// <param name="settings">Its settings (null or empty for the defaults).</param>
    /// <returns>The mean model.</returns>
    /// <exception cref="ArgumentException">Unknown name or settings the factory refuses.</exception>
    public static MeanModel CreateMean(string name, IReadOnlyList<double>? settings = null) => Means.Create(name, settings);

    /// <summary>Registered process names, sorted.</summary>
    public static IReadOnlyList<string> ProcessNames => Processes.Names;

    /// <summary>Registered distribution names, sorted.</summary>
    public static IReadOnlyList<string> DistributionNames => Distributions.Names;

    /// <summary>Registered mean model names, sorted.</summary>
    public static IReadOnlyList<string> MeanNames => Means.Names;

    /// <summary>The registered name of the process's type, or null when the type is not registered.</summary>
    /// <param name="process">The process.</param>
    /// <returns>The name, or null.</returns>
    public static string? NameOf(VolatilityProcess process) => Processes.NameOf(process ?? throw new ArgumentNullException(nameof(process)));

    /// <summary>The registered name of the distribution's type, or null when the type is not registered.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The name, or null.</returns>
    public static string? NameOf(ErrorDistribution distribution) => Distributions.NameOf(distribution ?? throw new ArgumentNullException(nameof(distribution)));

    /// <summary>The registered name of the mean model's type, or null when the type is not registered.</summary>
    /// <param name="mean">The mean model.</param>
    /// <returns>The name, or null.</returns>
    public static string? NameOf(MeanModel mean) => Means.NameOf(mean ?? throw new ArgumentNullException(nameof(mean)));

    internal static bool IsProcess(string name) => Processes.Contains(name);

    internal static bool IsDistribution(string name) => Distributions.Contains(name);

    internal static bool IsMean(string name) => Means.Contains(name);

    /// <summary>
    /// The registered name of a part about to be saved, checked to rebuild the same part: its factory, given the part's settings,
    /// must return the same type with the same settings and parameter names. Throws <see cref="NotSupportedException"/> naming the
    /// type (and the registration method) otherwise.
    /// </summary>
    internal static string SavedName(VolatilityProcess p) => Processes.SavedName(p, p.Settings, q => q.Settings, q => q.Parameters, nameof(RegisterProcess));

    internal static string SavedName(ErrorDistribution d) => Distributions.SavedName(d, d.Settings, q => q.Settings, q => q.Parameters, nameof(RegisterDistribution));

    internal static string SavedName(MeanModel m) => Means.SavedName(m, m.Settings, q => q.Settings, q => q.Parameters, nameof(RegisterMean));

    private static T None<T>(IReadOnlyList<double> s, string name, T part) =>
        s.Count == 0 ? part : throw new ArgumentException($"{name}({Join(s)}): '{name}' takes no settings; write {name}.", "settings");

    private static ArgumentException Arity(string name, IReadOnlyList<double> s, string forms) =>
        new($"{name}({Join(s)}): {s.Count} setting(s) given; expected {forms}.", "settings");

    private static int Order(IReadOnlyList<double> s, int i, string name, string what)
    {
        double v = s[i];
        if (!(v == Math.Floor(v)) || v < 0 || v > 1000)
            throw new ArgumentException($"{name}({Join(s)}): order {what} = {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a whole number in 0..1000.", "settings");
        return (int)v;
    }

    internal static string Join(IReadOnlyList<double> s) => string.Join(",", s.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
}
