using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using MlNetLstm.Data;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Tests.Persistence;
using Xunit.Abstractions;

namespace MlNetLstm.Tests.Robustness;

/// <summary>
/// Random and mutated inputs through every loader: <see cref="ModelFile.FromBytes"/>, the kind loaders
/// (<see cref="ModelSerializer.FromArchive"/>, including training checkpoints), the PyTorch state_dict reader and
/// <see cref="CsvSeriesReader"/>. Each input must either load or fail with the documented exception
/// (<see cref="InvalidDataException"/>; <see cref="CsvFormatException"/> / <see cref="ArgumentException"/> for CSV), within a time
/// bound and without allocating much more than its own size. Deterministic (seeded). The default run is bounded (a few
/// seconds per target); set MLNETLSTM_FUZZ_ITERATIONS=N to run N inputs per target (for example 100000 for a long run) and
/// MLNETLSTM_FUZZ_SEED=S to shift every target's seed (other inputs).
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20), HangLimit = TimeSpan.FromSeconds(60); // generous: CI shares 2 cores with the rest of the suite

    private static int Iterations(int defaultCount) =>
        int.TryParse(Environment.GetEnvironmentVariable("MLNETLSTM_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : defaultCount;

    /// <summary>The target's seed, shifted by MLNETLSTM_FUZZ_SEED (default 0) so long runs can explore other inputs.</summary>
    private static Random Rng(int seed) =>
        new(seed + (int.TryParse(Environment.GetEnvironmentVariable("MLNETLSTM_FUZZ_SEED"), out int shift) ? shift : 0));

    private sealed class Harness(string target, ITestOutputHelper output, params Type[] allowed)
    {
        private readonly List<string> _failures = new();
        private int _loaded, _rejected;
        private TimeSpan _slowest;
        private long _mostAllocated;

        public void Run(int iteration, int inputSize, Action load)
        {
            long allocated = 0;
            TimeSpan elapsed = default;
            Exception? unexpected = null;
            bool rejected = false;
            var task = Task.Factory.StartNew(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var sw = Stopwatch.StartNew();
                try { load(); }
                catch (Exception e) when (allowed.Any(t => t.IsInstanceOfType(e))) { rejected = true; }
                catch (Exception e) { unexpected = e; }
                elapsed = sw.Elapsed;
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (!task.Wait(HangLimit))
            {
                _failures.Add($"{target} #{iteration}: no result after {HangLimit.TotalSeconds} s (hang)");
                throw new TimeoutException(string.Join("\n", _failures));
            }
            if (rejected) _rejected++; else if (unexpected is null) _loaded++;
            if (unexpected != null) _failures.Add($"{target} #{iteration}: undocumented {unexpected.GetType().Name}: {unexpected.Message}\n{unexpected.StackTrace}");
            if (elapsed > TimeLimit)
            {
                // A slow input is timed once more before it counts: on a loaded machine (CI shares 2 cores with the rest of
                // the suite) one run can stall for reasons that are not the input's; a loader that is really slow is slow twice.
                var again = Stopwatch.StartNew();
                try { load(); } catch (Exception) { } // the first run already classified the outcome
                again.Stop();
                output.WriteLine($"{target} #{iteration}: took {elapsed.TotalSeconds:F1} s, {again.Elapsed.TotalSeconds:F1} s when timed again");
                if (again.Elapsed > TimeLimit) _failures.Add($"{target} #{iteration}: took {elapsed.TotalSeconds:F1} s and {again.Elapsed.TotalSeconds:F1} s when timed again");
            }
            long bound = (64L << 20) + 256L * inputSize;
            if (allocated > bound) _failures.Add($"{target} #{iteration}: allocated {allocated >> 20} MiB for a {inputSize}-byte input");
            if (elapsed > _slowest) _slowest = elapsed;
            _mostAllocated = Math.Max(_mostAllocated, allocated);
        }

        public void Verify()
        {
            output.WriteLine($"{target}: {_loaded} loaded, {_rejected} rejected, slowest {_slowest.TotalMilliseconds:F0} ms, most allocated {_mostAllocated >> 10} KiB");
            _failures.Should().BeEmpty();
            _rejected.Should().BeGreaterThan(0);
        }
    }

    // ------------------------------------------------------------------------------------------- byte mutations

    private static readonly int[] InterestingInts = [0, 1, -1, 2, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, 1 << 28, 1 << 30, 0x7FFFFFF0];

    internal static byte[] Mutate(byte[] input, Random rng)
    {
        var d = new List<byte>(input);
        int ops = 1 + rng.Next(4);
        for (int k = 0; k < ops; k++)
        {
            int at = d.Count == 0 ? 0 : rng.Next(d.Count);
            switch (rng.Next(7))
            {
                case 0: if (d.Count > 0) d[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: if (d.Count > 0) d[at] = (byte)(rng.Next(4) switch { 0 => 0, 1 => 0xFF, 2 => 0x7F, _ => rng.Next(256) }); break;
                case 2: if (d.Count > 0) d.RemoveRange(at, d.Count - at); break;
                case 3: d.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256))); break;
                case 4: if (d.Count > 0) d.RemoveRange(at, Math.Min(d.Count - at, 1 + rng.Next(32))); break;
                case 5:
                    if (d.Count >= at + 4)
                    {
                        var b = new byte[4];
                        BinaryPrimitives.WriteInt32LittleEndian(b, InterestingInts[rng.Next(InterestingInts.Length)]);
                        for (int i = 0; i < 4; i++) d[at + i] = b[i];
                    }
                    break;
                default:
                    if (d.Count > 0)
                    {
                        int len = Math.Min(d.Count - at, 1 + rng.Next(64));
                        d.InsertRange(rng.Next(d.Count), d.GetRange(at, len));
                    }
                    break;
            }
        }
        return d.ToArray();
    }

    private static byte[] FixCrc(byte[] file)
    {
        if (file.Length < 4) return file;
        var copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), Crc32.Compute(copy.AsSpan(0, copy.Length - 4)));
        return copy;
    }

    /// <summary>
    /// Seed files: every committed fixture (layouts of every released version: v1, v2, v3, combined) plus a file of every kind in
    /// the layout this version writes (HAR and SSA layout 2 store fitted state; GARCH, networks, forecasters, checkpoints).
    /// </summary>
    private static byte[][] ModelFiles() => ModelFilesLazy.Value;

    private static readonly Lazy<byte[][]> ModelFilesLazy = new(() =>
    {
        var committed = new[] { "v1", "v2", "v3", "v4", "combined" }
            .SelectMany(v => Directory.GetFiles(PersistenceTestData.File(v), "*.mlnl")).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes);
        var current = new[]
        {
            ModelSerializer.ToArchive(PersistenceFixtures.Har), ModelSerializer.ToArchive(PersistenceFixtures.SsaModel),
            ModelSerializer.ToArchive(PersistenceFixtures.ArchFit), ModelSerializer.ToArchive(PersistenceFixtures.Network(1)),
            ModelSerializer.ToArchive(PersistenceFixtures.ForecastModel), ModelSerializer.ToArchive(PersistenceFixtures.VolatilityModel),
            PersistenceFixtures.Checkpoint().ToArchive(),
        }.Select(ModelFile.ToBytes);
        return committed.Concat(current).ToArray();
    });

    [Fact]
    [Trait("Category", "Robustness")]
    public void Model_file_bytes_random_and_mutated()
    {
        var h = new Harness("ModelFile.FromBytes", output, typeof(InvalidDataException));
        byte[][] seeds = ModelFiles();
        var rng = Rng(101);
        int n = Iterations(3000);
        for (int i = 0; i < n; i++)
        {
            byte[] input = (i % 10) switch
            {
                0 => Enumerable.Range(0, rng.Next(200)).Select(_ => (byte)rng.Next(256)).ToArray(),
                1 => [.. "MLNLSTM\u001a"u8, .. Enumerable.Range(0, rng.Next(200)).Select(_ => (byte)rng.Next(256))],
                < 6 => Mutate(seeds[rng.Next(seeds.Length)], rng),
                _ => FixCrc(Mutate(seeds[rng.Next(seeds.Length)], rng)), // valid checksum: the parser goes deeper
            };
            h.Run(i, input.Length, () =>
            {
                ModelArchive a = ModelFile.FromBytes(input);
                ModelSerializer.FromArchive(a);
            });
        }
        h.Verify();
    }

    // ------------------------------------------------------------------------------------------- archive mutations

    private static readonly double[] InterestingDoubles = [0, -0.0, 1, -1, 0.5, 1e-320, 1e300, -1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, 2.5e9];

    internal static ModelArchive MutateArchive(ModelArchive a, Random rng)
    {
        var entries = a.Entries.ToList();
        string kind = a.Kind;
        int version = a.KindVersion;
        int ops = 1 + rng.Next(3);
        var replaced = new Dictionary<string, Action<ModelArchiveBuilder>?>();
        for (int k = 0; k < ops; k++)
        {
            ArchiveEntry e = entries[rng.Next(entries.Count)];
            string name = e.Name;
            int n = (int)e.Count;
            switch (rng.Next(8))
            {
                case 0: replaced[name] = null; break; // drop
                case 1:
                    replaced[name] = e.ElementType switch
                    {
                        ArchiveElementType.Int32 => b => b.Add(name, Enumerable.Range(0, n).Select(_ => rng.Next(3) == 0 ? InterestingInts[rng.Next(InterestingInts.Length)] : rng.Next(-2, 64)).ToArray(), e.Shape.Count == 0 ? [] : e.Shape.ToArray()),
                        ArchiveElementType.Float64 => b => b.Add(name, Enumerable.Range(0, n).Select(_ => InterestingDoubles[rng.Next(InterestingDoubles.Length)]).ToArray(), e.Shape.Count == 0 ? [] : e.Shape.ToArray()),
                        ArchiveElementType.Float32 => b => b.Add(name, Enumerable.Range(0, n).Select(_ => (float)InterestingDoubles[rng.Next(InterestingDoubles.Length)]).ToArray(), e.Shape.Count == 0 ? [] : e.Shape.ToArray()),
                        _ => b => b.AddText(name, rng.Next(3) switch { 0 => "", 1 => "regime", _ => new string('x', rng.Next(300)) }),
                    };
                    break;
                case 2: // one element changed
                    if (e.ElementType == ArchiveElementType.Int32 && n > 0)
                    {
                        int[] v = e.AsInt32s(); v[rng.Next(n)] = InterestingInts[rng.Next(InterestingInts.Length)];
                        replaced[name] = b => b.Add(name, v, e.Shape.Count == 0 ? [] : e.Shape.ToArray());
                    }
                    else if (e.ElementType == ArchiveElementType.Float64 && n > 0)
                    {
                        double[] v = e.AsDoubles(); v[rng.Next(n)] = InterestingDoubles[rng.Next(InterestingDoubles.Length)];
                        replaced[name] = b => b.Add(name, v, e.Shape.Count == 0 ? [] : e.Shape.ToArray());
                    }
                    else if (e.ElementType == ArchiveElementType.Float32 && n > 0)
                    {
                        float[] v = e.AsSingles(); v[rng.Next(n)] = (float)InterestingDoubles[rng.Next(InterestingDoubles.Length)];
                        replaced[name] = b => b.Add(name, v, e.Shape.Count == 0 ? [] : e.Shape.ToArray());
                    }
                    break;
                case 3: // reshape
                    replaced[name] = b =>
                    {
                        if (e.ElementType == ArchiveElementType.Utf8) b.AddText(name, e.AsText());
                        else if (rng.Next(2) == 0) PersistenceFixtures.Copy(b, e, name + "");
                        else AddReshaped(b, e, n == 1 ? [1, 1] : [n]);
                    };
                    break;
                case 4: // retype
                    replaced[name] = e.ElementType switch
                    {
                        ArchiveElementType.Int32 => b => b.Add(name, e.AsInt32s().Select(x => (double)x).ToArray(), e.Shape.Count == 0 ? [] : e.Shape.ToArray()),
                        ArchiveElementType.Float64 => b => b.Add(name, e.AsDoubles().Select(x => (float)x).ToArray(), e.Shape.Count == 0 ? [] : e.Shape.ToArray()),
                        ArchiveElementType.Float32 => b => b.Add(name, e.AsSingles().Select(x => (int)x).ToArray(), e.Shape.Count == 0 ? [] : e.Shape.ToArray()),
                        _ => b => b.AddScalar(name, 1),
                    };
                    break;
                case 5: // shorten or lengthen
                    replaced[name] = e.ElementType switch
                    {
                        ArchiveElementType.Int32 => b => b.Add(name, Resize(e.AsInt32s(), rng)),
                        ArchiveElementType.Float64 => b => b.Add(name, Resize(e.AsDoubles(), rng)),
                        ArchiveElementType.Float32 => b => b.Add(name, Resize(e.AsSingles(), rng)),
                        _ => b => b.AddText(name, e.AsText()[..(e.AsText().Length / 2)]),
                    };
                    break;
                case 6: replaced[name] = b => PersistenceFixtures.Copy(b, e, name + "_renamed"); break;
                default:
                    if (rng.Next(2) == 0) version = 1 + rng.Next(ModelKinds.CurrentVersion + 1); // every layout (and one newer): old readers on new entries and back
                    else kind = rng.Next(2) == 0 ? kind : ModelKinds.HarModel;
                    break;
            }
        }
        var builder = new ModelArchiveBuilder(kind, version);
        foreach (ArchiveEntry e in entries)
        {
            if (replaced.TryGetValue(e.Name, out var add))
            {
                if (add is null) continue;
                try { add(builder); } catch (ArgumentException) { PersistenceFixtures.Copy(builder, e); }
            }
            else PersistenceFixtures.Copy(builder, e);
        }
        return ModelFile.FromBytes(ModelFile.ToBytes(builder.Build()));
    }

    private static void AddReshaped(ModelArchiveBuilder b, ArchiveEntry e, int[] shape)
    {
        switch (e.ElementType)
        {
            case ArchiveElementType.Float32: b.Add(e.Name, e.AsSingles(), shape); break;
            case ArchiveElementType.Float64: b.Add(e.Name, e.AsDoubles(), shape); break;
            default: b.Add(e.Name, e.AsInt32s(), shape); break;
        }
    }

    private static T[] Resize<T>(T[] v, Random rng)
    {
        int n = rng.Next(3) switch { 0 => 0, 1 => Math.Max(0, v.Length - 1 - rng.Next(4)), _ => v.Length + 1 + rng.Next(4) };
        var r = new T[n];
        Array.Copy(v, r, Math.Min(n, v.Length));
        for (int i = v.Length; i < n; i++) r[i] = v.Length > 0 ? v[^1] : default!;
        return r;
    }

    [Fact]
    [Trait("Category", "Robustness")]
    public void Kind_loaders_with_structurally_mutated_archives()
    {
        var h = new Harness("ModelSerializer.FromArchive", output, typeof(InvalidDataException));
        ModelArchive[] seeds = ModelFiles().Select(b => ModelFile.FromBytes(b)).ToArray();
        var rng = Rng(202);
        int n = Iterations(2000);
        for (int i = 0; i < n; i++)
        {
            ModelArchive a = MutateArchive(seeds[i % seeds.Length], rng);
            h.Run(i, (int)a.Entries.Sum(e => e.Count * 8), () => ModelSerializer.FromArchive(a));
        }
        h.Verify();
    }

    // ------------------------------------------------------------------------------------------- torch

    [Fact]
    [Trait("Category", "Robustness")]
    public void Torch_state_dicts_random_and_mutated()
    {
        var h = new Harness("TorchStateDict.FromBytes", output, typeof(InvalidDataException));
        byte[][] files = [File.ReadAllBytes(PersistenceTestData.File("torch", "lstm_state_dict.pt")), File.ReadAllBytes(PersistenceTestData.File("torch", "gru_state_dict.pt"))];
        byte[] pickle = TorchStateDictTests.OriginalPickle();
        var rng = Rng(303);
        int n = Iterations(1500);
        for (int i = 0; i < n; i++)
        {
            byte[] input = (i % 4) switch
            {
                0 => Mutate(files[rng.Next(2)], rng),
                1 => [.. "PK\u0003\u0004"u8, .. Enumerable.Range(0, rng.Next(300)).Select(_ => (byte)rng.Next(256))],
                _ => TorchStateDictTests.WithPickle(Mutate(pickle, rng)), // well-formed zip, hostile pickle
            };
            h.Run(i, input.Length, () => TorchStateDict.FromBytes(input));
        }
        h.Verify();
    }

    // ------------------------------------------------------------------------------------------- CSV

    private const string RandomChars = "ab,\"\n\r1.5e-x";

    private const string SampleCsv = "date,close,volume\n2024-01-02,101.5,1000\n2024-01-03,\"102.25\",1100\n2024-01-04,100.75,900\r\n2024-01-05,1e2,950\n2024-01-08,-3.5e-1,\"1,000\"\n";

    private static string MutateText(string s, Random rng)
    {
        var sb = new StringBuilder(s);
        int ops = 1 + rng.Next(4);
        string[] tokens = ["\"", ",", "\n", "\r\n", "\r", "\"\"", "NaN", "Infinity", "1e999", "-", "2024-13-45", "\0", "é", "\uFEFF", ";", " ", "date", "close"];
        for (int k = 0; k < ops; k++)
        {
            int at = sb.Length == 0 ? 0 : rng.Next(sb.Length);
            switch (rng.Next(4))
            {
                case 0: sb.Insert(at, tokens[rng.Next(tokens.Length)]); break;
                case 1: if (sb.Length > 0) sb.Remove(at, Math.Min(sb.Length - at, 1 + rng.Next(8))); break;
                case 2: if (sb.Length > 0) sb[at] = (char)rng.Next(32, 127); break;
                default: if (sb.Length > 0) sb.Insert(rng.Next(sb.Length), sb.ToString(at, Math.Min(sb.Length - at, 1 + rng.Next(40)))); break;
            }
        }
        return sb.ToString();
    }

    [Fact]
    [Trait("Category", "Robustness")]
    public void Csv_series_reader_random_and_mutated()
    {
        var h = new Harness("CsvSeriesReader.Read", output, typeof(CsvFormatException), typeof(ArgumentException));
        string real = string.Join("\n", File.ReadLines(PersistenceTestData.RepoFile("tests/data/real/dem2gbp.csv")).Take(60));
        var rng = Rng(404);
        int n = Iterations(4000);
        for (int i = 0; i < n; i++)
        {
            string text = (i % 5) switch
            {
                0 => new string(Enumerable.Range(0, rng.Next(120)).Select(_ => RandomChars[rng.Next(RandomChars.Length)]).ToArray()),
                1 => MutateText(real, rng),
                _ => MutateText(SampleCsv, rng),
            };
            bool dated = i % 2 == 0;
            string column = i % 5 == 1 ? "dem2gbp" : "close";
            var options = new CsvSeriesOptions { DateColumn = dated && i % 5 != 1 ? "date" : null, MinimumRows = 1 + i % 3 };
            h.Run(i, text.Length * 2, () =>
            {
                SeriesData d = CsvSeriesReader.Read(new StringReader(text), column, options);
                foreach (double v in d.Values)
                    if (!double.IsFinite(v)) throw new InvalidOperationException($"the reader returned the non-finite value {v}");
            });
        }
        h.Verify();
    }
}
