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
    [Benchmark] public void SigmoidScalar() => Activations.Sigmoid(IsaLevel.Scalar, _x, _y);
    [Benchmark] public void SigmoidVector128() { if (Levels.Contains(IsaLevel.Vector128)) Activations.Sigmoid(IsaLevel.Vector128, _x, _y); }
    [Benchmark] public void SigmoidVector256() { if (Levels.Contains(IsaLevel.Vector256)) Activations.Sigmoid(IsaLevel.Vector256, _x, _y); }
    [Benchmark] public void SigmoidAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) Activations.Sigmoid(IsaLevel.Avx2Fma, _x, _y); }
    [Benchmark] public void SigmoidAvx512() { if (Levels.Contains(IsaLevel.Avx512)) Activations.Sigmoid(IsaLevel.Avx512, _x, _y); }

    [Benchmark] public void TanhTensorPrimitives() => TensorPrimitives.Tanh(_x, _y);
    [Benchmark] public void TanhScalar() => Activations.Tanh(IsaLevel.Scalar, _x, _y);
    [Benchmark] public void TanhVector128() { if (Levels.Contains(IsaLevel.Vector128)) Activations.Tanh(IsaLevel.Vector128, _x, _y); }
    [Benchmark] public void TanhVector256() { if (Levels.Contains(IsaLevel.Vector256)) Activations.Tanh(IsaLevel.Vector256, _x, _y); }
    [Benchmark] public void TanhAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) Activations.Tanh(IsaLevel.Avx2Fma, _x, _y); }
    [Benchmark] public void TanhAvx512() { if (Levels.Contains(IsaLevel.Avx512)) Activations.Tanh(IsaLevel.Avx512, _x, _y); }
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
    [Benchmark] public void AddScalar() => VectorOps.Add(IsaLevel.Scalar, _x, _y, _d);
    [Benchmark] public void AddVector128() { if (Levels.Contains(IsaLevel.Vector128)) VectorOps.Add(IsaLevel.Vector128, _x, _y, _d); }
    [Benchmark] public void AddVector256() { if (Levels.Contains(IsaLevel.Vector256)) VectorOps.Add(IsaLevel.Vector256, _x, _y, _d); }
    [Benchmark] public void AddAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) VectorOps.Add(IsaLevel.Avx2Fma, _x, _y, _d); }
    [Benchmark] public void AddAvx512() { if (Levels.Contains(IsaLevel.Avx512)) VectorOps.Add(IsaLevel.Avx512, _x, _y, _d); }

    // y = 0.5 x + y (TensorPrimitives.MultiplyAdd(x, 0.5, y, y) is the equivalent).
    [Benchmark] public void AxpyTensorPrimitives() => TensorPrimitives.MultiplyAdd(_x, 0.5f, _d, _d);
    [Benchmark] public void AxpyScalar() => VectorOps.Axpy(IsaLevel.Scalar, 0.5f, _x, _d);
    [Benchmark] public void AxpyVector128() { if (Levels.Contains(IsaLevel.Vector128)) VectorOps.Axpy(IsaLevel.Vector128, 0.5f, _x, _d); }
    [Benchmark] public void AxpyVector256() { if (Levels.Contains(IsaLevel.Vector256)) VectorOps.Axpy(IsaLevel.Vector256, 0.5f, _x, _d); }
    [Benchmark] public void AxpyAvx2() { if (Levels.Contains(IsaLevel.Avx2Fma)) VectorOps.Axpy(IsaLevel.Avx2Fma, 0.5f, _x, _d); }
    [Benchmark] public void AxpyAvx512() { if (Levels.Contains(IsaLevel.Avx512)) VectorOps.Axpy(IsaLevel.Avx512, 0.5f, _x, _d); }

    [Benchmark] public float DotTensorPrimitives() => TensorPrimitives.Dot(_x, _y);
    [Benchmark] public float DotScalar() => VectorOps.Dot(IsaLevel.Scalar, _x, _y);
    [Benchmark] public float DotVector128() => Levels.Contains(IsaLevel.Vector128) ? VectorOps.Dot(IsaLevel.Vector128, _x, _y) : 0f;
    [Benchmark] public float DotVector256() => Levels.Contains(IsaLevel.Vector256) ? VectorOps.Dot(IsaLevel.Vector256, _x, _y) : 0f;
    [Benchmark] public float DotAvx2() => Levels.Contains(IsaLevel.Avx2Fma) ? VectorOps.Dot(IsaLevel.Avx2Fma, _x, _y) : 0f;
    [Benchmark] public float DotAvx512() => Levels.Contains(IsaLevel.Avx512) ? VectorOps.Dot(IsaLevel.Avx512, _x, _y) : 0f;
}
