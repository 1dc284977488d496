namespace MlNetLstm.Persistence.Format;

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
