namespace MlNetLstm.Persistence.Format;

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
