namespace MlNetLstm.Persistence.Format;

/// <summary>
/// Strict, typed access to the entries of a <see cref="ModelArchive"/> for the kind loaders: every accessor checks the
/// entry's element type, shape and value range and throws an <see cref="InvalidDataException"/> naming the entry and
/// the model kind. Nothing is allocated beyond what the archive already holds.
/// </summary>
internal sealed class ArchiveReader
{
    /// <summary>The layout version written for every model kind (<c>ModelKinds.CurrentVersion</c>; see FORMAT.md).</summary>
    public const int CurrentLayoutVersion = 4;

    private readonly ModelArchive _a;
    private readonly string _prefix;

    public ArchiveReader(ModelArchive archive, string prefix = "")
    {
        _a = archive;
        _prefix = prefix;
    }

    public ModelArchive Archive => _a;

    public ArchiveReader Sub(string prefix) => new(_a, _prefix + prefix);

    public InvalidDataException Error(string name, string problem) =>
        new($"Model file of kind '{_a.Kind}': entry '{_prefix + name}' {problem}");

    public InvalidDataException Error(string problem) => new($"Model file of kind '{_a.Kind}': {problem}");

    public bool Contains(string name) => _a.Contains(_prefix + name);

    public string FullName(string name) => _prefix + name;

    public ArchiveEntry Entry(string name, ArchiveElementType type)
    {
        ArchiveEntry e = _a[_prefix + name];
        if (e.ElementType != type) throw Error(name, $"holds {e.ElementType}, expected {type}.");
        return e;
    }

    public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Int32);
        if (e.Shape.Count != 0 || e.Count != 1) throw Error(name, $"must be a scalar, found shape [{string.Join(", ", e.Shape)}].");
        int v = ((int[])e.RawData)[0];
        if (v < min || v > max) throw Error(name, $"= {v} is outside [{min}, {max}].");
        return v;
    }

    public bool Bool(string name) => Int(name, 0, 1) == 1;

    /// <summary>An enum stored as its int32 value (layouts before version 4) or by name (version 4 on).</summary>
    public T Enum<T>(string name, int layoutVersion) where T : struct, Enum =>
        layoutVersion >= CurrentLayoutVersion ? EnumName<T>(name) : Enum<T>(name);

    /// <summary>
    /// Checks the kind and that its layout version is one this library wrote (<paramref name="versions"/>, ascending; newer ones
    /// get the upgrade message) and returns it.
    /// </summary>
    public static int Layout(ModelArchive archive, string kind, params int[] versions)
    {
        archive.EnsureKind(kind, versions[^1]);
        if (Array.IndexOf(versions, archive.KindVersion) < 0)
            throw new InvalidDataException($"Model file of kind '{kind}': layout version {archive.KindVersion} was never written (this library reads {string.Join(", ", versions)}).");
        return archive.KindVersion;
    }

    public T Enum<T>(string name) where T : struct, Enum
    {
        int v = Int(name);
        T value = (T)(object)v;
        if (!System.Enum.IsDefined(value)) throw Error(name, $"= {v} is not a known {typeof(T).Name}.");
        return value;
    }

    public double Real(string name, bool finite = true)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Float64);
        if (e.Shape.Count != 0 || e.Count != 1) throw Error(name, $"must be a scalar, found shape [{string.Join(", ", e.Shape)}].");
        double v = ((double[])e.RawData)[0];
        if (finite && !double.IsFinite(v)) throw Error(name, $"= {v} is not finite.");
        return v;
    }

    public int[] Ints(string name, int? length = null)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Int32);
        CheckVector(e, name, length);
        return e.AsInt32s();
    }

    public double[] Doubles(string name, int? length = null, bool finite = true)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Float64);
        CheckVector(e, name, length);
        double[] v = e.AsDoubles();
        if (finite)
            for (int i = 0; i < v.Length; i++)
                if (!double.IsFinite(v[i])) throw Error(name, $"holds {v[i]} at index {i}; values must be finite.");
        return v;
    }

    /// <summary>A float64 entry of exactly <paramref name="shape"/> (checked before anything is copied).</summary>
    public double[] Doubles(string name, IReadOnlyList<int> shape, bool finite = true)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Float64);
        if (!e.Shape.SequenceEqual(shape))
            throw Error(name, $"has shape [{string.Join(", ", e.Shape)}], expected [{string.Join(", ", shape)}].");
        double[] v = e.AsDoubles();
        if (finite)
            for (int i = 0; i < v.Length; i++)
                if (!double.IsFinite(v[i])) throw Error(name, $"holds {v[i]} at index {i}; values must be finite.");
        return v;
    }

    /// <summary>An enum stored by name (text entry holding the C# member name, e.g. "Direct").</summary>
    public T EnumName<T>(string name) where T : struct, Enum
    {
        string text = Text(name, 64);
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]) || !System.Enum.TryParse(text, ignoreCase: false, out T value) || !System.Enum.IsDefined(value))
            throw Error(name, $"= '{text}' is not a known {typeof(T).Name} (one of {string.Join(", ", System.Enum.GetNames<T>())}).");
        return value;
    }

    /// <summary>Number of elements of an entry of the given type, without copying it.</summary>
    public long Count(string name, ArchiveElementType type) => Entry(name, type).Count;

    public float[] Singles(string name, IReadOnlyList<int> shape, bool finite = true)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Float32);
        if (!e.Shape.SequenceEqual(shape))
            throw Error(name, $"has shape [{string.Join(", ", e.Shape)}], expected [{string.Join(", ", shape)}].");
        float[] v = e.AsSingles();
        if (finite)
            for (int i = 0; i < v.Length; i++)
                if (!float.IsFinite(v[i])) throw Error(name, $"holds {v[i]} at index {i}; values must be finite.");
        return v;
    }

    public float[] SingleVector(string name, int? length = null, bool finite = true)
    {
        ArchiveEntry e = Entry(name, ArchiveElementType.Float32);
        CheckVector(e, name, length);
        float[] v = e.AsSingles();
        if (finite)
            for (int i = 0; i < v.Length; i++)
                if (!float.IsFinite(v[i])) throw Error(name, $"holds {v[i]} at index {i}; values must be finite.");
        return v;
    }

    public string Text(string name, int maxLength = 1 << 20)
    {
        string s = Entry(name, ArchiveElementType.Utf8).AsText();
        if (s.Length > maxLength) throw Error(name, $"is {s.Length} characters long; at most {maxLength} are allowed.");
        return s;
    }

    /// <summary>Total number of elements over all entries (bounds the sizes a file can legitimately describe).</summary>
    public long TotalElements => _a.Entries.Sum(e => e.Count);

    private void CheckVector(ArchiveEntry e, string name, int? length)
    {
        // A scalar written by AddScalar has shape []; a vector has shape [n]. Both are accepted as vectors.
        if (e.Shape.Count > 1) throw Error(name, $"must be a vector, found shape [{string.Join(", ", e.Shape)}].");
        if (length is int n && e.Count != n) throw Error(name, $"has {e.Count} values, expected {n}.");
    }
}
