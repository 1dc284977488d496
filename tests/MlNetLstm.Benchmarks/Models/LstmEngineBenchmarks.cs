using BenchmarkDotNet.Attributes;
using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Benchmarks.Models;

/// <summary>
/// The LSTM engine at the shapes of the PyTorch comparison (batch 64, 64 steps, 8 inputs, one layer): a training call of ten
/// steps (forward + backward + Adam on one mini-batch, MSE on the last step; the per-call workspace set-up is included and
/// amortised over the ten), one batched forward pass, and one streaming step (batch 1), with allocations (the streaming
/// step must allocate 0 bytes). Side-by-side against PyTorch:
/// peers/compare_pytorch.sh; this class tracks our own numbers between commits.
/// <c>dotnet run -c Release --project tests/MlNetLstm.Benchmarks -- --filter *LstmEngine*</c>
/// </summary>
[MemoryDiagnoser]
public class LstmEngineBenchmarks
{
    private const int Batch = 64, Steps = 64, Inputs = 8;
    private RecurrentNetwork _net = null!;
    private SequenceDataset _data = null!;
    private TrainingOptions _tenSteps = null!;
    private float[] _x = [];
    private float[] _step = [];
    private RecurrentStreamingEngine _engine = null!;

    /// <summary>Hidden units.</summary>
    [Params(32, 64, 128)]
    public int Hidden { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _x = Enumerable.Range(0, Batch * Steps * Inputs).Select(_ => (float)(2 * rng.NextDouble() - 1)).ToArray();
        float[] y = Enumerable.Range(0, Batch).Select(_ => (float)(2 * rng.NextDouble() - 1)).ToArray();
        _data = new SequenceDataset(_x, Batch, Steps, Inputs, y, 1);
        _net = RecurrentNetwork.Create(new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = Inputs, HiddenSize = Hidden, OutputSize = 1 }, 1);
        _tenSteps = new TrainingOptions { Epochs = 10, BatchSize = Batch, Threads = 1, Shuffle = false, GradientClipNorm = 0 };
        _step = _x.AsSpan(0, Inputs).ToArray();
        _engine = _net.CreateStreamingEngine();
    }

    /// <summary>One training call of ten Adam steps on a mini-batch of 64 sequences (single thread).</summary>
    [Benchmark]
    public long Train10Steps() => RecurrentTrainer.Train(_net, _data, _tenSteps).Report.OptimizerSteps;

    /// <summary>Batched inference over 64 sequences.</summary>
    [Benchmark]
    public float Forward() => _net.Forward(_x, Batch, Steps).Values[0];

    /// <summary>One streaming step (batch 1).</summary>
    [Benchmark]
    public float StreamStep() => _engine.Step(_step)[0];
}
