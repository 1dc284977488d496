using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MlNetLstm.Kernels;

namespace MlNetLstm.Benchmarks.Kernels;

/// <summary>
/// Element-wise kernels per path against System.Numerics.Tensors.TensorPrimitives (the baseline).
/// A path the machine cannot run returns immediately (its row then shows a near-zero time; ignore it).
/// Run: <c>dotnet run -c Release --project tests/MlNetLstm.Benchmarks -- --filter *ActivationBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class ActivationBenchmarks
{
    private float[] _x = Array.Empty<float>();
    private float[] _y = Array.Empty<float>();
    private static readonly IReadOnlyList<IsaLevel> Levels = KernelInfo.AvailableLevels;

    [Params(64, 1024, 16384)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = KernelQuickModes.Fill(new Random(1), Length);
        for (int i = 0; i < _x.Length; i++) _x[i] *= 8f;
        _y = new float[Length];
    }

    [Benchmark(Baseline = true)] public void SigmoidTensorPrimitives() => TensorPrimitives.Sigmoid(_x, _y);
    [Benchmark] public void SigmoidScalar() => Activations.SigmoidScalar(_x, _y);
    [Benchmark] public void SigmoidVector128() { if (Levels.Contains(IsaLevel.Vector128)) Activations.SigmoidVector128(_x, _y); }
    [Benchmark] public void SigmoidVector256() { if (Levels.Contains(IsaLevel.Vector256)) Activations.SigmoidVector256(_x, _y); }
    [Benchmark] public void SigmoidAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) Activations.SigmoidAvx2(_x, _y); }
    [Benchmark] public void SigmoidAvx512() { if (Levels.Contains(IsaLevel.Avx512)) Activations.SigmoidAvx512(_x, _y); }

    [Benchmark] public void TanhTensorPrimitives() => TensorPrimitives.Tanh(_x, _y);
    [Benchmark] public void TanhScalar() => Activations.TanhScalar(_x, _y);
    [Benchmark] public void TanhVector128() { if (Levels.Contains(IsaLevel.Vector128)) Activations.TanhVector128(_x, _y); }
    [Benchmark] public void TanhVector256() { if (Levels.Contains(IsaLevel.Vector256)) Activations.TanhVector256(_x, _y); }
    [Benchmark] public void TanhAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) Activations.TanhAvx2(_x, _y); }
    [Benchmark] public void TanhAvx512() { if (Levels.Contains(IsaLevel.Avx512)) Activations.TanhAvx512(_x, _y); }
}

/// <summary>Axpy, Add and Dot per path against TensorPrimitives (MultiplyAdd, Add, Dot).</summary>
[MemoryDiagnoser]
public class VectorOpsBenchmarks
{
    private float[] _x = Array.Empty<float>();
    private float[] _y = Array.Empty<float>();
    private float[] _d = Array.Empty<float>();
    private static readonly IReadOnlyList<IsaLevel> Levels = KernelInfo.AvailableLevels;

    [Params(64, 1024, 16384)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _x = KernelQuickModes.Fill(rng, Length);
        _y = KernelQuickModes.Fill(rng, Length);
        _d = new float[Length];
    }

    [Benchmark(Baseline = true)] public void AddTensorPrimitives() => TensorPrimitives.Add(_x, _y, _d);
    [Benchmark] public void AddScalar() => VectorOps.AddScalar(_x, _y, _d);
    [Benchmark] public void AddVector128() { if (Levels.Contains(IsaLevel.Vector128)) VectorOps.AddVector128(_x, _y, _d); }
    [Benchmark] public void AddVector256() { if (Levels.Contains(IsaLevel.Vector256)) VectorOps.AddVector256(_x, _y, _d); }
    [Benchmark] public void AddAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) VectorOps.AddAvx2(_x, _y, _d); }
    [Benchmark] public void AddAvx512() { if (Levels.Contains(IsaLevel.Avx512)) VectorOps.AddAvx512(_x, _y, _d); }

    // y = 0.5 x + y (TensorPrimitives.MultiplyAdd(x, 0.5, y, y) is the equivalent).
    [Benchmark] public void AxpyTensorPrimitives() => TensorPrimitives.MultiplyAdd(_x, 0.5f, _d, _d);
    [Benchmark] public void AxpyScalar() => VectorOps.AxpyScalar(0.5f, _x, _d);
    [Benchmark] public void AxpyVector128() { if (Levels.Contains(IsaLevel.Vector128)) VectorOps.AxpyVector128(0.5f, _x, _d); }
    [Benchmark] public void AxpyVector256() { if (Levels.Contains(IsaLevel.Vector256)) VectorOps.AxpyVector256(0.5f, _x, _d); }
    [Benchmark] public void AxpyAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) VectorOps.AxpyAvx2(0.5f, _x, _d); }
    [Benchmark] public void AxpyAvx512() { if (Levels.Contains(IsaLevel.Avx512)) VectorOps.AxpyAvx512(0.5f, _x, _d); }

    [Benchmark] public float DotTensorPrimitives() => TensorPrimitives.Dot(_x, _y);
    [Benchmark] public float DotScalar() => VectorOps.DotScalar(_x, _y);
    [Benchmark] public float DotVector128() => Levels.Contains(IsaLevel.Vector128) ? VectorOps.DotVector128(_x, _y) : 0f;
    [Benchmark] public float DotVector256() => Levels.Contains(IsaLevel.Vector256) ? VectorOps.DotVector256(_x, _y) : 0f;
    [Benchmark] public float DotAvx2() => Levels.Contains(IsaLevel.Avx2Fma) ? VectorOps.DotAvx2(_x, _y) : 0f;
    [Benchmark] public float DotAvx512() => Levels.Contains(IsaLevel.Avx512) ? VectorOps.DotAvx512(_x, _y) : 0f;
}
