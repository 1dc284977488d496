using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
    internal sealed record Config(int Batch, int Seq, int Input, int Hidden, int Layers, int Threads, double Seconds);

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
        var lstm = new Command("lstm", "Train (forward + backward + Adam, MSE on a linear head over the last hidden state), batched inference and streaming (batch 1) of an LSTM.");
        foreach (Option o in new Option[] { batch, seq, input, hidden, layers, threads, seconds, format }) lstm.Options.Add(o);
        lstm.SetAction(pr =>
        {
            var c = new Config(pr.GetValue(batch), pr.GetValue(seq), pr.GetValue(input), pr.GetValue(hidden), pr.GetValue(layers), pr.GetValue(threads), pr.GetValue(seconds));
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

        // Three metrics of at least c.Seconds each (plus warm-up): say what is measured and how long is left, on stderr.
        var clock = Stopwatch.StartNew();
        void Step(int i, string what) => Console.Error.WriteLine(i == 0
            ? $"bench: measuring {what} (3 metrics of at least {NumberFormat.Seconds(c.Seconds)} each)"
            : $"bench: measuring {what} ({NumberFormat.Seconds(clock.Elapsed.TotalSeconds)} elapsed, about {NumberFormat.Seconds(clock.Elapsed.TotalSeconds / i * (3 - i))} left)");

        // Training: one Adam step per epoch over exactly one mini-batch of B sequences.
        Step(0, "training");
        double trainSeconds = Measure(c.Seconds, epochs =>
            RecurrentTrainer.Train(net, data, new TrainingOptions
            {
                Epochs = epochs, BatchSize = c.Batch, Threads = c.Threads, Shuffle = false, LearningRate = 1e-3f,
                Loss = LossKind.MeanSquaredError, GradientClipNorm = 0,
            }));

        // Batched inference (single-threaded forward over B sequences).
        Step(1, "batched inference");
        double inferSeconds = Measure(c.Seconds, reps =>
        {
            for (int r = 0; r < reps; r++) net.Forward(x, c.Batch, c.Seq);
        });

        // Streaming: batch 1, one step per call.
        Step(2, "streaming");
        RecurrentStreamingEngine engine = net.CreateStreamingEngine();
        float[] step = x.AsSpan(0, c.Input).ToArray();
        const int stepsPerRep = 1000;
        for (int i = 0; i < 2 * stepsPerRep; i++) engine.Step(step);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < stepsPerRep; i++) engine.Step(step);
        double bytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)stepsPerRep;
        double streamSeconds = Measure(c.Seconds, reps =>
        {
            for (int r = 0; r < reps * stepsPerRep; r++) engine.Step(step);
        });

        return new JsonObject
        {
            ["engine"] = $"MlNetLstm {typeof(RecurrentNetwork).Assembly.GetName().Version} ({KernelInfo.ActiveIsa})",
            ["batch"] = c.Batch, ["seq"] = c.Seq, ["input"] = c.Input, ["hidden"] = c.Hidden, ["layers"] = c.Layers, ["threads"] = c.Threads,
            ["trainSequencesPerSecond"] = Math.Round(c.Batch / trainSeconds, 1),
            ["inferSequencesPerSecond"] = Math.Round(c.Batch / inferSeconds, 1),
            ["streamMicrosecondsPerStep"] = Math.Round(streamSeconds / stepsPerRep * 1e6, 3),
            ["streamBytesAllocatedPerStep"] = bytesPerStep,
        };
    }

    /// <summary>Seconds per unit of <paramref name="work"/>(n), measured after a warm-up, growing n until the time is reached.</summary>
    private static double Measure(double minSeconds, Action<int> work)
    {
        work(1);
        work(1);
        int n = 1;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            work(n);
            double s = sw.Elapsed.TotalSeconds;
            if (s >= minSeconds) return s / n;
            n = (int)Math.Min(int.MaxValue / 2, Math.Max(n * 2, Math.Ceiling(n * minSeconds * 1.1 / Math.Max(s, 1e-6))));
        }
    }
}
