using System.Buffers.Binary;
using System.Text;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Tests.Persistence;

public class ModelFileTests
{
    private static ModelArchive Sample() => new ModelArchiveBuilder("Test.Kind", 2)
        .Add("weights", new float[] { 1.5f, -2f, float.Epsilon, 3e30f, 0f, -0f }, 2, 3)
        .Add("scale", new double[] { Math.PI, -1e-300 })
        .Add("sizes", new[] { 4, 5, 6 })
        .AddText("note", "gates: i, f, g, o — ünïcode")
        .AddScalar("epochs", 40)
        .Add("empty", ReadOnlySpan<float>.Empty, 0)
        .Build();

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Crc32.Compute("123456789"u8).Should().Be(0xCBF43926u);
    }

    [Fact]
    public void Round_trip_preserves_every_entry_bit_for_bit()
    {
        ModelArchive a = Sample();
        ModelArchive b = ModelFile.FromBytes(ModelFile.ToBytes(a));
        b.Kind.Should().Be("Test.Kind");
        b.KindVersion.Should().Be(2);
        b.Entries.Select(e => e.Name).Should().Equal(a.Entries.Select(e => e.Name));
        b["weights"].Shape.Should().Equal(2, 3);
        b["weights"].AsSingles().Select(BitConverter.SingleToInt32Bits).Should().Equal(a["weights"].AsSingles().Select(BitConverter.SingleToInt32Bits));
        b["scale"].AsDoubles().Should().Equal(Math.PI, -1e-300);
        b["sizes"].AsInt32s().Should().Equal(4, 5, 6);
        b["note"].AsText().Should().Be("gates: i, f, g, o — ünïcode");
        b["epochs"].AsInt32s().Should().Equal(40);
        b["epochs"].Shape.Should().BeEmpty();
        b["empty"].Count.Should().Be(0);
    }

    [Fact]
    public void Every_truncation_is_rejected_with_a_clear_error()
    {
        byte[] bytes = ModelFile.ToBytes(Sample());
        for (int n = 0; n < bytes.Length; n++)
        {
            Action load = () => ModelFile.FromBytes(bytes.AsSpan(0, n));
            load.Should().Throw<InvalidDataException>($"a file cut at {n} of {bytes.Length} bytes is incomplete")
                .Which.Message.Should().MatchRegex("truncated|checksum|magic");
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_detected()
    {
        byte[] bytes = ModelFile.ToBytes(Sample());
        for (int i = 0; i < bytes.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] copy = (byte[])bytes.Clone();
                copy[i] ^= (byte)(1 << bit);
                Action load = () => ModelFile.FromBytes(copy);
                load.Should().Throw<InvalidDataException>($"byte {i} bit {bit} was flipped");
            }
        }
    }

    [Fact]
    public void Foreign_and_newer_files_get_specific_messages()
    {
        Action foreign = () => ModelFile.FromBytes("PK\u0003\u0004 this is a zip"u8);
        foreign.Should().Throw<InvalidDataException>().WithMessage("*Not an MlNetLstm model file*");

        byte[] bytes = ModelFile.ToBytes(Sample());
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), ModelFile.FormatVersion + 1);
        Action newer = () => ModelFile.FromBytes(bytes);
        newer.Should().Throw<InvalidDataException>().WithMessage("*newer than this library reads*");
    }

    [Fact]
    public void A_huge_announced_length_is_rejected_before_anything_is_allocated()
    {
        // Hand-craft a file whose single entry announces 2^28 floats (1 GiB), with a valid checksum.
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("MLNLSTM\u001a"u8);
        w.Write(1u);
        w.Write((ushort)4); w.Write("Kind"u8); w.Write(1u);
        w.Write(1u);
        w.Write((ushort)1); w.Write("x"u8); w.Write((byte)1); w.Write((byte)1); w.Write(1u << 28); w.Write(1UL << 30);
        w.Flush();
        byte[] body = ms.ToArray();
        byte[] file = body.Concat(BitConverter.GetBytes(Crc32.Compute(body))).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Action load = () => ModelFile.FromBytes(file);
        load.Should().Throw<InvalidDataException>().WithMessage("*announces*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Kind_checks_name_the_expected_kind_and_version()
    {
        ModelArchive a = Sample();
        a.Invoking(x => x.EnsureKind("Other.Kind", 1)).Should().Throw<InvalidDataException>().WithMessage("*'Test.Kind', not a 'Other.Kind'*");
        a.Invoking(x => x.EnsureKind("Test.Kind", 1)).Should().Throw<InvalidDataException>().WithMessage("*layout version 2 is newer*");
        a.Invoking(x => x["missing"]).Should().Throw<InvalidDataException>().WithMessage("*no entry 'missing'*");
        a.Invoking(x => x["weights"].AsDoubles()).Should().Throw<InvalidDataException>().WithMessage("*holds Float32*");
    }

    [Fact]
    public void Builder_rejects_inconsistent_shapes_and_duplicate_names()
    {
        var b = new ModelArchiveBuilder("K");
        b.Invoking(x => x.Add("w", new float[6], 4, 2)).Should().Throw<ArgumentException>().WithMessage("*holds 8 elements but the data has 6*");
        b.Add("w", new float[6], 2, 3);
        b.Invoking(x => x.Add("w", new float[1])).Should().Throw<ArgumentException>().WithMessage("*already added*");
    }

    [Fact]
    public void Save_replaces_the_file_atomically_and_leaves_no_temporary_files()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-modelfile-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.mlnl");
            ModelFile.Save(path, Sample());
            ModelFile.Save(path, new ModelArchiveBuilder("Second").AddScalar("v", 1.0).Build());
            ModelFile.Load(path).Kind.Should().Be("Second");
            Directory.GetFiles(dir).Should().ContainSingle();
            File.WriteAllBytes(path, Encoding.ASCII.GetBytes("garbage"));
            Action load = () => ModelFile.Load(path);
            load.Should().Throw<InvalidDataException>().WithMessage($"*{path}*Not an MlNetLstm model file*");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Duplicate_entry_names_are_rejected_even_with_a_valid_checksum()
    {
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("MLNLSTM\u001a"u8);
        w.Write(1u);
        w.Write((ushort)4); w.Write("Kind"u8); w.Write(1u);
        w.Write(2u);
        for (int i = 0; i < 2; i++) { w.Write((ushort)1); w.Write("x"u8); w.Write((byte)3); w.Write((byte)0); w.Write(4UL); w.Write(i); }
        w.Flush();
        byte[] body = ms.ToArray();
        byte[] file = body.Concat(BitConverter.GetBytes(Crc32.Compute(body))).ToArray();
        FluentActions.Invoking(() => ModelFile.FromBytes(file)).Should().Throw<InvalidDataException>().WithMessage("*entry 'x' twice*");
    }
}
