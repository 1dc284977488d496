using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MlNetLstm.Models;
using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Persistence;

/// <summary>
/// Reads and writes PyTorch state_dict files (<c>torch.save(module.state_dict(), path)</c>, the zip format of PyTorch &gt;= 1.6:
/// <c>&lt;name&gt;/data.pkl</c>, <c>&lt;name&gt;/data/&lt;key&gt;</c> storages, <c>&lt;name&gt;/version</c>) holding float32 tensors, and
/// converts them to and from <see cref="RecurrentNetwork"/> (whose parameter names are nn.LSTM / nn.GRU / nn.RNN's).
/// <para>
/// Safety: data.pkl is read by a restricted pickle interpreter that understands only the opcodes a state_dict uses and only
/// the globals <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c> and <c>torch.FloatStorage</c>; any other
/// global (for example <c>os.system</c>), a REDUCE on anything but those callables, an unknown opcode, a malformed zip, an
/// out-of-bounds tensor view, a zip record failing its CRC-32 or an implausible size is rejected with an <see cref="InvalidDataException"/>.
/// Loading never executes code. Each storage is read once and shared by the tensors that view it (as torch.load does), so
/// allocations are bounded by the bytes actually present in the file: views that are not contiguous are copied, and those
/// copies together may not exceed the file's size.
/// </para>
/// </summary>
public static class TorchStateDict
{
    /// <summary>Largest uncompressed zip entry or total read (1 GiB).</summary>
    public const long MaxBytes = 1L << 30;

    private static readonly DateTimeOffset ZipEpoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads a state_dict file.</summary>
    /// <param name="path">A file written by torch.save(state_dict) or <see cref="Write(string, IEnumerable{KeyValuePair{string, TorchTensor}}, string)"/>.</param>
    /// <returns>Tensors by name, in file order.</returns>
    /// <exception cref="InvalidDataException">Not a (safe, float32) state_dict file; the message says why.</exception>
    public static IReadOnlyList<KeyValuePair<string, TorchTensor>> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"State-dict file '{path}' does not exist.", path);
        if (info.Length > MaxBytes) throw new InvalidDataException($"'{path}' is {info.Length} bytes; at most {MaxBytes} are supported.");
        try { return FromBytes(File.ReadAllBytes(path)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}': {e.Message}", e); }
    }

    /// <summary>Reads a state_dict held in memory (see <see cref="Read"/>).</summary>
    /// <param name="bytes">The whole file.</param>
    public static IReadOnlyList<KeyValuePair<string, TorchTensor>> FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 4 || bytes[0] != (byte)'P' || bytes[1] != (byte)'K')
            throw new InvalidDataException("Not a PyTorch zip state_dict (no zip signature); legacy (pre-1.6) torch.save files are not supported.");
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (ZipArchiveEntry e in zip.Entries)
                if (!entries.TryAdd(e.FullName, e)) throw new InvalidDataException($"The zip holds '{e.FullName}' twice.");
            var pickles = entries.Keys.Where(k => k.EndsWith("/data.pkl", StringComparison.Ordinal) && k.IndexOf('/') == k.Length - 9).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException(pickles.Count == 0 ? "The zip has no '<name>/data.pkl' record: not a torch.save file." : "The zip has several data.pkl records.");
            string prefix = pickles[0][..^8];
            if (entries.TryGetValue(prefix + "version", out ZipArchiveEntry? ver))
            {
                string v = Encoding.ASCII.GetString(ReadEntry(ver, 64)).Trim();
                if (!int.TryParse(v, out int version) || version < 1 || version > 20)
                    throw new InvalidDataException($"Unsupported torch file format version '{v}'.");
            }
            if (entries.TryGetValue(prefix + "byteorder", out ZipArchiveEntry? bo) && Encoding.ASCII.GetString(ReadEntry(bo, 64)).Trim() != "little")
                throw new InvalidDataException("The file stores big-endian tensors; only little-endian files are supported.");
            byte[] pkl = ReadEntry(entries[pickles[0]], 64L << 20);
            long budget = MaxBytes;
            byte[] Storage(string key)
            {
                if (key.Length == 0 || key.Length > 20 || !key.All(char.IsAsciiDigit))
                    throw new InvalidDataException($"Invalid storage key '{Truncate(key)}'.");
                if (!entries.TryGetValue(prefix + "data/" + key, out ZipArchiveEntry? e))
                    throw new InvalidDataException($"The pickle references storage '{key}' but the zip has no '{prefix}data/{key}' record.");
                byte[] data = ReadEntry(e, budget);
                budget -= data.Length;
                return data;
            }
            return new PickleReader(pkl, Storage, bytes.Length).ReadStateDict();
        }
        catch (InvalidDataException) { throw; }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"The zip container is corrupted: {e.Message}", e);
        }
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static byte[] ReadEntry(ZipArchiveEntry e, long limit)
    {
        long declared = e.Length;
        if (declared < 0 || declared > limit) throw new InvalidDataException($"Zip record '{e.FullName}' announces {declared} bytes; at most {limit} are allowed.");
        if (declared > 64L * e.CompressedLength + (1 << 20))
            throw new InvalidDataException($"Zip record '{e.FullName}' claims an implausible compression ratio ({declared} from {e.CompressedLength} bytes); refusing to inflate it.");
        using Stream s = e.Open();
        byte[] data;
        if (declared <= e.CompressedLength)
        {
            // Stored (as torch.save writes): exactly the announced size, which the file's own bytes cover.
            data = new byte[declared];
            int total = 0;
            while (total < declared)
            {
                int n = s.Read(data, total, (int)declared - total);
                if (n == 0) break;
                total += n;
            }
            if (total != declared) throw new InvalidDataException($"Zip record '{e.FullName}' is truncated: {total} of {declared} bytes.");
            Span<byte> probe = stackalloc byte[1];
            if (s.Read(probe) != 0) throw new InvalidDataException($"Zip record '{e.FullName}' holds more than the {declared} bytes it announces.");
        }
        else
        {
            // Compressed: grow with what actually inflates, so a header that lies about the size allocates nothing for it.
            var ms = new MemoryStream((int)Math.Min(declared, 1 << 20));
            var buf = new byte[81920];
            long total = 0;
            while (true)
            {
                int n = s.Read(buf, 0, (int)Math.Min(buf.Length, declared + 1 - total));
                if (n == 0) break;
                total += n;
                if (total > declared) throw new InvalidDataException($"Zip record '{e.FullName}' holds more than the {declared} bytes it announces.");
                ms.Write(buf, 0, n);
            }
            if (total != declared) throw new InvalidDataException($"Zip record '{e.FullName}' is truncated: {total} of {declared} bytes.");
            data = ms.ToArray();
        }
        // System.IO.Compression does not check the CRC-32 (neither does torch.load); Python's zipfile does, and so does this reader.
        uint crc = Crc32.Compute(data);
        if (crc != e.Crc32)
            throw new InvalidDataException($"Zip record '{e.FullName}' fails its CRC check (stored 0x{e.Crc32:x8}, computed 0x{crc:x8}): the file is corrupted.");
        return data;
    }

    /// <summary>Writes tensors as a state_dict file that torch.load reads (float32, little-endian; atomic like <see cref="ModelFile.Save"/>: temporary file, rename, folder flush).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Tensors by name, in order.</param>
    /// <param name="archiveName">Name of the top folder inside the zip (torch uses the file's stem; any name loads).</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, TorchTensor>> tensors, string archiveName = "archive")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, ToBytes(tensors, archiveName));
    }

    /// <summary>Writes a network's parameters (PyTorch names and shapes) as a state_dict file.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="network">The network.</param>
    public static void Write(string path, RecurrentNetwork network) => Write(path, FromNetwork(network));

    /// <summary>Serialises tensors to state_dict bytes (deterministic: fixed timestamps, one storage per tensor, keys "0", "1", ...).</summary>
    /// <param name="tensors">Tensors by name, in order.</param>
    /// <param name="archiveName">Top folder inside the zip.</param>
    public static byte[] ToBytes(IEnumerable<KeyValuePair<string, TorchTensor>> tensors, string archiveName = "archive")
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(archiveName);
        if (archiveName.Contains('/') || archiveName.Contains('\\')) throw new ArgumentException("Must not contain path separators.", nameof(archiveName));
        var list = tensors.ToList();
        if (list.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != list.Count) throw new ArgumentException("Tensor names must be unique.", nameof(tensors));
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, ReadOnlySpan<byte> data)
            {
                ZipArchiveEntry e = zip.CreateEntry(archiveName + "/" + name, CompressionLevel.NoCompression);
                e.LastWriteTime = ZipEpoch;
                using Stream s = e.Open();
                s.Write(data);
            }
            Add("data.pkl", PickleWriter.StateDict(list));
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
            for (int i = 0; i < list.Count; i++)
                Add("data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Runtime.InteropServices.MemoryMarshal.AsBytes(list[i].Value.Data));
            Add("version", "3\n"u8);
            Add("byteorder", "little"u8);
        }
        return ms.ToArray();
    }

    /// <summary>A network's parameters as named tensors (state_dict order, PyTorch shapes).</summary>
    /// <param name="network">The network.</param>
    public static IReadOnlyList<KeyValuePair<string, TorchTensor>> FromNetwork(RecurrentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layout.Views
            .Select(v => new KeyValuePair<string, TorchTensor>(v.Name, new TorchTensor(v.Shape.ToArray(), network.Parameters.Slice(v.Offset, v.Length).ToArray(), true)))
            .ToList();
    }

    /// <summary>
    /// Builds a network from state_dict tensors: every parameter the spec implies must be present with exactly its PyTorch shape,
    /// and no other tensor may be present.
    /// </summary>
    /// <param name="spec">Architecture (for example InputSize 3, HiddenSize 4, Layers 2, Bidirectional for nn.LSTM(3, 4, 2, bidirectional=True)).</param>
    /// <param name="tensors">Tensors by name (from <see cref="Read"/>).</param>
    /// <exception cref="InvalidDataException">A tensor is missing, misshapen, non-finite or unexpected.</exception>
    public static RecurrentNetwork ToNetwork(RecurrentNetworkSpec spec, IEnumerable<KeyValuePair<string, TorchTensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(tensors);
        ParameterLayout layout = RecurrentNetwork.CreateLayout(spec);
        var byName = new Dictionary<string, TorchTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors)
        {
            if (!layout.Contains(name))
                throw new InvalidDataException($"The state_dict holds '{name}' [{string.Join(", ", t.Shape)}], which a network with this spec does not have (expected: {string.Join(", ", layout.Views.Select(v => v.Name))}).");
            byName[name] = t;
        }
        var dict = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (ParameterView v in layout.Views)
        {
            if (!byName.TryGetValue(v.Name, out TorchTensor? t)) throw new InvalidDataException($"The state_dict has no tensor '{v.Name}' [{string.Join(", ", v.Shape)}].");
            if (!t.Shape.SequenceEqual(v.Shape))
                throw new InvalidDataException($"State_dict tensor '{v.Name}' has shape [{string.Join(", ", t.Shape)}], the spec needs [{string.Join(", ", v.Shape)}].");
            dict[v.Name] = t.DataArray;
        }
        try { return RecurrentNetwork.FromStateDict(spec, dict); }
        catch (ArgumentException e) { throw new InvalidDataException("The state_dict tensors are invalid: " + e.Message, e); }
    }

    /// <summary>Reads a state_dict file and builds a network from it (see <see cref="ToNetwork"/>).</summary>
    /// <param name="path">State-dict file.</param>
    /// <param name="spec">Architecture.</param>
    public static RecurrentNetwork LoadNetwork(string path, RecurrentNetworkSpec spec) => ToNetwork(spec, Read(path));

    // ---------------------------------------------------------------------------------------------------------------

    private sealed class PyGlobal(string module, string name)
    {
        public string Module { get; } = module;
        public string Name { get; } = name;
        public override string ToString() => Module + "." + Name;
    }

    private sealed class PyDict
    {
        public List<KeyValuePair<object, object>> Items { get; } = new();
    }

    private sealed class PyNone
    {
        public static readonly PyNone Value = new();
    }

    private sealed class Mark
    {
        public static readonly Mark Value = new();
    }

    private sealed class StorageRef(string key, float[] data)
    {
        public string Key { get; } = key;
        public float[] Data { get; } = data;
        public long Numel => Data.Length;
    }

    /// <summary>
    /// Restricted pickle interpreter (protocols 2-5): a stack machine over immutable data; the only callables it can "call" are
    /// the three whitelisted globals, implemented here in C#.
    /// </summary>
    private sealed class PickleReader(byte[] data, Func<string, byte[]> storage, long fileBytes)
    {
        // Each storage is read once and shared by every tensor that views it (as torch.load does). Views that are not
        // contiguous must be copied; their copies together may not exceed the bytes of the file.
        private readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);
        private readonly long _fileBytes = fileBytes;
        private long _copyBudget = fileBytes;
        private const int MaxStack = 1 << 20;
        private const int MaxMemo = 1 << 20;
        private readonly byte[] _d = data;
        private readonly Func<string, byte[]> _storage = storage;
        private readonly List<object> _stack = new();
        private readonly Dictionary<long, object> _memo = new();
        private int _pos;

        private static InvalidDataException Bad(string message) => new("Unsafe or malformed state_dict pickle: " + message);

        private ReadOnlySpan<byte> Take(long n)
        {
            if (n < 0 || n > _d.Length - _pos) throw Bad($"truncated at byte {_pos} (needs {n} more bytes).");
            var s = _d.AsSpan(_pos, (int)n);
            _pos += (int)n;
            return s;
        }

        private string Line()
        {
            int end = Array.IndexOf(_d, (byte)'\n', _pos);
            if (end < 0 || end - _pos > 256) throw Bad($"unterminated or too long GLOBAL name at byte {_pos}.");
            string s = Encoding.ASCII.GetString(_d, _pos, end - _pos);
            _pos = end + 1;
            return s;
        }

        private void Push(object o)
        {
            if (_stack.Count >= MaxStack) throw Bad("the stack grows beyond its limit.");
            _stack.Add(o);
        }

        private object Pop()
        {
            if (_stack.Count == 0) throw Bad($"stack underflow at byte {_pos}.");
            object o = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            if (o is Mark) throw Bad($"unexpected MARK at byte {_pos}.");
            return o;
        }

        private object Top() => _stack.Count > 0 && _stack[^1] is not Mark ? _stack[^1] : throw Bad($"stack underflow at byte {_pos}.");

        private List<object> PopMark()
        {
            int i = _stack.FindLastIndex(o => o is Mark);
            if (i < 0) throw Bad($"no MARK on the stack at byte {_pos}.");
            var items = _stack.GetRange(i + 1, _stack.Count - i - 1);
            _stack.RemoveRange(i, _stack.Count - i);
            return items;
        }

        private static object Global(string module, string name)
        {
            string full = module + "." + name;
            return full switch
            {
                "collections.OrderedDict" or "torch._utils._rebuild_tensor_v2" or "torch.FloatStorage" => new PyGlobal(module, name),
                _ => throw Bad($"it references global '{Truncate(full)}', which a float32 state_dict never uses; refusing to load (only collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.FloatStorage are allowed)."),
            };
        }

        private void Memoize(long index)
        {
            if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index)) throw Bad("too many memo entries.");
            _memo[index] = Top();
        }

        private object Get(long index) => _memo.TryGetValue(index, out object? o) ? o : throw Bad($"memo index {index} is not defined.");

        public IReadOnlyList<KeyValuePair<string, TorchTensor>> ReadStateDict()
        {
            while (true)
            {
                if (_pos >= _d.Length) throw Bad("truncated: no STOP opcode.");
                byte op = _d[_pos++];
                switch (op)
                {
                    case 0x80: // PROTO
                        byte proto = Take(1)[0];
                        if (proto < 2 || proto > 5) throw Bad($"unsupported pickle protocol {proto}.");
                        break;
                    case 0x95: Take(8); break; // FRAME (length is advisory)
                    case (byte)'c': { string m = Line(); string n = Line(); Push(Global(m, n)); break; }
                    case 0x93: // STACK_GLOBAL
                        {
                            object n = Pop(), m = Pop();
                            if (m is not string ms || n is not string ns) throw Bad("STACK_GLOBAL needs two strings.");
                            Push(Global(ms, ns));
                            break;
                        }
                    case (byte)'(': Push(Mark.Value); break;
                    case (byte)')': Push(Array.Empty<object>()); break;
                    case (byte)'t': Push(PopMark().ToArray()); break;
                    case 0x85: Push(new[] { Pop() }); break;
                    case 0x86: { object b = Pop(), a = Pop(); Push(new[] { a, b }); break; }
                    case 0x87: { object c = Pop(), b = Pop(), a = Pop(); Push(new[] { a, b, c }); break; }
                    case (byte)'}': Push(new PyDict()); break;
                    case (byte)']': Push(new List<object>()); break;
                    case (byte)'a': { object v = Pop(); (Top() as List<object> ?? throw Bad("APPEND to a non-list.")).Add(v); break; }
                    case (byte)'e': { var items = PopMark(); (Top() as List<object> ?? throw Bad("APPENDS to a non-list.")).AddRange(items); break; }
                    case (byte)'s': { object v = Pop(), k = Pop(); (Top() as PyDict ?? throw Bad("SETITEM on a non-dict.")).Items.Add(new(k, v)); break; }
                    case (byte)'u':
                        {
                            var items = PopMark();
                            if (items.Count % 2 != 0) throw Bad("SETITEMS with an odd number of items.");
                            var d = Top() as PyDict ?? throw Bad("SETITEMS on a non-dict.");
                            for (int i = 0; i < items.Count; i += 2) d.Items.Add(new(items[i], items[i + 1]));
                            break;
                        }
                    case (byte)'R': { object args = Pop(), f = Pop(); Push(Reduce(f, args)); break; }
                    case (byte)'b':
                        {
                            object state = Pop();
                            // OrderedDict.__reduce__ sets its __dict__ (state_dict's _metadata) by BUILD; nothing else may be built.
                            if (Top() is not PyDict || state is not PyDict) throw Bad("BUILD is only allowed to set an OrderedDict's attributes.");
                            break;
                        }
                    case (byte)'Q': Push(PersistentLoad(Pop())); break;
                    case (byte)'q': Memoize(Take(1)[0]); break;
                    case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;
                    case 0x94: Memoize(_memo.Count); break; // MEMOIZE
                    case (byte)'h': Push(Get(Take(1)[0])); break;
                    case (byte)'j': Push(Get(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                    case (byte)'K': Push((long)Take(1)[0]); break;
                    case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                    case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                    case 0x8a: // LONG1
                        {
                            int n = Take(1)[0];
                            if (n > 8) throw Bad($"integer of {n} bytes is too large.");
                            var b = Take(n);
                            long v = 0;
                            for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[i];
                            if (n > 0 && n < 8 && (b[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                            Push(v);
                            break;
                        }
                    case (byte)'X': Push(Utf8(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break;
                    case 0x8c: Push(Utf8(Take(Take(1)[0]))); break;
                    case (byte)'U': Push(Encoding.Latin1.GetString(Take(Take(1)[0]))); break;
                    case (byte)'T': Push(Encoding.Latin1.GetString(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break;
                    case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                    case 0x88: Push(true); break;
                    case 0x89: Push(false); break;
                    case (byte)'N': Push(PyNone.Value); break;
                    case (byte)'.': return Finish();
                    default:
                        throw Bad($"opcode 0x{op:x2} at byte {_pos - 1} is not allowed in a state_dict pickle.");
                }
            }
        }

        private static string Utf8(ReadOnlySpan<byte> b)
        {
            try { return new UTF8Encoding(false, true).GetString(b); }
            catch (DecoderFallbackException) { throw Bad("a string is not valid UTF-8."); }
        }

        private IReadOnlyList<KeyValuePair<string, TorchTensor>> Finish()
        {
            if (_stack.Count != 1) throw Bad($"STOP with {_stack.Count} objects on the stack.");
            if (_stack[0] is not PyDict d) throw Bad("the pickled object is not a dict.");
            var result = new List<KeyValuePair<string, TorchTensor>>(d.Items.Count);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (k, v) in d.Items)
            {
                if (k is not string name) throw Bad("a state_dict key is not a string.");
                if (v is not TorchTensor t) throw Bad($"state_dict entry '{Truncate(name)}' is not a tensor.");
                if (!names.Add(name)) throw Bad($"state_dict key '{Truncate(name)}' appears twice.");
                result.Add(new(name, t));
            }
            return result;
        }

        private object Reduce(object f, object args)
        {
            if (f is not PyGlobal g) throw Bad("REDUCE on something that is not a whitelisted callable.");
            if (args is not object[] a) throw Bad("REDUCE arguments are not a tuple.");
            switch (g.ToString())
            {
                case "collections.OrderedDict":
                    if (a.Length != 0) throw Bad("OrderedDict is only allowed with no arguments.");
                    return new PyDict();
                case "torch._utils._rebuild_tensor_v2":
                    return RebuildTensor(a);
                default:
                    throw Bad($"REDUCE on '{g}' is not allowed.");
            }
        }

        private object PersistentLoad(object pid)
        {
            // ('storage', torch.FloatStorage, key, location, numel)
            if (pid is not object[] { Length: 5 } t || t[0] is not "storage")
                throw Bad("a persistent id is not a ('storage', type, key, location, numel) tuple.");
            if (t[1] is not PyGlobal { Module: "torch", Name: "FloatStorage" })
                throw Bad($"storage type '{t[1]}' is not supported (only float32 tensors).");
            if (t[2] is not string key) throw Bad("a storage key is not a string.");
            if (t[3] is not string) throw Bad("a storage location is not a string.");
            if (t[4] is not long numel || numel < 0) throw Bad("a storage size is not a non-negative integer.");
            if (_storages.TryGetValue(key, out StorageRef? known))
            {
                if (known.Numel != numel) throw Bad($"storage '{key}' is referenced with {numel} floats and with {known.Numel}.");
                return known;
            }
            byte[] bytes = _storage(key);
            if (bytes.Length != numel * 4) throw Bad($"storage '{key}' announces {numel} floats but its record holds {bytes.Length} bytes.");
            var s = new StorageRef(key, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).ToArray());
            _storages[key] = s;
            return s;
        }

        private TorchTensor RebuildTensor(object[] a)
        {
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (a.Length is < 6 or > 7) throw Bad($"_rebuild_tensor_v2 called with {a.Length} arguments.");
            if (a[0] is not StorageRef s) throw Bad("_rebuild_tensor_v2's storage is not a persistent storage.");
            if (a[1] is not long offset || offset < 0) throw Bad("_rebuild_tensor_v2's offset is not a non-negative integer.");
            if (a[2] is not object[] size || a[3] is not object[] stride || size.Length != stride.Length)
                throw Bad("_rebuild_tensor_v2's size and stride are not tuples of equal length.");
            if (size.Length > ModelFile.MaxRank) throw Bad($"tensor rank {size.Length} exceeds {ModelFile.MaxRank}.");
            if (a[4] is not bool) throw Bad("_rebuild_tensor_v2's requires_grad is not a bool.");
            if (a[5] is not PyDict { Items.Count: 0 }) throw Bad("tensors with backward hooks are not supported.");
            if (a.Length == 7 && a[6] is not (PyDict or PyNone)) throw Bad("_rebuild_tensor_v2's metadata is not a dict.");
            var shape = new int[size.Length];
            var strides = new long[size.Length];
            long count = 1, maxIndex = offset;
            for (int i = 0; i < size.Length; i++)
            {
                if (size[i] is not long d || d < 0 || d > int.MaxValue) throw Bad("a tensor dimension is not a non-negative integer.");
                if (stride[i] is not long st || st < 0 || st > int.MaxValue) throw Bad("a tensor stride is not a non-negative integer.");
                shape[i] = (int)d; strides[i] = st;
                count *= d;
                if (count > s.Numel && count > 0) throw Bad($"a tensor of shape [{string.Join(", ", size)}] views more elements than its storage of {s.Numel} holds.");
                if (d > 0) maxIndex += (d - 1) * st;
            }
            if (count > 0 && maxIndex >= s.Numel) throw Bad($"a tensor view reaches element {maxIndex} of a storage of {s.Numel}.");
            // A row-major contiguous view shares the storage; anything else is copied within the budget.
            bool contiguous = true;
            long expected = 1;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                if (shape[i] != 1 && strides[i] != expected) contiguous = false;
                expected *= shape[i];
            }
            if (contiguous || count == 0) return new TorchTensor(shape, s.Data, (int)Math.Min(offset, s.Numel), (int)count, true);
            _copyBudget -= 4 * count;
            if (_copyBudget < 0)
                throw Bad($"its non-contiguous tensor views of storage '{s.Key}' would be copied into more than the {_fileBytes} bytes in the file.");
            var data = new float[count];
            var src = s.Data;
            var idx = new int[shape.Length];
            for (long k = 0; k < count; k++)
            {
                long at = offset;
                for (int i = 0; i < shape.Length; i++) at += idx[i] * strides[i];
                data[k] = src[(int)at];
                for (int i = shape.Length - 1; i >= 0; i--)
                {
                    if (++idx[i] < shape[i]) break;
                    idx[i] = 0;
                }
            }
            return new TorchTensor(shape, data, true);
        }
    }

    /// <summary>Writes the protocol-2 pickle torch.save produces for an OrderedDict of float32 tensors.</summary>
    private static class PickleWriter
    {
        public static byte[] StateDict(List<KeyValuePair<string, TorchTensor>> tensors)
        {
            using var ms = new MemoryStream();
            var w = new BinaryWriter(ms);
            w.Write((byte)0x80); w.Write((byte)2);
            Global(w, "collections", "OrderedDict");
            w.Write((byte)')'); w.Write((byte)'R');
            if (tensors.Count > 0)
            {
                w.Write((byte)'(');
                for (int i = 0; i < tensors.Count; i++)
                {
                    var (name, t) = tensors[i];
                    Unicode(w, name);
                    Global(w, "torch._utils", "_rebuild_tensor_v2");
                    w.Write((byte)'(');
                    // persistent id ('storage', torch.FloatStorage, key, 'cpu', numel)
                    w.Write((byte)'(');
                    Unicode(w, "storage");
                    Global(w, "torch", "FloatStorage");
                    Unicode(w, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Unicode(w, "cpu");
                    Int(w, t.Data.Length);
                    w.Write((byte)'t');
                    w.Write((byte)'Q');
                    Int(w, 0);
                    IntTuple(w, t.Shape);
                    var strides = new int[t.Shape.Count];
                    int acc = 1;
                    for (int d = t.Shape.Count - 1; d >= 0; d--) { strides[d] = acc; acc *= Math.Max(t.Shape[d], 1); }
                    IntTuple(w, strides);
                    w.Write((byte)0x89); // False
                    Global(w, "collections", "OrderedDict");
                    w.Write((byte)')'); w.Write((byte)'R');
                    w.Write((byte)'t');
                    w.Write((byte)'R');
                }
                w.Write((byte)'u');
            }
            w.Write((byte)'.');
            w.Flush();
            return ms.ToArray();
        }

        private static void Global(BinaryWriter w, string module, string name)
        {
            w.Write((byte)'c');
            w.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        }

        private static void Unicode(BinaryWriter w, string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            w.Write((byte)'X');
            w.Write((uint)b.Length);
            w.Write(b);
        }

        private static void Int(BinaryWriter w, int v)
        {
            w.Write((byte)'J');
            w.Write(v);
        }

        private static void IntTuple(BinaryWriter w, IReadOnlyList<int> values)
        {
            w.Write((byte)'(');
            foreach (int v in values) Int(w, v);
            w.Write((byte)'t');
        }
    }
}
