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
