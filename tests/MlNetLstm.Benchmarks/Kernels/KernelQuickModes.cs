using System.Diagnostics;
using System.Runtime.Intrinsics;
using MlNetLstm.Kernels;

namespace MlNetLstm.Benchmarks.Kernels;

/// <summary>
/// Quick stopwatch measurements (no BenchmarkDotNet) for the kernel layer: GEMM GFLOP/s against the practical
/// peaks (AVX2/FMA 113 GFLOP/s per core, AVX-512 226), GEMV time per LSTM-sized product.
/// Timing lives here, never in unit tests.
/// </summary>
public static class KernelQuickModes
{
    public const double Avx2PeakGflops = 113.0;
    public const double Avx512PeakGflops = 226.0;

    public static bool TryRun(string[] args)
    {
        switch (args[0])
        {
            case "gemm-peak": GemmPeak(); return true;
            case "gemm-small": GemmSmallProbe.Run(); return true;
            case "gemv": GemvQuick(); return true;
            case "lstm-step": LstmStep(); return true;
            case "elementwise": Elementwise(); return true;
            case "kernels-quick": GemmPeak(); GemvQuick(); LstmStep(); Elementwise(); return true;
            default: return false;
        }
    }

    public static string HardwareLine()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        return $"{cpu}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, kernels {KernelInfo.Description}";
    }

    private delegate void GemmFn(bool ta, bool tb, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

    private static IEnumerable<(string Name, GemmFn Fn, double Peak)> GemmPaths()
    {
        var levels = KernelInfo.AvailableLevels;
        if (levels.Contains(IsaLevel.Avx512)) yield return ("Avx512", Gemm.MultiplyAvx512, Avx512PeakGflops);
        if (levels.Contains(IsaLevel.Avx2Fma)) yield return ("Avx2", Gemm.MultiplyAvx2, Avx2PeakGflops);
        if (levels.Contains(IsaLevel.Vector256)) yield return ("Vector256", Gemm.MultiplyVector256, Avx2PeakGflops);
        if (levels.Contains(IsaLevel.Vector128)) yield return ("Vector128", Gemm.MultiplyVector128, Avx2PeakGflops);
    }

    public static void GemmPeak()
    {
        Console.WriteLine($"# GEMM GFLOP/s, single thread — {HardwareLine()}");
        Console.WriteLine("| path | tA | tB | m | n | k | GFLOP/s | % of peak (AVX2 113 / AVX-512 226) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var shapes = new (bool ta, bool tb, int m, int n, int k)[]
        {
            (false, false, 64, 1024, 256), (false, false, 64, 2048, 512), (false, false, 64, 1024, 512), (false, false, 256, 2048, 512),
            (false, true, 64, 1024, 256), (true, false, 1024, 256, 64),
            (false, false, 1, 128, 32), (false, false, 8, 128, 8), (false, false, 64, 128, 32), (false, false, 64, 256, 64),
        };
        var rng = new Random(1);
        foreach (var (name, fn, peak) in GemmPaths())
        {
            foreach (var (ta, tb, m, n, k) in shapes)
            {
                float[] a = Fill(rng, m * k), b = Fill(rng, k * n), c = new float[m * n];
                int lda = ta ? m : k, ldb = tb ? k : n;
                double flops = 2.0 * m * n * k;
                int reps = Math.Max(1, (int)(2e8 / flops));
                var warm = Stopwatch.StartNew();
                while (warm.ElapsedMilliseconds < 150) fn(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);  // tier-1 JIT + caches
                double best = double.MaxValue;
                for (int trial = 0; trial < 7; trial++)
                {
                    var sw = Stopwatch.StartNew();
                    for (int r = 0; r < reps; r++) fn(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
                    best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
                }
                double gf = flops / best / 1e9;
                Console.WriteLine($"| {name} | {(ta ? "T" : "N")} | {(tb ? "T" : "N")} | {m} | {n} | {k} | {gf:F1} | {100 * gf / peak:F0}% |");
            }
        }
    }

    public static void GemvQuick()
    {
        Console.WriteLine($"# GEMV y += x·wT (streaming LSTM step products) — {HardwareLine()}");
        Console.WriteLine("| k | n | path | ns per call | GFLOP/s |");
        Console.WriteLine("|---|---|---|---|---|");
        var rng = new Random(2);
        foreach (var (k, n) in new[] { (8, 256), (64, 256), (128, 512), (512, 2048) })
        {
            float[] w = Fill(rng, k * n), x = Fill(rng, k), y = new float[n];
            var paths = new List<(string, Action)> { ("Scalar", () => Gemv.MultiplyTransposedAdd(IsaLevel.Scalar, w, k, n, x, y)) };
            var levels = KernelInfo.AvailableLevels;
            if (levels.Contains(IsaLevel.Vector128)) paths.Add(("Vector128", () => Gemv.MultiplyTransposedAdd(IsaLevel.Vector128, w, k, n, x, y)));
            if (levels.Contains(IsaLevel.Vector256)) paths.Add(("Vector256", () => Gemv.MultiplyTransposedAdd(IsaLevel.Vector256, w, k, n, x, y)));
            if (levels.Contains(IsaLevel.Avx2Fma)) paths.Add(("Avx2", () => Gemv.MultiplyTransposedAdd(IsaLevel.Avx2Fma, w, k, n, x, y)));
            if (levels.Contains(IsaLevel.Avx512)) paths.Add(("Avx512", () => Gemv.MultiplyTransposedAdd(IsaLevel.Avx512, w, k, n, x, y)));
            foreach (var (name, act) in paths)
            {
                int reps = Math.Max(10, (int)(5e7 / (2.0 * k * n)));
                for (int r = 0; r < reps / 10 + 10; r++) act();
                double best = double.MaxValue;
                for (int t = 0; t < 5; t++)
                {
                    Array.Clear(y);
                    var sw = Stopwatch.StartNew();
                    for (int r = 0; r < reps; r++) act();
                    best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
                }
                Console.WriteLine($"| {k} | {n} | {name} | {best * 1e9:F0} | {2.0 * k * n / best / 1e9:F1} |");
            }
        }
    }

    /// <summary>
    /// One streaming (batch-1) LSTM step through the public kernels, as a model would run it:
    /// z = b + x·W_ihT + h·W_hhT (two GEMVs), then the fused pointwise update. Reports ns per step and bytes allocated.
    /// </summary>
    public static void LstmStep()
    {
        Console.WriteLine($"# streaming LSTM step (public API, active path) — {HardwareLine()}");
        Console.WriteLine("| input I | hidden H | ns per step | bytes allocated per step |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (inp, hid) in new[] { (8, 32), (8, 64), (16, 128), (16, 512) })
        {
            var rng = new Random(5);
            float[] wih = Fill(rng, inp * 4 * hid), whh = Fill(rng, hid * 4 * hid), bias = Fill(rng, 4 * hid);
            float[] x = Fill(rng, inp), h = new float[hid], c = new float[hid], z = new float[4 * hid], gates = new float[4 * hid];
            void Step()
            {
                bias.CopyTo(z, 0);
                Gemv.MultiplyTransposedAdd(wih, inp, 4 * hid, x, z);
                Gemv.MultiplyTransposedAdd(whh, hid, 4 * hid, h, z);
                LstmPointwise.Forward(1, hid, z, c, gates, c, h);
            }
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 400) Step();
            int reps = 20000;
            double best = double.MaxValue;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 5; t++)
            {
                sw.Restart();
                for (int r = 0; r < reps; r++) Step();
                best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
            }
            double bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (5.0 * reps);
            Console.WriteLine($"| {inp} | {hid} | {best * 1e9:F0} | {bytes:F0} |");
        }
    }

    /// <summary>Element-wise kernels: ns per call per path and TensorPrimitives, at a few lengths.</summary>
    public static void Elementwise()
    {
        Console.WriteLine($"# element-wise kernels, ns per call — {HardwareLine()}");
        Console.WriteLine("| kernel | length | Scalar | Vector128 | Vector256 | Avx2 | Avx512 | TensorPrimitives |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var lv = KernelInfo.AvailableLevels;
        foreach (int len in new[] { 64, 1024, 16384 })
        {
            var rng = new Random(6);
            float[] x = Fill(rng, len), y = Fill(rng, len), d = new float[len];
            for (int i = 0; i < len; i++) x[i] *= 8f;
            float sink = 0;
            IsaLevel[] cols = { IsaLevel.Scalar, IsaLevel.Vector128, IsaLevel.Vector256, IsaLevel.Avx2Fma, IsaLevel.Avx512 };
            void Row(string name, Action<IsaLevel> path, Action peer)
                => Console.WriteLine($"| {name} | {len} | {string.Join(" | ", cols.Select(l => lv.Contains(l) ? $"{Time(() => path(l)):F0}" : "n/a"))} | {Time(peer):F0} |");
            Row("sigmoid", l => Activations.Sigmoid(l, x, d), () => System.Numerics.Tensors.TensorPrimitives.Sigmoid(x, d));
            Row("tanh", l => Activations.Tanh(l, x, d), () => System.Numerics.Tensors.TensorPrimitives.Tanh(x, d));
            Row("add", l => VectorOps.Add(l, x, y, d), () => System.Numerics.Tensors.TensorPrimitives.Add(x, y, d));
            Row("axpy", l => VectorOps.Axpy(l, 0.5f, x, d), () => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x, 0.5f, d, d));
            Row("scale", l => VectorOps.Scale(l, 1.0000001f, d), () => System.Numerics.Tensors.TensorPrimitives.Multiply(d, 1.0000001f, d));
            Row("dot", l => sink += VectorOps.Dot(l, x, y), () => sink += System.Numerics.Tensors.TensorPrimitives.Dot(x, y));
            if (sink == 12345f) Console.WriteLine();
        }
    }

    private static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 300) a();  // past tier-0 and call counting
        double best = double.MaxValue;
        for (int t = 0; t < 5; t++)
        {
            int reps = 2000;
            sw.Restart();
            for (int r = 0; r < reps; r++) a();
            best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
        }
        return best * 1e9;
    }

    internal static float[] Fill(Random rng, int len)
    {
        var a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}

/// <summary>Packed vs direct GEMM at the LSTM step shapes, to choose the small-problem threshold.</summary>
public static class GemmSmallProbe
{
    public static void Run()
    {
        Console.WriteLine("| m | n | k | packed Avx2 GF | direct Avx2 GF | packed Avx512 8x32 GF | packed Avx512 6x32 GF | direct Avx512 GF |");
        var rng = new Random(3);
        var shapes = new List<(int m, int n, int k)>();
        foreach (int k in new[] { 8, 32 }) foreach (int m in new[] { 1, 4, 8, 64 }) shapes.Add((m, 128, k));
        shapes.AddRange(new[] { (8, 256, 64), (8, 64, 256), (8, 512, 128), (8, 128, 512), (8, 1024, 256), (8, 256, 1024), (16, 256, 64), (32, 256, 64), (64, 512, 128), (64, 1024, 64), (64, 256, 256), (256, 512, 128), (16, 2048, 512), (4, 2048, 512), (64, 2048, 128) });
        foreach (var (m, n, k) in shapes)
            {
                float[] a = KernelQuickModes.Fill(rng, m * k), b = KernelQuickModes.Fill(rng, k * n), c = new float[m * n];
                double T(Action f)
                {
                    var sw = Stopwatch.StartNew();
                    while (sw.ElapsedMilliseconds < 40) f();
                    double best = double.MaxValue;
                    for (int t = 0; t < 5; t++)
                    {
                        int reps = 2000;
                        sw.Restart();
                        for (int r = 0; r < reps; r++) f();
                        best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
                    }
                    return 2.0 * m * n * k / best / 1e9;
                }
                double p2 = T(() => Gemm.MultiplyPackedAvx2(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
                double d2 = T(() => Gemm.MultiplyDirectAvx2(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
                double p5 = T(() => Gemm.MultiplyPackedAvx512(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
                double p6 = T(() => GemmDriver.Run<GemmSimdKernel<Avx512Simd, System.Runtime.Intrinsics.Vector512<float>>>(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
                double d5 = T(() => Gemm.MultiplyDirectAvx512(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
                Console.WriteLine($"| {m} | {n} | {k} | {p2:F1} | {d2:F1} | {p5:F1} | {p6:F1} | {d5:F1} |");
            }
    }
}
