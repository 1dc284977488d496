using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using static MlNetLstm.Tests.Persistence.PersistenceTestData;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// PyTorch state_dict files: tests/data/persistence/torch/{lstm,gru}_state_dict.pt were written by torch.save (Debian's
/// python3-torch 1.13, generate_state_dict.py) with the expected outputs in expected.json; csharp_*_state_dict.pt were written by
/// <see cref="TorchStateDict"/> and verified by torch.load (csharp_verified.json). No Python runs here.
/// </summary>
public class TorchStateDictTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(System.IO.File.ReadAllText(File("torch", "expected.json"))).RootElement;

    private static RecurrentNetworkSpec SpecFor(string name)
    {
        JsonElement e = Expected.GetProperty(name);
        return new RecurrentNetworkSpec
        {
            Cell = name == "lstm" ? CellType.Lstm : CellType.Gru,
            InputSize = e.GetProperty("input_size").GetInt32(),
            HiddenSize = e.GetProperty("hidden_size").GetInt32(),
            Layers = e.GetProperty("num_layers").GetInt32(),
            Bidirectional = e.GetProperty("bidirectional").GetBoolean(),
        };
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void A_torch_saved_state_dict_loads_and_reproduces_torch_outputs(string name)
    {
        var tensors = TorchStateDict.Read(File("torch", name + "_state_dict.pt"));
        JsonElement e = Expected.GetProperty(name);
        tensors.Select(t => t.Key).Should().Equal(e.GetProperty("state_dict").EnumerateObject().Select(p => p.Name), "file order is the state_dict order");
        foreach (var (key, t) in tensors)
        {
            JsonElement info = e.GetProperty("state_dict").GetProperty(key);
            t.Shape.Should().Equal(Ints(info.GetProperty("shape")), key);
            double sum = 0;
            foreach (float v in t.Data) sum += v;
            sum.Should().BeApproximately(info.GetProperty("sum").GetDouble(), 1e-5, key);
        }

        RecurrentNetwork net = TorchStateDict.ToNetwork(SpecFor(name), tensors);
        int[] shape = Ints(Expected.GetProperty("input_shape"));
        float[] x = Floats(Expected.GetProperty("input"));
        RecurrentOutput y = net.Forward(x, shape[0], shape[1]);
        AssertClose(y.Values, Floats(e.GetProperty("output")), "output");
        AssertClose(y.FinalState.Hidden, Floats(e.GetProperty("h_n")), "h_n");
    }

    private static void AssertClose(ReadOnlySpan<float> actual, float[] expected, string what)
    {
        actual.Length.Should().Be(expected.Length, what);
        for (int i = 0; i < expected.Length; i++)
            Math.Abs(actual[i] - expected[i]).Should().BeLessThanOrEqualTo(1e-5f, $"{what}[{i}]");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Writing_then_reading_gives_identical_tensors_and_the_torch_verified_bytes(string name)
    {
        RecurrentNetwork net = TorchStateDict.LoadNetwork(File("torch", name + "_state_dict.pt"), SpecFor(name));
        byte[] bytes = TorchStateDict.ToBytes(TorchStateDict.FromNetwork(net), name + "_state_dict");
        var back = TorchStateDict.FromBytes(bytes);
        back.Select(t => t.Key).Should().Equal(net.Layout.Views.Select(v => v.Name));
        RecurrentNetwork again = TorchStateDict.ToNetwork(net.Spec, back);
        again.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits).Should().Equal(net.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));

        string verifiedFile = File("torch", $"csharp_{name}_state_dict.pt");
        // The committed file was accepted by torch.load (weights_only too) and is tensor-for-tensor identical to the original:
        // a writer change that alters the bytes must be re-verified with generate_state_dict.py --verify.
        bytes.Should().Equal(System.IO.File.ReadAllBytes(verifiedFile), "the writer's output must stay the bytes torch.load verified");
        using JsonDocument verified = JsonDocument.Parse(System.IO.File.ReadAllText(File("torch", "csharp_verified.json")));
        verified.RootElement.GetProperty("ok").GetBoolean().Should().BeTrue();
        verified.RootElement.GetProperty(name).GetProperty("tensors_identical").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Every_variant_round_trips_through_the_torch_format()
    {
        var specs = new[]
        {
            new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 3, Layers = 2, Peepholes = true, OutputSize = 2, ForgetGateModifier = new RegimeForgetModifier(1) },
            new RecurrentNetworkSpec { Cell = CellType.Rnn, InputSize = 4, HiddenSize = 2, Bidirectional = true, OutputSize = 1, HeadMode = HeadMode.EveryStep },
        };
        foreach (var spec in specs)
        {
            RecurrentNetwork net = RecurrentNetwork.Create(spec, 5);
            var back = TorchStateDict.ToNetwork(spec, TorchStateDict.FromBytes(TorchStateDict.ToBytes(TorchStateDict.FromNetwork(net))));
            back.Parameters.ToArray().Should().Equal(net.Parameters.ToArray());
            foreach (ParameterView v in net.Layout.Views) back.Layout[v.Name].Shape.Should().Equal(v.Shape);
        }
    }

    [Fact]
    public void Loading_into_the_wrong_spec_names_the_tensor_and_both_shapes()
    {
        var tensors = TorchStateDict.Read(File("torch", "lstm_state_dict.pt"));
        var wrongHidden = SpecFor("lstm") with { HiddenSize = 5 };
        FluentActions.Invoking(() => TorchStateDict.ToNetwork(wrongHidden, tensors)).Should().Throw<InvalidDataException>()
            .WithMessage("*'weight_ih_l0' has shape [16, 3], the spec needs [20, 3]*");
        var unidirectional = SpecFor("lstm") with { Bidirectional = false };
        FluentActions.Invoking(() => TorchStateDict.ToNetwork(unidirectional, tensors)).Should().Throw<InvalidDataException>()
            .WithMessage("*'weight_ih_l0_reverse'*does not have*");
        var gru = SpecFor("lstm") with { Cell = CellType.Gru };
        FluentActions.Invoking(() => TorchStateDict.ToNetwork(gru, tensors)).Should().Throw<InvalidDataException>().WithMessage("*shape*");
        var missing = tensors.Where(t => t.Key != "bias_hh_l1").ToList();
        FluentActions.Invoking(() => TorchStateDict.ToNetwork(SpecFor("lstm"), missing)).Should().Throw<InvalidDataException>().WithMessage("*no tensor 'bias_hh_l1'*");
    }

    // ------------------------------------------------------------------ malicious and malformed inputs

    /// <summary>A zip with the given pickle as data.pkl plus the storages of the real LSTM file.</summary>
    internal static byte[] WithPickle(byte[] pickle, Action<ZipArchive>? extra = null)
    {
        byte[] original = System.IO.File.ReadAllBytes(File("torch", "lstm_state_dict.pt"));
        using var src = new ZipArchive(new MemoryStream(original));
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (ZipArchiveEntry e in src.Entries)
            {
                var n = zip.CreateEntry(e.FullName, CompressionLevel.NoCompression);
                using Stream to = n.Open();
                if (e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)) to.Write(pickle);
                else { using Stream from = e.Open(); from.CopyTo(to); }
            }
            extra?.Invoke(zip);
        }
        return ms.ToArray();
    }

    internal static byte[] OriginalPickle()
    {
        using var src = new ZipArchive(new MemoryStream(System.IO.File.ReadAllBytes(File("torch", "lstm_state_dict.pt"))));
        using var ms = new MemoryStream();
        using (Stream s = src.GetEntry("lstm_state_dict/data.pkl")!.Open()) s.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Pickle(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void The_original_pickle_repackaged_still_loads()
    {
        TorchStateDict.FromBytes(WithPickle(OriginalPickle())).Should().HaveCount(16);
    }

    [Theory]
    // os.system('echo pwned') the classic way: GLOBAL + REDUCE.
    [InlineData("\u0080\u0002cos\nsystem\nX\u000b\u0000\u0000\u0000echo pwned\u0085R.", "*global 'os.system'*refusing*")]
    // builtins.eval via protocol-4 STACK_GLOBAL.
    [InlineData("\u0080\u0004\u008c\u0008builtins\u008c\u0004eval\u0093X\u0001\u0000\u0000\u00001\u0085R.", "*global 'builtins.eval'*")]
    // subprocess.Popen hidden after a valid prefix.
    [InlineData("\u0080\u0002ccollections\nOrderedDict\n)Rcsubprocess\nPopen\n.", "*global 'subprocess.Popen'*")]
    // REDUCE on a whitelisted but non-callable-in-a-state_dict global (a storage class).
    [InlineData("\u0080\u0002ctorch\nFloatStorage\n)R.", "*REDUCE on 'torch.FloatStorage' is not allowed*")]
    // REDUCE on something that is not a global at all.
    [InlineData("\u0080\u0002X\u0001\u0000\u0000\u0000a)R.", "*REDUCE on something that is not a whitelisted callable*")]
    // OrderedDict called with arguments (could smuggle objects).
    [InlineData("\u0080\u0002ccollections\nOrderedDict\n]\u0085R.", "*OrderedDict is only allowed with no arguments*")]
    // BUILD on a non-dict (object state injection).
    [InlineData("\u0080\u0002X\u0001\u0000\u0000\u0000a}b.", "*BUILD is only allowed*")]
    // INST / OBJ / NEWOBJ opcodes are never accepted.
    [InlineData("\u0080\u0002(ios\nsystem\n.", "*opcode 0x69*not allowed*")]
    [InlineData("\u0080\u0002ccollections\nOrderedDict\n)\u0081.", "*opcode 0x81*not allowed*")]
    // EXT1 (extension registry) is not accepted either.
    [InlineData("\u0080\u0002\u0082\u0001.", "*opcode 0x82*not allowed*")]
    // Structural nonsense.
    [InlineData("\u0080\u0002t.", "*no MARK*")]
    [InlineData("\u0080\u0002.", "*STOP with 0 objects*")]
    [InlineData("\u0080\u0002}", "*no STOP*")]
    [InlineData("\u0080\u0002h\u0005.", "*memo index 5 is not defined*")]
    [InlineData("\u0080\u0002X\u00ff\u00ff\u00ff\u00ff", "*truncated*")]
    [InlineData("\u0080\u0002}X\u0001\u0000\u0000\u0000aK\u0001s.", "*entry 'a' is not a tensor*")]
    public void Malicious_or_malformed_pickles_are_rejected_without_executing_anything(string pickle, string message)
    {
        byte[] file = WithPickle(Pickle(pickle));
        FluentActions.Invoking(() => TorchStateDict.FromBytes(file)).Should().Throw<InvalidDataException>().WithMessage(message);
    }

    [Fact]
    public void Storage_references_are_checked_against_the_zip()
    {
        byte[] pkl = OriginalPickle();
        // Storage key '0' -> '../x' style keys are refused; find "X\x01\x00\x00\x000" (BINUNICODE '0') and make it 'a'.
        byte[] badKey = Replace(pkl, "X\u0001\u0000\u0000\u00000q", "X\u0001\u0000\u0000\u0000/q");
        FluentActions.Invoking(() => TorchStateDict.FromBytes(WithPickle(badKey))).Should().Throw<InvalidDataException>().WithMessage("*Invalid storage key '/'*");
        // numel 48 -> 47: the record is 192 bytes.
        byte[] badNumel = Replace(pkl, "K0t", "K/t");
        FluentActions.Invoking(() => TorchStateDict.FromBytes(WithPickle(badNumel))).Should().Throw<InvalidDataException>().WithMessage("*announces 47 floats*192 bytes*");
        // Size (16, 3) -> (17, 3): more elements than the storage holds.
        byte[] badSize = Replace(pkl, "K\u0000K\u0010K\u0003\u0086", "K\u0000K\u0011K\u0003\u0086");
        FluentActions.Invoking(() => TorchStateDict.FromBytes(WithPickle(badSize))).Should().Throw<InvalidDataException>().WithMessage("*views more elements*");
        // Stride (3, 1) -> (4, 1): the view runs past the end of the storage.
        byte[] badStride = Replace(pkl, "K\u0003K\u0001\u0086", "K\u0004K\u0001\u0086");
        FluentActions.Invoking(() => TorchStateDict.FromBytes(WithPickle(badStride))).Should().Throw<InvalidDataException>().WithMessage("*reaches element*");
        // DoubleStorage is not a float32 storage.
        byte[] dbl = Replace(pkl, "ctorch\nFloatStorage\n", "ctorch\nDoubleStorage\n");
        FluentActions.Invoking(() => TorchStateDict.FromBytes(WithPickle(dbl))).Should().Throw<InvalidDataException>().WithMessage("*torch.DoubleStorage*");
    }

    private static byte[] Replace(byte[] data, string find, string replacement)
    {
        byte[] f = Encoding.Latin1.GetBytes(find), r = Encoding.Latin1.GetBytes(replacement);
        int i = data.AsSpan().IndexOf(f);
        i.Should().BeGreaterThanOrEqualTo(0, $"the pickle contains {find}");
        return [.. data.AsSpan(0, i), .. r, .. data.AsSpan(i + f.Length)];
    }

    [Fact]
    public void Truncated_and_foreign_containers_are_rejected_clearly()
    {
        byte[] bytes = System.IO.File.ReadAllBytes(File("torch", "lstm_state_dict.pt"));
        for (int n = 0; n < bytes.Length; n += 97)
            FluentActions.Invoking(() => TorchStateDict.FromBytes(bytes[..n])).Should().Throw<InvalidDataException>($"a file cut at {n} bytes is incomplete");
        FluentActions.Invoking(() => TorchStateDict.FromBytes("\u0080\u0002}."u8.ToArray())).Should().Throw<InvalidDataException>().WithMessage("*legacy*");
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true)) zip.CreateEntry("readme.txt");
        FluentActions.Invoking(() => TorchStateDict.FromBytes(ms.ToArray())).Should().Throw<InvalidDataException>().WithMessage("*no '<name>/data.pkl'*");
        byte[] missingStorage;
        using (var ms2 = new MemoryStream())
        {
            using (var zip = new ZipArchive(ms2, ZipArchiveMode.Create, leaveOpen: true))
            using (Stream s = zip.CreateEntry("a/data.pkl").Open()) s.Write(OriginalPickle());
            missingStorage = ms2.ToArray();
        }
        FluentActions.Invoking(() => TorchStateDict.FromBytes(missingStorage)).Should().Throw<InvalidDataException>().WithMessage("*storage '0'*no 'a/data/0' record*");
    }

    [Fact]
    public void A_zip_bomb_is_refused_before_inflating()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (Stream s = zip.CreateEntry("a/data.pkl").Open()) s.Write(OriginalPickle());
            using Stream big = zip.CreateEntry("a/data/0", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) big.Write(zeros); // 64 MiB of zeros deflate to ~64 KiB
        }
        byte[] file = ms.ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        FluentActions.Invoking(() => TorchStateDict.FromBytes(file)).Should().Throw<InvalidDataException>().WithMessage("*implausible compression ratio*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(8L << 20);
    }
}
