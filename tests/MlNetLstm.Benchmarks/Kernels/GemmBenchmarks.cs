using BenchmarkDotNet.Attributes;
using MlNetLstm.Kernels;

namespace MlNetLstm.Benchmarks.Kernels;

/// <summary>
/// SGEMM per path at the LSTM shapes (C[m, n] = A[m, k] B[k, n]; n = 4H). GFLOP/s = 2 m n k / time; the quick
/// <c>gemm-peak</c> mode prints GFLOP/s and % of peak directly. Paths the machine cannot run return immediately.
/// </summary>
public class GemmBenchmarks
{
    private float[] _a = Array.Empty<float>(), _b = Array.Empty<float>(), _c = Array.Empty<float>();
    private static readonly IReadOnlyList<IsaLevel> Levels = KernelInfo.AvailableLevels;

    /// <summary>"m,n,k" shapes: streaming-ish, training step, large.</summary>
    [Params("1,256,64", "64,128,32", "64,256,64", "64,1024,256", "64,2048,512")]
    public string Shape { get; set; } = "64,1024,256";

    private int M => int.Parse(Shape.Split(',')[0]);
    private int N => int.Parse(Shape.Split(',')[1]);
    private int K => int.Parse(Shape.Split(',')[2]);
    private int _m, _n, _k;

    [GlobalSetup]
    public void Setup()
    {
        (_m, _n, _k) = (M, N, K);
        var rng = new Random(3);
        _a = KernelQuickModes.Fill(rng, _m * _k);
        _b = KernelQuickModes.Fill(rng, _k * _n);
        _c = new float[_m * _n];
    }

    [Benchmark(Baseline = true)] public void Scalar() => Gemm.MultiplyScalar(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n);
    [Benchmark] public void Vector128() { if (Levels.Contains(IsaLevel.Vector128)) Gemm.MultiplyVector128(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n); }
    [Benchmark] public void Vector256() { if (Levels.Contains(IsaLevel.Vector256)) Gemm.MultiplyVector256(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n); }
    [Benchmark] public void Avx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) Gemm.MultiplyAvx2(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n); }
    [Benchmark] public void Avx512() { if (Levels.Contains(IsaLevel.Avx512)) Gemm.MultiplyAvx512(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n); }
    /// <summary>Backward weight gradient dW += dZ^T X (transposeA, beta = 1) through the public API.</summary>
    [Benchmark] public void PublicTransposedABeta1() => Gemm.Multiply(true, false, _k, _n, _m, 1f, _a, _k, _c, _n, 1f, _b, _n);
}

/// <summary>GEMV y += x·wT per path at the streaming LSTM shapes (k inputs, n = 4H outputs).</summary>
public class GemvBenchmarks
{
    private float[] _w = Array.Empty<float>(), _x = Array.Empty<float>(), _y = Array.Empty<float>();
    private static readonly IReadOnlyList<IsaLevel> Levels = KernelInfo.AvailableLevels;

    [Params("8,256", "64,256", "128,512", "512,2048")]
    public string Shape { get; set; } = "64,256";

    private int _k, _n;

    [GlobalSetup]
    public void Setup()
    {
        _k = int.Parse(Shape.Split(',')[0]);
        _n = int.Parse(Shape.Split(',')[1]);
        var rng = new Random(4);
        _w = KernelQuickModes.Fill(rng, _k * _n);
        _x = KernelQuickModes.Fill(rng, _k);
        _y = new float[_n];
    }

    [Benchmark(Baseline = true)] public void Scalar() => Gemv.MultiplyTransposedAdd(IsaLevel.Scalar, _w, _k, _n, _x, _y);
    [Benchmark] public void Vector128() { if (Levels.Contains(IsaLevel.Vector128)) Gemv.MultiplyTransposedAdd(IsaLevel.Vector128, _w, _k, _n, _x, _y); }
    [Benchmark] public void Vector256() { if (Levels.Contains(IsaLevel.Vector256)) Gemv.MultiplyTransposedAdd(IsaLevel.Vector256, _w, _k, _n, _x, _y); }
    [Benchmark] public void Avx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) Gemv.MultiplyTransposedAdd(IsaLevel.Avx2Fma, _w, _k, _n, _x, _y); }
    [Benchmark] public void Avx512() { if (Levels.Contains(IsaLevel.Avx512)) Gemv.MultiplyTransposedAdd(IsaLevel.Avx512, _w, _k, _n, _x, _y); }
}
