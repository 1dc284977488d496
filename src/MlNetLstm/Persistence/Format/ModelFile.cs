using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MlNetLstm.Persistence.Format;

/// <summary>
/// The MlNetLstm model file: one documented, versioned, checksummed binary container for every fitted model.
/// <para>Layout (all integers little-endian):</para>
/// <code>
/// magic      8 bytes  "MLNLSTM" 0x1A
/// format     u32      container format version (currently 1)
/// kind       u16 length + UTF-8 bytes, then u32 kind version
/// count      u32      number of entries (at most MaxEntries)
/// entry*     u16 name length + UTF-8 name, u8 element type (1 f32, 2 f64, 3 i32, 4 UTF-8),
///            u8 rank (at most MaxRank), rank x u32 dimensions, u64 payload bytes, payload
/// crc        u32      CRC-32 (IEEE 802.3) of every byte before it
/// </code>
/// Loading never executes code and never allocates more than the bytes actually present in the file: every
/// length is checked against the remaining input before anything is allocated. A truncated, corrupted,
/// foreign or newer-version file is rejected with an <see cref="InvalidDataException"/> that says which.
/// Saving is atomic: a temporary file in the same folder is written, flushed to disk and renamed over the target, and the
/// folder is flushed, so a crash mid-write leaves the previous file intact; the next save to the same path removes the
/// temporary files that killed saves left behind. The full specification, with every model kind's entries, is
/// src/MlNetLstm/Persistence/FORMAT.md; <see cref="Persistence.ModelSerializer"/> saves and loads the fitted models.
/// </summary>
public static class ModelFile
{
    /// <summary>The container format version this library writes (and the newest it reads).</summary>
    public const int FormatVersion = 1;

    /// <summary>Maximum UTF-8 bytes in a name or kind.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Maximum number of entries.</summary>
    public const int MaxEntries = 65536;

    /// <summary>Maximum rank of an entry.</summary>
    public const int MaxRank = 8;

    /// <summary>Largest file this library will load (2 GiB - 1 byte).</summary>
    public const long MaxFileBytes = int.MaxValue;

    private static ReadOnlySpan<byte> Magic => "MLNLSTM\u001a"u8;

    /// <summary>Serialises <paramref name="archive"/> to bytes.</summary>
    /// <param name="archive">The archive.</param>
    public static byte[] ToBytes(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write((uint)FormatVersion);
        WriteName(w, archive.Kind);
        w.Write((uint)archive.KindVersion);
        w.Write((uint)archive.Entries.Count);
        foreach (ArchiveEntry e in archive.Entries)
        {
            WriteName(w, e.Name);
            w.Write((byte)e.ElementType);
            w.Write((byte)e.RawShape.Length);
            foreach (int d in e.RawShape) w.Write((uint)d);
            byte[] payload = e.ElementType switch
            {
                ArchiveElementType.Float32 => MemoryMarshal.AsBytes<float>((float[])e.RawData).ToArray(),
                ArchiveElementType.Float64 => MemoryMarshal.AsBytes<double>((double[])e.RawData).ToArray(),
                ArchiveElementType.Int32 => MemoryMarshal.AsBytes<int>((int[])e.RawData).ToArray(),
                _ => Encoding.UTF8.GetBytes((char[])e.RawData),
            };
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Model files are little-endian; big-endian hosts are not supported.");
            w.Write((ulong)payload.Length);
            w.Write(payload);
        }
        w.Flush();
        uint crc = Crc32.Compute(ms.GetBuffer().AsSpan(0, (int)ms.Length));
        w.Write(crc);
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>Parses a model file held in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <exception cref="InvalidDataException">The bytes are not a valid model file (the message says why).</exception>
    public static ModelArchive FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException("Not an MlNetLstm model file (wrong magic bytes).");
        var r = new Reader(bytes);
        r.Skip(Magic.Length);
        uint format = r.U32("format version");
        if (format == 0 || format > FormatVersion)
            throw new InvalidDataException($"Model file format version {format} is newer than this library reads ({FormatVersion}); upgrade MlNetLstm.");
        if (bytes.Length < Magic.Length + 8)
            throw new InvalidDataException("Model file is truncated.");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        if (Crc32.Compute(bytes[..^4]) != stored)
            throw new InvalidDataException("Model file checksum mismatch: the file is truncated or corrupted.");
        var body = new Reader(bytes[..^4]);
        body.Skip(Magic.Length + 4);
        string kind = body.Name("kind");
        uint kindVersion = body.U32("kind version");
        if (kindVersion < 1 || kindVersion > int.MaxValue) throw new InvalidDataException($"Invalid kind version {kindVersion}.");
        uint count = body.U32("entry count");
        if (count > MaxEntries) throw new InvalidDataException($"Model file announces {count} entries; at most {MaxEntries} are allowed.");
        var builder = new ModelArchiveBuilder(kind, (int)kindVersion);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (uint i = 0; i < count; i++)
        {
            string name = body.Name($"entry {i} name");
            if (!names.Add(name)) throw new InvalidDataException($"Model file holds entry '{name}' twice.");
            byte type = body.U8($"entry '{name}' type");
            byte rank = body.U8($"entry '{name}' rank");
            if (rank > MaxRank) throw new InvalidDataException($"Entry '{name}' has rank {rank}; at most {MaxRank} is allowed.");
            var shape = new int[rank];
            long product = 1;
            for (int d = 0; d < rank; d++)
            {
                uint dim = body.U32($"entry '{name}' dimension {d}");
                if (dim > int.MaxValue) throw new InvalidDataException($"Entry '{name}' dimension {d} = {dim} is too large.");
                shape[d] = (int)dim;
                product = checked(product * dim);
                if (product > MaxFileBytes) throw new InvalidDataException($"Entry '{name}' announces more elements than a model file can hold.");
            }
            ulong length = body.U64($"entry '{name}' payload length");
            if (length > (ulong)body.Remaining)
                throw new InvalidDataException($"Entry '{name}' announces {length} bytes but only {body.Remaining} remain: the file is truncated or corrupted.");
            ReadOnlySpan<byte> payload = body.Take((int)length);
            int size = type switch { 1 => 4, 2 => 8, 3 => 4, 4 => 1, _ => throw new InvalidDataException($"Entry '{name}' has unknown element type {type}.") };
            if (type != 4 && (ulong)product * (ulong)size != length)
                throw new InvalidDataException($"Entry '{name}': shape [{string.Join(", ", shape)}] needs {product * size} bytes but the payload has {length}.");
            if (type == 4 && rank != 0) throw new InvalidDataException($"Text entry '{name}' must have rank 0.");
            switch (type)
            {
                case 1: builder.Add(name, MemoryMarshal.Cast<byte, float>(payload.ToArray()), shape.Length == 0 ? [] : shape); break;
                case 2: builder.Add(name, MemoryMarshal.Cast<byte, double>(payload.ToArray()), shape.Length == 0 ? [] : shape); break;
                case 3: builder.Add(name, MemoryMarshal.Cast<byte, int>(payload.ToArray()), shape.Length == 0 ? [] : shape); break;
                default: builder.AddText(name, DecodeUtf8(payload, name)); break;
            }
        }
        if (body.Remaining != 0) throw new InvalidDataException($"Model file has {body.Remaining} unexpected bytes after its last entry.");
        return builder.Build();
    }

    /// <summary>
    /// Writes <paramref name="archive"/> to <paramref name="path"/> atomically: temporary file in the same folder (write-through,
    /// flushed to disk), renamed over the target, then the folder flushed (Unix). Temporary files left by earlier saves to the same
    /// path whose process is no longer running (killed saves) are deleted first.
    /// </summary>
    /// <param name="path">Target file; its folder must exist.</param>
    /// <param name="archive">The archive.</param>
    public static void Save(string path, ModelArchive archive)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, ToBytes(archive));
    }

    /// <summary>Reads and validates the model file at <paramref name="path"/>.</summary>
    /// <param name="path">Model file.</param>
    /// <exception cref="InvalidDataException">The file is not a valid model file (the message says why).</exception>
    public static ModelArchive Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        if (info.Length > MaxFileBytes) throw new InvalidDataException($"Model file '{path}' is {info.Length} bytes; at most {MaxFileBytes} are supported.");
        try
        {
            return FromBytes(File.ReadAllBytes(path));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"'{path}': {ex.Message}", ex);
        }
    }

    private static void WriteName(BinaryWriter w, string name)
    {
        byte[] b = Encoding.UTF8.GetBytes(name);
        w.Write((ushort)b.Length);
        w.Write(b);
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new InvalidDataException($"{what} is not valid UTF-8."); }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly int Remaining => _data.Length - _pos;

        public void Skip(int n) => Take(n, "header");

        public ReadOnlySpan<byte> Take(int n, string what = "payload")
        {
            if (n < 0 || n > Remaining) throw new InvalidDataException($"Model file is truncated while reading {what}.");
            ReadOnlySpan<byte> s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public byte U8(string what) => Take(1, what)[0];
        public uint U32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
        public ulong U64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

        public string Name(string what)
        {
            ushort len = BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
            if (len == 0 || len > MaxNameBytes) throw new InvalidDataException($"Invalid {what} length {len}.");
            return DecodeUtf8(Take(len, what), what);
        }
    }
}
