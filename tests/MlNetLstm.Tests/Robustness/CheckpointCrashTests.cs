using System.Diagnostics;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Robustness;

/// <summary>
/// A child process (this test assembly, started with <c>dotnet exec</c> and the <see cref="StartupHook"/> below) writes
/// training checkpoints in a loop, resuming from the last one it finds; the test kills it at random moments and checks that
/// the checkpoint file always loads, is exactly one of the checkpoints the child wrote (never torn), and only moves forward.
/// </summary>
public class CheckpointCrashTests
{
    internal const string ChildVariable = "MLNETLSTM_CHECKPOINT_CHILD_DIR";

    /// <summary>The checkpoint written at optimizer step <paramref name="step"/>: a pure function of the step, ~600 KB.</summary>
    internal static TrainingCheckpoint Make(long step)
    {
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 96, OutputSize = 1 };
        RecurrentNetwork net = RecurrentNetwork.Create(spec, (int)step);
        int p = net.ParameterCount;
        var m = new float[p];
        var v = new float[p];
        var best = new float[p];
        for (int i = 0; i < p; i++) { m[i] = step * 1e-3f + i; v[i] = step + i; best[i] = -step - i; }
        return new TrainingCheckpoint
        {
            Network = net, AdamFirstMoment = m, AdamSecondMoment = v, OptimizerSteps = step, CompletedEpochs = 0, Seed = 1,
            ShuffleOrder = Enumerable.Range(0, 8).ToArray(), BestParameters = best, BestLoss = double.PositiveInfinity, BestEpoch = -1,
            EpochsSinceBest = 0, TrainingLoss = Array.Empty<double>(), ValidationLoss = Array.Empty<double>(), LearningRates = Array.Empty<float>(),
            OptionsFingerprintText = "child", DataFingerprintValue = (uint)step,
        };
    }

    /// <summary>The child's loop: resume from the latest checkpoint, then write step after step until killed.</summary>
    internal static void RunChild(string dir)
    {
        string path = Path.Combine(dir, "train.ckpt");
        long step = File.Exists(path) ? TrainingCheckpoint.Load(path).OptimizerSteps : 0;
        while (true) Make(++step).Save(path);
    }

    private static void AssertIsAnIntactCheckpoint(TrainingCheckpoint c)
    {
        TrainingCheckpoint expected = Make(c.OptimizerSteps);
        c.Network.Parameters.ToArray().Should().Equal(expected.Network.Parameters.ToArray(), "the checkpoint of step {0} must be complete", c.OptimizerSteps);
        c.AdamSecondMoment.ToArray().Should().Equal(expected.AdamSecondMoment.ToArray());
        c.BestParameters.ToArray().Should().Equal(expected.BestParameters.ToArray());
        c.DataFingerprintValue.Should().Be((uint)c.OptimizerSteps);
    }

    [Fact]
    [Trait("Category", "Robustness")]
    public void The_last_checkpoint_survives_kills_at_random_moments_and_training_resumes_from_it()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-crash-").FullName;
        string path = Path.Combine(dir, "train.ckpt");
        string assembly = typeof(CheckpointCrashTests).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var rng = new Random(2024);
        long last = 0;
        int reads = 0;
        try
        {
            for (int round = 0; round < 4; round++)
            {
                var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
                psi.ArgumentList.Add("exec");
                psi.ArgumentList.Add(assembly);
                psi.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
                psi.Environment[ChildVariable] = dir;
                using Process child = Process.Start(psi)!;
                try
                {
                    // Wait until the child has resumed and written at least one new checkpoint, reading concurrently all along.
                    var sw = Stopwatch.StartNew();
                    long seen = last;
                    while (seen <= last)
                    {
                        if (child.HasExited) throw new InvalidOperationException($"The checkpoint child exited with {child.ExitCode}: {child.StandardError.ReadToEnd()}");
                        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the child should start writing checkpoints");
                        if (File.Exists(path))
                        {
                            TrainingCheckpoint c = TrainingCheckpoint.Load(path); // never torn, even while the child writes
                            c.OptimizerSteps.Should().BeGreaterThanOrEqualTo(seen);
                            seen = c.OptimizerSteps;
                            reads++;
                        }
                        Thread.Sleep(5);
                    }
                    Thread.Sleep(rng.Next(5, 150));
                }
                finally
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit();
                }
                TrainingCheckpoint after = TrainingCheckpoint.Load(path);
                after.OptimizerSteps.Should().BeGreaterThan(last, "round {0}: the child resumed from step {1} and moved on", round, last);
                AssertIsAnIntactCheckpoint(after);
                last = after.OptimizerSteps;
            }
            reads.Should().BeGreaterThan(0);
            // A kill during a save can leave that save's temporary file behind; it never replaces or corrupts the checkpoint, and
            // the next save to the same path removes it (each child's first save cleaned up after the previous, killed child).
            Directory.GetFiles(dir).Count(f => f.EndsWith(".tmp", StringComparison.Ordinal)).Should().BeLessThanOrEqualTo(1);
            Make(last + 1).Save(path);
            Directory.GetFiles(dir).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)).Should().BeEmpty("the save after the last kill removes its temporary file");
            TrainingCheckpoint.Load(path).OptimizerSteps.Should().Be(last + 1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
