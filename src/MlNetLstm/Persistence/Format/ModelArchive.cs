using System.Collections.ObjectModel;

namespace MlNetLstm.Persistence.Format;

/// <summary>Element type of an <see cref="ArchiveEntry"/>.</summary>
public enum ArchiveElementType : byte
{
    /// <summary>32-bit IEEE float, little-endian.</summary>
    Float32 = 1,
    /// <summary>64-bit IEEE float, little-endian.</summary>
    Float64 = 2,
    /// <summary>32-bit signed integer, little-endian.</summary>
    Int32 = 3,
    /// <summary>UTF-8 text (rank 0).</summary>
    Utf8 = 4,
}

/// <summary>One named, typed, shaped array stored in a model file.</summary>
public sealed class ArchiveEntry
{
    private readonly Array _data;

    private ArchiveEntry(string name, ArchiveElementType type, int[] shape, Array data)
    {
        Name = name; ElementType = type; _shape = shape; _data = data;
    }

    private readonly int[] _shape;

    /// <summary>Entry name, unique within an archive (at most <see cref="ModelFile.MaxNameBytes"/> UTF-8 bytes).</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public ArchiveElementType ElementType { get; }

    /// <summary>Shape (row-major); the element count is the product of the dimensions. Empty for scalars and text.</summary>
    public IReadOnlyList<int> Shape => Array.AsReadOnly(_shape);

    /// <summary>Number of elements (text: number of characters).</summary>
    public long Count => _data.LongLength;

    /// <summary>A copy of the data as float[] (throws if the entry is not Float32).</summary>
    public float[] AsSingles() => ElementType == ArchiveElementType.Float32 ? (float[])((float[])_data).Clone() : throw TypeError("Float32");

    /// <summary>A copy of the data as double[] (throws if the entry is not Float64).</summary>
    public double[] AsDoubles() => ElementType == ArchiveElementType.Float64 ? (double[])((double[])_data).Clone() : throw TypeError("Float64");

    /// <summary>A copy of the data as int[] (throws if the entry is not Int32).</summary>
    public int[] AsInt32s() => ElementType == ArchiveElementType.Int32 ? (int[])((int[])_data).Clone() : throw TypeError("Int32");

    /// <summary>The text (throws if the entry is not Utf8).</summary>
    public string AsText() => ElementType == ArchiveElementType.Utf8 ? new string((char[])_data) : throw TypeError("Utf8");

    internal Array RawData => _data;
    internal int[] RawShape => _shape;

    private InvalidDataException TypeError(string wanted) =>
        new($"Model file entry '{Name}' holds {ElementType}, not {wanted}.");

    internal static ArchiveEntry Create(string name, ArchiveElementType type, int[] shape, Array data) => new(name, type, shape, data);
}

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

/// <summary>Collects entries for a <see cref="ModelArchive"/>; each Add copies the data.</summary>
public sealed class ModelArchiveBuilder
{
    private readonly string _kind;
    private readonly int _kindVersion;
    private readonly List<ArchiveEntry> _entries = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Starts an archive of the given kind.</summary>
    /// <param name="kind">Model kind (non-empty, at most <see cref="ModelFile.MaxNameBytes"/> UTF-8 bytes).</param>
    /// <param name="kindVersion">The kind's layout version, at least 1.</param>
    public ModelArchiveBuilder(string kind, int kindVersion = 1)
    {
        ValidateName(kind, nameof(kind));
        if (kindVersion < 1) throw new ArgumentOutOfRangeException(nameof(kindVersion), kindVersion, "Must be at least 1.");
        _kind = kind; _kindVersion = kindVersion;
    }

    /// <summary>Adds a float array with an optional shape (default: one dimension of its length).</summary>
    /// <param name="name">Unique entry name.</param>
    /// <param name="data">Values.</param>
    /// <param name="shape">Shape whose product equals the length.</param>
    public ModelArchiveBuilder Add(string name, ReadOnlySpan<float> data, params int[] shape) =>
        AddCore(name, ArchiveElementType.Float32, data.ToArray(), shape);

    /// <summary>Adds a double array with an optional shape.</summary>
    /// <param name="name">Unique entry name.</param>
    /// <param name="data">Values.</param>
    /// <param name="shape">Shape whose product equals the length.</param>
    public ModelArchiveBuilder Add(string name, ReadOnlySpan<double> data, params int[] shape) =>
        AddCore(name, ArchiveElementType.Float64, data.ToArray(), shape);

    /// <summary>Adds an int array with an optional shape.</summary>
    /// <param name="name">Unique entry name.</param>
    /// <param name="data">Values.</param>
    /// <param name="shape">Shape whose product equals the length.</param>
    public ModelArchiveBuilder Add(string name, ReadOnlySpan<int> data, params int[] shape) =>
        AddCore(name, ArchiveElementType.Int32, data.ToArray(), shape);

    /// <summary>Adds a text entry.</summary>
    /// <param name="name">Unique entry name.</param>
    /// <param name="text">Text.</param>
    public ModelArchiveBuilder AddText(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return AddCore(name, ArchiveElementType.Utf8, text.ToCharArray(), []);
    }

    /// <summary>Adds a scalar double (shape []).</summary>
    /// <param name="name">Unique entry name.</param>
    /// <param name="value">Value.</param>
    public ModelArchiveBuilder AddScalar(string name, double value) => AddCore(name, ArchiveElementType.Float64, new[] { value }, []);

    /// <summary>Adds a scalar int (shape []).</summary>
    /// <param name="name">Unique entry name.</param>
    /// <param name="value">Value.</param>
    public ModelArchiveBuilder AddScalar(string name, int value) => AddCore(name, ArchiveElementType.Int32, new[] { value }, []);

    /// <summary>Creates the immutable archive.</summary>
    public ModelArchive Build() => new(_kind, _kindVersion, _entries);

    private ModelArchiveBuilder AddCore(string name, ArchiveElementType type, Array data, int[] shape)
    {
        ValidateName(name, nameof(name));
        if (_names.Contains(name)) throw new ArgumentException($"An entry named '{name}' was already added.", nameof(name));
        int[] s;
        if (type == ArchiveElementType.Utf8) s = [];
        else if (shape.Length == 0) s = data.Length == 1 ? [] : [data.Length];
        else s = (int[])shape.Clone();
        if (s.Length > ModelFile.MaxRank) throw new ArgumentException($"Rank {s.Length} exceeds {ModelFile.MaxRank}.", nameof(shape));
        if (type != ArchiveElementType.Utf8)
        {
            long product = 1;
            foreach (int d in s)
            {
                if (d < 0) throw new ArgumentException($"Entry '{name}': negative dimension {d}.", nameof(shape));
                product *= d;
            }
            if (product != data.Length)
                throw new ArgumentException($"Entry '{name}': shape [{string.Join(", ", s)}] holds {product} elements but the data has {data.Length}.", nameof(shape));
        }
        _names.Add(name);
        _entries.Add(ArchiveEntry.Create(name, type, s, data));
        return this;
    }

    private static void ValidateName(string name, string paramName)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("Must be a non-empty name.", paramName);
        if (System.Text.Encoding.UTF8.GetByteCount(name) > ModelFile.MaxNameBytes)
            throw new ArgumentException($"Longer than {ModelFile.MaxNameBytes} UTF-8 bytes.", paramName);
    }
}
