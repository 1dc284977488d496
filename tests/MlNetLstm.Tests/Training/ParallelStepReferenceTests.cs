using System.Security.Cryptography;
using MlNetLstm.Kernels;
using MlNetLstm.Models;
using MlNetLstm.Models.Attention;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// Pins, bit for bit, trainings large enough to take the paths <see cref="TrainingLoopReferenceTests"/>' small networks never
/// reach: W_hh packed once per mini-batch and shared by the chunk workspaces (hidden size 96, chunks of 6 rows; a last chunk of
/// 4 rows packs nothing), and the chunk-gradient sum and optimiser step spread over element ranges (more than
/// <see cref="TrainingProgress.ParallelRangeThreshold"/> parameters) with clipping, L2 decay, AdamW and truncated BPTT.
/// The SHA-256 of each run's weights and loss curves was recorded with the code before those changes (main at d59ba12: every
/// chunk packing for itself, the gradient sum and the optimiser on one thread), on the Avx512 path and with
/// DOTNET_EnableAVX512=0 on the Avx2Fma path. On another path the comparison is reported Skipped; 1 and 2 threads must agree
/// on every path. Never re-record these to "fix" the test.
/// </summary>
public class ParallelStepReferenceTests
{
    private static readonly Dictionary<(string Case, IsaLevel Isa), string> Recorded = new()
    {
        [("lstm-2-layers-clip-l2", IsaLevel.Avx512)] = "5462E2375C438C1D6987673D24445316D4C230C467040C4827FBDA30A4A92936 steps 9 stop Completed",
        [("lstm-2-layers-clip-l2", IsaLevel.Avx2Fma)] = "5462E2375C438C1D6987673D24445316D4C230C467040C4827FBDA30A4A92936 steps 9 stop Completed",
        [("gru-adamw-validation", IsaLevel.Avx512)] = "7508B294A90C3A457F07B108C4E5AF3009AD01BB45E973AFDC66F09B32B706B3 steps 6 stop Completed",
        [("gru-adamw-validation", IsaLevel.Avx2Fma)] = "7508B294A90C3A457F07B108C4E5AF3009AD01BB45E973AFDC66F09B32B706B3 steps 6 stop Completed",
        [("lstm-tbptt-every-step", IsaLevel.Avx512)] = "6122B6528A6BA71BA97597865AC4E4F7E8C3CD60385C6C909C578F38B3B9D60D steps 27 stop Completed",
        [("lstm-tbptt-every-step", IsaLevel.Avx2Fma)] = "6122B6528A6BA71BA97597865AC4E4F7E8C3CD60385C6C909C578F38B3B9D60D steps 27 stop Completed",
        [("attention-clip-adamw", IsaLevel.Avx512)] = "AB785F673D47CA86892147FB15A5F5A6792F0D654CCC2F5C8E287CDA41EE3904 steps 9 stop Completed",
        [("attention-clip-adamw", IsaLevel.Avx2Fma)] = "AB785F673D47CA86892147FB15A5F5A6792F0D654CCC2F5C8E287CDA41EE3904 steps 9 stop Completed",
    };

    public static TheoryData<string> CaseNames => new() { "lstm-2-layers-clip-l2", "gru-adamw-validation", "lstm-tbptt-every-step", "attention-clip-adamw" };

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Large_training_runs_match_the_recording_and_do_not_depend_on_the_thread_count(string name)
    {
        string one = Run(name, threads: 1), two = Run(name, threads: 2);
        two.Should().Be(one, "1 and 2 threads must give bitwise the same weights and losses");
        Skip.IfNot(Recorded.TryGetValue((name, KernelInfo.ActiveIsa), out string? want),
            $"The runs were recorded on the Avx512 and Avx2Fma kernel paths; this process runs {KernelInfo.ActiveIsa}.");
        one.Should().Be(want, $"the recording made before the shared packing and the parallel optimiser step ({name}, {KernelInfo.ActiveIsa})");
    }

    private static string Run(string name, int threads)
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, ChunkSize = 6, Threads = threads, LearningRate = 0.01f, Seed = 5 };
        switch (name)
        {
            case "lstm-2-layers-clip-l2":
            {
                var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 3, HiddenSize = 96, Layers = 2, OutputSize = 1 }, 11);
                net.ParameterCount.Should().BeGreaterThan(TrainingProgress.ParallelRangeThreshold);
                return Hash(RecurrentTrainer.Train(net, Data(40, 7, perStep: false), options with { GradientClipNorm = 0.05f, WeightDecay = 0.01f }));
            }
            case "gru-adamw-validation":
            {
                var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { Cell = CellType.Gru, InputSize = 3, HiddenSize = 96, Bidirectional = true, OutputSize = 1 }, 12);
                net.ParameterCount.Should().BeGreaterThan(TrainingProgress.ParallelRangeThreshold);
                return Hash(RecurrentTrainer.Train(net, Data(40, 7, perStep: false), options with
                { Optimizer = OptimizerKind.AdamW, WeightDecay = 0.02f, ValidationFraction = 0.25, GradientClipNorm = 0.5f }));
            }
            case "lstm-tbptt-every-step":
            {
                var net = RecurrentNetwork.Create(new RecurrentNetworkSpec { InputSize = 3, HiddenSize = 96, OutputSize = 1, HeadMode = HeadMode.EveryStep }, 13);
                net.ParameterCount.Should().BeGreaterThan(TrainingProgress.ParallelRangeThreshold);
                return Hash(RecurrentTrainer.Train(net, Data(36, 9, perStep: true), options with { TruncatedBpttSteps = 4, InputGatePenalty = 0.05f, GradientClipNorm = 0.2f }));
            }
            case "attention-clip-adamw":
            {
                var model = LocalWindowAttention.Create(new LocalWindowAttentionSpec
                { InputSize = 3, ModelSize = 64, Heads = 4, FeedForwardSize = 160, WindowSize = 3, OutputSize = 1 }, 14);
                model.Parameters.Length.Should().BeGreaterThan(TrainingProgress.ParallelRangeThreshold);
                var r = LocalWindowAttentionTrainer.Train(model, Data(40, 7, perStep: false), options with
                { Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01f, GradientClipNorm = 0.1f });
                return Hash(r.Model.Parameters, r.Report);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "No such case.");
        }
    }

    private static SequenceDataset Data(int count, int steps, bool perStep)
    {
        var x = new float[count * steps * 3];
        var y = new float[count * (perStep ? steps : 1)];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < steps; t++)
            {
                x[(n * steps + t) * 3] = MathF.Sin(0.37f * (n + t));
                x[(n * steps + t) * 3 + 1] = MathF.Cos(0.8f * n + 0.3f * t);
                x[(n * steps + t) * 3 + 2] = 0.1f * ((n * 7 + t) % 5);
                if (perStep) y[n * steps + t] = MathF.Sin(0.37f * (n + t + 1));
            }
            if (!perStep) y[n] = 0.8f * MathF.Sin(0.37f * (n + steps));
        }
        return new SequenceDataset(x, count, steps, 3, y, 1, perStep);
    }

    private static string Hash(TrainingResult result) => Hash(result.Network.Parameters, result.Report);

    private static string Hash(ReadOnlySpan<float> parameters, TrainingReport report)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(parameters));
        foreach (double[] curve in new[] { report.TrainingLoss.ToArray(), report.ValidationLoss.ToArray() })
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(curve.AsSpan()));
        sha.AppendData(BitConverter.GetBytes(report.OptimizerSteps));
        return Convert.ToHexString(sha.GetHashAndReset()) + $" steps {report.OptimizerSteps} stop {report.StopReason}";
    }
}

public class RunChunksTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Fold_sees_every_chunk_once_in_chunk_order_after_its_body(int threads)
    {
        for (int round = 0; round < 30; round++)
        {
            const int chunks = 23;
            var finished = new int[chunks];
            var folds = new List<int>();
            var losses = new double[chunks];
            var random = new Random(round);
            int[] work = Enumerable.Range(0, chunks).Select(_ => random.Next(0, 20_000)).ToArray();
            int inFold = 0;
            double sum = TrainingProgress.RunChunks(chunks, threads, c =>
            {
                double x = 0;
                for (int i = 0; i < work[c]; i++) x += Math.Sqrt(i);  // uneven chunk times, so chunks finish out of order
                losses[c] = c + (x > -1 ? 0.5 : 0);
                Volatile.Write(ref finished[c], 1);
            }, losses, c =>
            {
                Interlocked.Increment(ref inFold).Should().Be(1, "folds never overlap");
                Volatile.Read(ref finished[c]).Should().Be(1, $"chunk {c} is folded after its body");
                folds.Add(c);
                Interlocked.Decrement(ref inFold);
            });
            folds.Should().Equal(Enumerable.Range(0, chunks), $"round {round}: every chunk folded once, in order");
            sum.Should().Be(Enumerable.Range(0, chunks).Sum(c => c + 0.5));
        }
    }
}
