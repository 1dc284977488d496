using System.Globalization;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

/// <summary>
/// A model specification: mean model, volatility process and innovation distribution (any of them user-defined), the recipe
/// that <see cref="ArchVarianceModel"/> fits on every backtest window and <see cref="Create"/> turns into an
/// <see cref="ArchModel"/>. Immutable and thread-safe (the parts are).
/// <para>
/// Text form (<see cref="Parse"/>, <see cref="ToString"/>, the CLI's <c>backtest --models</c>):
/// <c>[mean:]process[-distribution]</c>, each part a registered name (<see cref="ArchComponents"/>) optionally followed by
/// its settings in parentheses. The mean defaults to <c>constant</c>, the distribution to <c>normal</c>. Examples:
/// <c>garch</c> (GARCH(1,1)), <c>garch(2,1)</c> (GARCH(2,1)), <c>garch(1,1,1)</c> or <c>gjr(1,1,1)</c> (GJR), <c>gjr(1,1,1)-t</c>,
/// <c>egarch(1,1,1)-ged</c>, <c>ewma(0.97)</c>, <c>zero:garch(1,1)-skewt</c>, <c>ar(2):gjr(2,1,1)-t</c>. A name followed
/// directly by digits, such as <c>ar1</c>, means <c>ar(1)</c>. Case and spaces are ignored. In a shell, quote the
/// parentheses: <c>--models 'garch(2,1)'</c>.
/// </para>
/// </summary>
public sealed class ArchSpecification
{
    /// <summary>Creates a specification.</summary>
    /// <param name="mean">Mean model.</param>
    /// <param name="volatility">Volatility process.</param>
    /// <param name="distribution">Innovation distribution.</param>
    public ArchSpecification(MeanModel mean, VolatilityProcess volatility, ErrorDistribution distribution)
    {
        Mean = mean ?? throw new ArgumentNullException(nameof(mean));
        Volatility = volatility ?? throw new ArgumentNullException(nameof(volatility));
        Distribution = distribution ?? throw new ArgumentNullException(nameof(distribution));
    }

    /// <summary>Mean model.</summary>
    public MeanModel Mean { get; }

    /// <summary>Volatility process.</summary>
    public VolatilityProcess Volatility { get; }

    /// <summary>Innovation distribution.</summary>
    public ErrorDistribution Distribution { get; }

    /// <summary>The model of this specification on <paramref name="returns"/> (see <see cref="ArchModel.Create"/>).</summary>
    /// <param name="returns">Returns, oldest first.</param>
    /// <returns>The model, ready to <see cref="ArchModel.Fit"/>.</returns>
    public ArchModel Create(ReadOnlySpan<double> returns) => ArchModel.Create(returns, Mean, Volatility, Distribution);

    /// <summary>
    /// The canonical text form <c>mean:process-distribution</c> with every part's registered name and settings, for example
    /// <c>constant:garch(2,1)-normal</c>; a part whose type is not registered shows its <c>Name</c>.
    /// </summary>
    /// <returns>The text; <see cref="Parse"/> reads it back to the same parts when they are registered.</returns>
    public override string ToString() =>
        $"{Text(ArchComponents.NameOf(Mean) ?? Mean.Name, Mean.Settings)}:{Text(ArchComponents.NameOf(Volatility) ?? Volatility.Name, Volatility.Settings)}-" +
        Text(ArchComponents.NameOf(Distribution) ?? Distribution.Name, Distribution.Settings);

    /// <summary>Parses the text form (see the class summary).</summary>
    /// <param name="text">For example <c>gjr(1,1,1)-t</c>.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentException">Empty text, a malformed or unknown part, or settings its factory refuses; the message quotes the bad token.</exception>
    public static ArchSpecification Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("The model specification is empty; expected for example garch(1,1) or gjr(1,1,1)-t.", nameof(text));
        string s = new(text.Where(c => !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());
        string? meanToken = null;
        int colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            meanToken = s[..colon];
            s = s[(colon + 1)..];
            if (s.Contains(':', StringComparison.Ordinal)) throw Bad(text, s, "more than one ':' (the form is [mean:]process[-distribution])");
        }

        var pieces = SplitOutsideParentheses(s, '-', text);
        if (pieces.Count > 2) throw Bad(text, pieces[2], "more than one '-' (the form is [mean:]process[-distribution])");
        MeanModel mean = meanToken is null ? new ConstantMean() : ParsePart(meanToken, text, "mean model", ArchComponents.IsMean, ArchComponents.CreateMean, ArchComponents.MeanNames);
        VolatilityProcess process = ParsePart(pieces[0], text, "volatility process", ArchComponents.IsProcess, ArchComponents.CreateProcess, ArchComponents.ProcessNames);
        ErrorDistribution distribution = pieces.Count == 2
            ? ParsePart(pieces[1], text, "distribution", ArchComponents.IsDistribution, ArchComponents.CreateDistribution, ArchComponents.DistributionNames)
            : new Normal();
        return new ArchSpecification(mean, process, distribution);
    }

    /// <summary>Parses the text form, or returns false (with <paramref name="error"/> saying why) when it is not valid.</summary>
    /// <param name="text">The text.</param>
    /// <param name="specification">The specification, or null.</param>
    /// <param name="error">Why the text is not valid, or null.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool TryParse(string? text, out ArchSpecification? specification, out string? error)
    {
        try
        {
            specification = Parse(text!);
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            specification = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>One part of the text form: <c>name</c>, <c>name(s1,...)</c> or <c>nameDIGITS</c>.</summary>
    internal static T ParsePart<T>(string token, string text, string kind, Func<string, bool> known, Func<string, IReadOnlyList<double>?, T> create, IReadOnlyList<string> names)
    {
        if (token.Length == 0) throw Bad(text, token, $"the {kind} is missing");
        string name = token;
        var settings = new List<double>();
        int open = token.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!token.EndsWith(')')) throw Bad(text, token, "a '(' without a closing ')' at the end of the part");
            name = token[..open];
            string inner = token[(open + 1)..^1];
            if (inner.Length > 0)
            {
                foreach (string number in inner.Split(','))
                {
                    if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                        throw Bad(text, token, $"setting '{number}' is not a number");
                    settings.Add(v);
                }
            }
        }
        else if (token.Contains(')', StringComparison.Ordinal))
        {
            throw Bad(text, token, "a ')' without '('");
        }
        else if (!known(name))
        {
            // "ar1" = "ar(1)": a registered name followed directly by digits.
            int digits = name.Length;
            while (digits > 0 && char.IsAsciiDigit(name[digits - 1])) digits--;
            if (digits > 0 && digits < name.Length && known(name[..digits]))
            {
                settings.Add(int.Parse(name[digits..], CultureInfo.InvariantCulture));
                name = name[..digits];
            }
        }

        if (!known(name)) throw Bad(text, token, $"'{name}' is not a known {kind}; known: {string.Join(", ", names)}");
        try
        {
            return create(name, settings);
        }
        catch (ArgumentException e)
        {
            throw Bad(text, token, e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal));
        }
    }

    private static List<string> SplitOutsideParentheses(string s, char separator, string text)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '(') depth++;
            else if (c == ')' && --depth < 0) throw Bad(text, s, "a ')' without '('");
            else if (c == separator && depth == 0)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }

        if (depth != 0) throw Bad(text, s, "a '(' without a closing ')'");
        parts.Add(s[start..]);
        return parts;
    }

    private static ArgumentException Bad(string text, string token, string problem) =>
        new($"Model specification '{text}': bad token '{token}': {problem}.", nameof(text));

    private static string Text(string name, IReadOnlyList<double> settings) => settings.Count == 0 ? name : $"{name}({ArchComponents.Join(settings)})";
}
