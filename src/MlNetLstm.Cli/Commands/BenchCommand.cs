using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Text;
using MlNetLstm.Kernels;
using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Cli.Commands;

/// <summary>
/// <c>mlnetlstm bench lstm</c>: training, batched inference and streaming throughput of the LSTM engine at one
/// configuration, as one JSON object (or a table), for side-by-side runs against PyTorch
/// (tests/MlNetLstm.Benchmarks/peers/compare_pytorch.sh).
/// </summary>
internal static class BenchCommand
{
    internal sealed record Config(int Batch, int Seq, int Input, int Hidden, int Layers, int Threads, double Seconds, bool TrainOnly = false);

    public static Command Create()
    {
        var bench = new Command("bench", "Performance measurements.");
        var batch = new Option<int>("--batch") { Description = "Sequences per mini-batch B.", DefaultValueFactory = _ => 64 };
        var seq = new Option<int>("--seq") { Description = "Sequence length T.", DefaultValueFactory = _ => 64 };
        var input = new Option<int>("--input") { Description = "Input features I.", DefaultValueFactory = _ => 8 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units H.", DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { Description = "Stacked layers L.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Training threads N.", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "Minimum measuring time per metric.", DefaultValueFactory = _ => 2.0 };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var trainOnly = new Option<bool>("--train-only")
        {
            Description = "Measure training only (skips batched inference and streaming, which are single-threaded: used for the two-thread runs of the side-by-side script).",
        };
        var isa = new Option<string>("--isa")
        {
            Description = "Kernel path to measure: auto (the best this machine has), avx512 or avx2. A level below the active one re-runs " +
                          "the command in a child process with the runtime's AVX-512 disabled (DOTNET_EnableAVX512=0, the same as setting it yourself).",
            DefaultValueFactory = _ => "auto",
        };
        isa.AcceptOnlyFromAmong("auto", "avx512", "avx2");
        var lstm = new Command("lstm", "Train (forward + backward + Adam, MSE on a linear head over the last hidden state), batched inference and streaming (batch 1) of an LSTM.");
        foreach (Option o in new Option[] { batch, seq, input, hidden, layers, threads, seconds, format, isa, trainOnly }) lstm.Options.Add(o);
        lstm.SetAction(pr =>
        {
            string wanted = pr.GetValue(isa) ?? "auto";
            if (wanted != "auto")
            {
                IsaLevel level = wanted == "avx512" ? IsaLevel.Avx512 : IsaLevel.Avx2Fma;
                if (KernelInfo.ActiveIsa != level)
                {
                    if (!KernelInfo.AvailableLevels.Contains(level))
                    {
                        Console.Error.WriteLine($"error: --isa {wanted}: this machine or runtime cannot run the {level} path (active: {KernelInfo.Description}).");
                        return 2;
                    }
                    if (Environment.GetEnvironmentVariable(ChildMarker) is not null)
                    {
                        Console.Error.WriteLine($"error: --isa {wanted}: the child process still runs {KernelInfo.ActiveIsa}; set DOTNET_EnableAVX512=0 yourself.");
                        return 2;
                    }
                    return RunChild(level);
                }
            }
            var c = new Config(pr.GetValue(batch), pr.GetValue(seq), pr.GetValue(input), pr.GetValue(hidden), pr.GetValue(layers), pr.GetValue(threads), pr.GetValue(seconds), pr.GetValue(trainOnly));
            string? problem = Check(c);
            if (problem is not null) { Console.Error.WriteLine($"error: {problem}"); return 2; }
            JsonObject result;
            try
            {
                result = Run(c);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"error: {CliErrors.Text(ex)}");
                return 2;
            }
            if (pr.GetValue(format) == "json") Console.WriteLine(result.ToJsonString());
            else foreach (var kv in result) Console.WriteLine($"{kv.Key,-30} {kv.Value}");
            return 0;
        });
        bench.Subcommands.Add(lstm);
        return bench;
    }

    private const string ChildMarker = "MLNETLSTM_BENCH_CHILD";

    /// <summary>Re-runs this command line in a child process whose runtime reports no AVX-512, so the dispatcher picks <paramref name="level"/>.</summary>
    private static int RunChild(IsaLevel level)
    {
        string[] args = Environment.GetCommandLineArgs();
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        // Under `dotnet x.dll`, GetCommandLineArgs()[0] is the dll; under the apphost it is the executable itself.
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet") psi.ArgumentList.Add(args[0]);
        for (int i = 1; i < args.Length; i++) psi.ArgumentList.Add(args[i]);
        if (level == IsaLevel.Avx2Fma)
        {
            psi.Environment["DOTNET_EnableAVX512"] = "0";
            psi.Environment["DOTNET_EnableAVX512F"] = "0";
        }
        psi.Environment[ChildMarker] = "1";
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the child process for --isa.");
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>
    /// Floating-point operations (a multiply-add counts 2) of the matrix products in one training step of an LSTM over
    /// <c>batch</c> sequences of <c>seq</c> steps, <c>layers</c> unidirectional layers of <c>hidden</c> units and a linear head
    /// with <c>outputs</c> outputs on the last step (G = 4 gates, in_l = input for layer 0 else hidden):
    /// per layer, forward X W_ih^T and h W_hh^T: 2·T·B·4H·(in_l + H); backward dh_prev = dz W_hh: 2·T·B·4H·H,
    /// dW_hh: 2·T·B·4H·H, dW_ih: 2·T·B·4H·in_l and, for layers above the first, dX = dz W_ih: 2·T·B·4H·in_l;
    /// head forward 2·B·H·O, backward dW 2·B·H·O and dh 2·B·H·O. Pointwise gate work, bias sums and Adam are not counted
    /// (they are O(T·B·H) and O(parameters), not O(T·B·H²)).
    /// </summary>
    internal static double TrainingFlops(int batch, int seq, int input, int hidden, int layers, int outputs = 1)
    {
        double tb = (double)seq * batch, g = 4.0 * hidden, total = 0;
        for (int l = 0; l < layers; l++)
        {
            double inSize = l == 0 ? input : hidden;
            total += 2 * tb * g * (inSize + hidden);               // forward
            total += 2 * tb * g * hidden * 2 + 2 * tb * g * inSize; // backward: dh_prev, dW_hh, dW_ih
            if (l > 0) total += 2 * tb * g * inSize;                // dX into the layer below
        }
        return total + 3 * 2.0 * batch * hidden * outputs;
    }

    /// <summary>
    /// Single-core FMA peak of <paramref name="level"/> in GFLOP/s, measured in-process: 12 independent chains of vector FMAs
    /// (ymm for AVX2, zmm for AVX-512) held in registers, best of 5 runs of about 50 ms. Returns 0 for levels without FMA.
    /// </summary>
    internal static double MeasureFmaPeak(IsaLevel level)
    {
        if (level is not (IsaLevel.Avx2Fma or IsaLevel.Avx512)) return 0;
        const long iterations = 2_000_000;
        double best = double.MaxValue;
        float sink = 0;
        for (int r = 0; r < 6; r++)
        {
            var sw = Stopwatch.StartNew();
            long its = r == 0 ? 100_000 : iterations;
            sink += level == IsaLevel.Avx512 ? FmaLoop512(its) : FmaLoop256(its);
            double s = sw.Elapsed.TotalSeconds;
            if (r > 0) best = Math.Min(best, s);
        }
        if (float.IsNaN(sink)) Console.Error.Write("");
        int lanes = level == IsaLevel.Avx512 ? 16 : 8;
        return iterations * 12.0 * lanes * 2 / best / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop256(long n)
    {
        Vector256<float> m = Vector256.Create(0.999999f), a = Vector256.Create(1e-7f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (long i = 0; i < n; i++)
        {
            x0 = Fma.MultiplyAdd(x0, m, a); x1 = Fma.MultiplyAdd(x1, m, a); x2 = Fma.MultiplyAdd(x2, m, a); x3 = Fma.MultiplyAdd(x3, m, a);
            x4 = Fma.MultiplyAdd(x4, m, a); x5 = Fma.MultiplyAdd(x5, m, a); x6 = Fma.MultiplyAdd(x6, m, a); x7 = Fma.MultiplyAdd(x7, m, a);
            x8 = Fma.MultiplyAdd(x8, m, a); x9 = Fma.MultiplyAdd(x9, m, a); x10 = Fma.MultiplyAdd(x10, m, a); x11 = Fma.MultiplyAdd(x11, m, a);
        }
        return (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11).GetElement(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop512(long n)
    {
        Vector512<float> m = Vector512.Create(0.999999f), a = Vector512.Create(1e-7f);
        Vector512<float> x0 = Vector512.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (long i = 0; i < n; i++)
        {
            x0 = Avx512F.FusedMultiplyAdd(x0, m, a); x1 = Avx512F.FusedMultiplyAdd(x1, m, a); x2 = Avx512F.FusedMultiplyAdd(x2, m, a);
            x3 = Avx512F.FusedMultiplyAdd(x3, m, a); x4 = Avx512F.FusedMultiplyAdd(x4, m, a); x5 = Avx512F.FusedMultiplyAdd(x5, m, a);
            x6 = Avx512F.FusedMultiplyAdd(x6, m, a); x7 = Avx512F.FusedMultiplyAdd(x7, m, a); x8 = Avx512F.FusedMultiplyAdd(x8, m, a);
            x9 = Avx512F.FusedMultiplyAdd(x9, m, a); x10 = Avx512F.FusedMultiplyAdd(x10, m, a); x11 = Avx512F.FusedMultiplyAdd(x11, m, a);
        }
        return (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11).GetElement(0);
    }

    /// <summary>Longest --seconds accepted (one hour per metric).</summary>
    public const double MaxSeconds = 3600;

    /// <summary>
    /// Checks a configuration before anything is allocated: sizes at least 1, --seconds finite in (0, 3600], the input tensor
    /// B·T·I and the network (its parameter count and B·(T+1)·4H workspace, checked by the library) within array limits, and the
    /// estimated memory within what the machine has. Returns the problem, or null.
    /// </summary>
    internal static string? Check(Config c)
    {
        foreach (var (name, v) in new[] { ("--batch", c.Batch), ("--seq", c.Seq), ("--input", c.Input), ("--hidden", c.Hidden), ("--layers", c.Layers), ("--threads", c.Threads) })
            if (v < 1) return $"{name} must be at least 1 (got {v}).";
        if (!double.IsFinite(c.Seconds) || c.Seconds <= 0 || c.Seconds > MaxSeconds)
            return $"--seconds must be a number of seconds in (0, {MaxSeconds}] (got {c.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}).";
        long inputs = (long)c.Batch * c.Seq * c.Input;
        if (inputs > Array.MaxLength)
            return $"--batch {c.Batch} x --seq {c.Seq} x --input {c.Input} = {inputs:N0} input values, more than the {Array.MaxLength:N0} an array holds.";
        try
        {
            // The library refuses networks whose parameter count or workspaces overflow; nothing large is allocated here.
            var spec = new RecurrentNetworkSpec { InputSize = c.Input, HiddenSize = c.Hidden, Layers = c.Layers, OutputSize = 1, HeadMode = HeadMode.LastStep };
            long parameters = RecurrentNetwork.CreateLayout(spec).TotalLength;
            // Memory: parameters (weights, gradients, Adam moments, transposes: ~6 copies) + inputs + per-layer workspace of
            // (T + 1)·B·(4H gates, 4H pre-activations, 3H states/outputs) floats, forward and backward.
            double bytes = 4.0 * (6.0 * parameters + inputs + 2.0 * c.Layers * ((double)c.Seq + 1) * c.Batch * 11.0 * c.Hidden);
            double available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (bytes > 0.8 * available)
                return $"--batch {c.Batch}, --seq {c.Seq}, --input {c.Input}, --hidden {c.Hidden}, --layers {c.Layers} need about {bytes / 1e9:F1} GB; " +
                       $"this machine has {available / 1e9:F1} GB available. Use smaller sizes.";
        }
        catch (ArgumentException ex)
        {
            return CliErrors.Text(ex);
        }
        return null;
    }

    internal static JsonObject Run(Config c)
    {
        var spec = new RecurrentNetworkSpec { InputSize = c.Input, HiddenSize = c.Hidden, Layers = c.Layers, OutputSize = 1, HeadMode = HeadMode.LastStep };
        RecurrentNetwork net = RecurrentNetwork.Create(spec, seed: 7);
        var rng = new Random(7);
        float[] x = new float[c.Batch * c.Seq * c.Input];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        float[] y = new float[c.Batch];
        for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 2 - 1);
        var data = new SequenceDataset(x, c.Batch, c.Seq, c.Input, y, 1);

        // Three metrics (one with --train-only) of at least c.Seconds each (plus warm-up): say what is measured and how long is left, on stderr.
        int metrics = c.TrainOnly ? 1 : 3;
        var clock = Stopwatch.StartNew();
        void Step(int i, string what) => Console.Error.WriteLine(i == 0
            ? $"bench: measuring {what} ({metrics} metric{(metrics == 1 ? "" : "s")} of at least {NumberFormat.Seconds(c.Seconds)} each)"
            : $"bench: measuring {what} ({NumberFormat.Seconds(clock.Elapsed.TotalSeconds)} elapsed, about {NumberFormat.Seconds(clock.Elapsed.TotalSeconds / i * (metrics - i))} left)");

        // Training: one Adam step per epoch over exactly one mini-batch of B sequences.
        Step(0, "training");
        double trainCpuSeconds;
        double trainSeconds = Measure(c.Seconds, epochs =>
            RecurrentTrainer.Train(net, data, new TrainingOptions
            {
                Epochs = epochs, BatchSize = c.Batch, Threads = c.Threads, Shuffle = false, LearningRate = 1e-3f,
                LossFunction = Loss.MeanSquaredError, GradientClipNorm = 0,
            }), out trainCpuSeconds);

        double inferSeconds = double.NaN, streamSeconds = double.NaN, bytesPerStep = double.NaN;
        const int stepsPerRep = 1000;
        if (!c.TrainOnly)
        {
            // Batched inference (single-threaded forward over B sequences).
            Step(1, "batched inference");
            inferSeconds = Measure(c.Seconds, reps =>
            {
                for (int r = 0; r < reps; r++) net.Forward(x, c.Batch, c.Seq);
            });

            // Streaming: batch 1, one step per call.
            Step(2, "streaming");
            RecurrentStreamingEngine engine = net.CreateStreamingEngine();
            float[] step = x.AsSpan(0, c.Input).ToArray();
            for (int i = 0; i < 2 * stepsPerRep; i++) engine.Step(step);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < stepsPerRep; i++) engine.Step(step);
            bytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)stepsPerRep;
            streamSeconds = Measure(c.Seconds, reps =>
            {
                for (int r = 0; r < reps * stepsPerRep; r++) engine.Step(step);
            });
        }

        // Achieved GFLOP/s of the training step (matrix-product FLOPs, see TrainingFlops) against the FMA peak of the active ISA,
        // measured here with an FMA loop on one core and multiplied by the thread count.
        double flops = TrainingFlops(c.Batch, c.Seq, c.Input, c.Hidden, c.Layers);
        double gflops = flops / trainSeconds / 1e9;
        double peak = MeasureFmaPeak(KernelInfo.ActiveIsa);
        var result = new JsonObject
        {
            ["engine"] = $"MlNetLstm {typeof(RecurrentNetwork).Assembly.GetName().Version} ({KernelInfo.ActiveIsa})",
            ["isa"] = KernelInfo.ActiveIsa.ToString(),
            ["batch"] = c.Batch, ["seq"] = c.Seq, ["input"] = c.Input, ["hidden"] = c.Hidden, ["layers"] = c.Layers, ["threads"] = c.Threads,
            ["trainSequencesPerSecond"] = Math.Round(c.Batch / trainSeconds, 1),
            ["trainSequencesPerCpuSecond"] = Math.Round(c.Batch / trainCpuSeconds, 1),
            ["timing"] = "best of at least 5 samples (wall clock; per CPU-second: process CPU time of all threads)",
            ["trainMflopPerSequence"] = Math.Round(flops / c.Batch / 1e6, 3),
            ["trainGflopsPerSecond"] = Math.Round(gflops, 2),
        };
        if (!c.TrainOnly)
        {
            result["inferSequencesPerSecond"] = Math.Round(c.Batch / inferSeconds, 1);
            result["streamMicrosecondsPerStep"] = Math.Round(streamSeconds / stepsPerRep * 1e6, 3);
            result["streamBytesAllocatedPerStep"] = bytesPerStep;
        }
        if (peak > 0)
        {
            result["fmaPeakGflopsPerCore"] = Math.Round(peak, 1);
            result["fmaPeakSource"] = $"measured in-process: 12 independent {(KernelInfo.ActiveIsa == IsaLevel.Avx512 ? "zmm" : "ymm")} FMA chains, best of 5, one core";
            result["trainShareOfFmaPeak"] = Math.Round(gflops / (peak * c.Threads), 3);
        }
        return result;
    }

    /// <summary>
    /// Seconds per unit of <paramref name="work"/>(n) after a warm-up: n grows until one sample takes a fifth of
    /// <paramref name="minSeconds"/>, then samples are taken until <paramref name="minSeconds"/> have passed (at least 5), and the
    /// best sample is returned, so that a busy, shared machine slows the result as little as possible. <paramref name="cpuSeconds"/>
    /// gets the process CPU time per unit of that best-CPU sample (all threads together).
    /// </summary>
    private static double Measure(double minSeconds, Action<int> work, out double cpuSeconds)
    {
        work(1);
        work(1);
        int n = 1;
        double target = minSeconds / 5;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            work(n);
            double s = sw.Elapsed.TotalSeconds;
            if (s >= target) break;
            n = (int)Math.Min(int.MaxValue / 2, Math.Max(n * 2, Math.Ceiling(n * target * 1.1 / Math.Max(s, 1e-6))));
        }
        double best = double.MaxValue, bestCpu = double.MaxValue, total = 0;
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < 5 || total < minSeconds; i++)
        {
            process.Refresh();
            TimeSpan cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            work(n);
            double s = sw.Elapsed.TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            total += s;
            best = Math.Min(best, s / n);
            bestCpu = Math.Min(bestCpu, cpu / n);
        }
        cpuSeconds = bestCpu;
        return best;
    }

    private static double Measure(double minSeconds, Action<int> work) => Measure(minSeconds, work, out _);
}
