using System.Collections.ObjectModel;

namespace MlNetLstm.Persistence.Format;

/// <summary>
/// An immutable set of named arrays plus a model kind: what a fitted model writes to, and reads from, a
/// <see cref="ModelFile"/>. Build one with <see cref="ModelArchiveBuilder"/>.
/// </summary>
public sealed class ModelArchive
{
    internal ModelArchive(string kind, int kindVersion, IReadOnlyList<ArchiveEntry> entries)
    {
        Kind = kind;
        KindVersion = kindVersion;
        Entries = new ReadOnlyCollection<ArchiveEntry>(entries.ToArray());
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, ArchiveEntry> _byName;

    /// <summary>What the file holds, e.g. "MlNetLstm.RecurrentNetwork" (checked by each model's loader).</summary>
    public string Kind { get; }

    /// <summary>The model kind's own layout version (independent of the container's <see cref="ModelFile.FormatVersion"/>).</summary>
    public int KindVersion { get; }

    /// <summary>Entries in file order.</summary>
    public IReadOnlyList<ArchiveEntry> Entries { get; }

    /// <summary>Whether an entry named <paramref name="name"/> exists.</summary>
    /// <param name="name">Entry name.</param>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <param name="name">Entry name.</param>
    /// <exception cref="InvalidDataException">No such entry (the file is not what the loader expects).</exception>
    public ArchiveEntry this[string name] =>
        _byName.TryGetValue(name, out ArchiveEntry? e) ? e : throw new InvalidDataException($"Model file of kind '{Kind}' has no entry '{name}'.");

    /// <summary>Throws unless <see cref="Kind"/> equals <paramref name="expectedKind"/> and <see cref="KindVersion"/> is at most <paramref name="maxKindVersion"/>.</summary>
    /// <param name="expectedKind">The kind the caller can read.</param>
    /// <param name="maxKindVersion">The newest kind version the caller can read.</param>
    public void EnsureKind(string expectedKind, int maxKindVersion)
    {
        if (!string.Equals(Kind, expectedKind, StringComparison.Ordinal))
            throw new InvalidDataException($"The model file holds a '{Kind}', not a '{expectedKind}'.");
        if (KindVersion > maxKindVersion)
            throw new InvalidDataException($"The model file's '{Kind}' layout version {KindVersion} is newer than this library reads ({maxKindVersion}); upgrade MlNetLstm.");
    }
}
