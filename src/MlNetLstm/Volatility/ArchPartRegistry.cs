using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility;

/// <summary>One kind's name and type tables of <see cref="ArchComponents"/> (thread-safe).</summary>
internal sealed class ArchPartRegistry<TBase>(string kind) where TBase : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Type Type, Func<IReadOnlyList<double>, TBase> Create)> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = new();

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate) return _byName.Keys.Order(StringComparer.Ordinal).ToArray();
        }
    }

    public bool Contains(string name)
    {
        lock (_gate) return _byName.ContainsKey(name);
    }

    public void Add(Type type, string name, Func<IReadOnlyList<double>, TBase> create)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"The {kind} name '{name}' must start with a lower-case letter and hold only lower-case letters, digits and '_'.", nameof(name));
        lock (_gate)
        {
            if (_byName.TryGetValue(name, out var old) && old.Type != type)
                throw new ArgumentException($"The {kind} name '{name}' is already registered for {old.Type.FullName}.", nameof(name));
            if (_byType.TryGetValue(type, out string? oldName) && oldName != name)
                throw new ArgumentException($"The {kind} type {type.FullName} is already registered as '{oldName}'.", nameof(name));
            _byName[name] = (type, create);
            _byType[type] = name;
        }
    }

    public TBase Create(string name, IReadOnlyList<double>? settings)
    {
        ArgumentNullException.ThrowIfNull(name);
        (Type Type, Func<IReadOnlyList<double>, TBase> Create) entry;
        lock (_gate)
        {
            if (!_byName.TryGetValue(name, out entry))
                throw new ArgumentException($"Unknown {kind} '{name}'; registered: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
        }

        TBase part = entry.Create(settings ?? Array.Empty<double>())
            ?? throw new InvalidOperationException($"The factory of {kind} '{name}' returned null.");
        return part;
    }

    public string? NameOf(TBase part)
    {
        lock (_gate) return _byType.TryGetValue(part.GetType(), out string? n) ? n : null;
    }

    public string SavedName(TBase part, IReadOnlyList<double> settings, Func<TBase, IReadOnlyList<double>> settingsOf,
        Func<TBase, IReadOnlyList<ParameterInfo>> parametersOf, string register)
    {
        string name = NameOf(part) ?? throw new NotSupportedException(
            $"The {kind} type {part.GetType().FullName} is not registered, so a fit using it cannot be saved or loaded; register it once with ArchComponents.{register}(name, settings => ...).");
        TBase rebuilt;
        try
        {
            rebuilt = Create(name, settings);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"The {kind} '{name}' ({part.GetType().FullName}) cannot be rebuilt from its settings [{ArchComponents.Join(settings)}]: {e.Message}", e);
        }

        if (rebuilt.GetType() != part.GetType() || !settingsOf(rebuilt).SequenceEqual(settings)
            || !parametersOf(rebuilt).Select(p => p.Name).SequenceEqual(parametersOf(part).Select(p => p.Name)))
            throw new NotSupportedException(
                $"The factory registered as {kind} '{name}' does not rebuild {part.GetType().FullName} with settings [{ArchComponents.Join(settings)}] and the same parameters; saving it would not load back the same model.");
        return name;
    }
}
