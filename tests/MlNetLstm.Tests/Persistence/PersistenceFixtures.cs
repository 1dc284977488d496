using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Ssa;
using MlNetLstm.Training;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Neural;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Tests.Persistence;

/// <summary>Small, deterministic fitted models of every kind (built once per test run).</summary>
internal static class PersistenceFixtures
{
    /// <summary>GARCH(1,1) returns (percent scale): omega 0.05, alpha 0.08, beta 0.9, normal innovations.</summary>
    public static double[] GarchReturns(int n, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        var r = new double[n];
        double h = 0.05 / (1 - 0.98), e = 0;
        for (int t = 0; t < n; t++)
        {
            h = 0.05 + 0.08 * e * e + 0.9 * h;
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            e = Math.Sqrt(h) * z;
            r[t] = scale * (0.02 + e);
        }
        return r;
    }

    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => scale * (2f * rng.NextSingle() - 1f)).ToArray();
    }

    public static readonly RecurrentNetworkSpec[] NetworkSpecs =
    [
        new() { InputSize = 3, HiddenSize = 4, Layers = 2, Peepholes = true, CoupledGates = true, OutputSize = 2, ForgetGateModifier = new RegimeForgetModifier(1, 0.3f) },
        new() { Cell = CellType.Gru, InputSize = 2, HiddenSize = 3, Layers = 2, Bidirectional = true, OutputSize = 1 },
        new() { Cell = CellType.Rnn, InputSize = 2, HiddenSize = 5, OutputSize = 2, HeadMode = HeadMode.EveryStep },
        new() { InputSize = 3, HiddenSize = 4, Layers = 2, Bidirectional = true },
    ];

    public static RecurrentNetwork Network(int i) => RecurrentNetwork.Create(NetworkSpecs[i], 100 + i);

    public static readonly float[] ForecastSeries = Enumerable.Range(0, 120).Select(t => (float)(5 + Math.Sin(t / 3.0) + 0.3 * Math.Cos(t / 7.0))).ToArray();

    private static readonly Lazy<LstmForecastModel> ForecastLazy = new(() => LstmForecaster.Fit(ForecastSeries,
        new LstmForecasterOptions { WindowSize = 8, Horizon = 2, HiddenSize = 5, Epochs = 3, ValidationFraction = 0.2, Threads = 1, Seed = 7 }));

    public static LstmForecastModel ForecastModel => ForecastLazy.Value;

    public static readonly double[] VolatilityReturns = GarchReturns(400, 11);

    private static readonly Lazy<LstmVolatilityForecaster> VolatilityLazy = new(() => new LstmVolatilityModel(new LstmVolatilityOptions
    {
        HiddenSize = 4, SequenceLength = 48, BurnIn = 12, ContextLength = 60, Epochs = 2, BatchSize = 4, Threads = 1, Seed = 3,
    }).Fit(VolatilityReturns));

    public static LstmVolatilityForecaster VolatilityModel => VolatilityLazy.Value;

    public static readonly double[] ArchReturns = GarchReturns(600, 21);

    private static readonly Lazy<ArchFitResult> ArchLazy = new(() => ArchModel.Create(ArchReturns, new ConstantMean(), new Garch(1, 1), new StudentsT()).Fit());

    public static ArchFitResult ArchFit => ArchLazy.Value;

    /// <summary>Quick fits at fixed parameters for every mean / process / distribution kind.</summary>
    public static IEnumerable<ArchFitResult> ArchVariants()
    {
        double[] r = ArchReturns;
        yield return ArchModel.Create(r, new ArMean(2), new GjrGarch(1, 1, 1), new SkewedStudentsT()).FixedParameters([0.02, 0.05, -0.03, 0.05, 0.05, 0.04, 0.88, 8, -0.1]);
        yield return ArchModel.Create(r, new ZeroMean(), new Egarch(), new Ged()).FixedParameters([0.01, 0.1, -0.05, 0.95, 1.5]);
        yield return ArchModel.Create(r, new ConstantMean(), new Ewma(0.9), new Normal()).FixedParameters([0.02]);
        yield return ArchModel.Create(r, new ConstantMean(), new ConstantVariance(), new StudentsT()).FixedParameters([0.02, 1.5, 6]);
        yield return ArchModel.Create(r, new ConstantMean(), new Garch(2, 1), new Normal()).FixedParameters([0.02, 0.05, 0.05, 0.03, 0.9]);
    }

    public static readonly double[] SsaSeries = Enumerable.Range(0, 160).Select(t => Math.Sin(t / 5.0) + 0.5 * Math.Sin(t / 13.0) + 0.05 * Math.Cos(t * 1.7)).ToArray();

    public static readonly SsaOptions SsaOptions = new() { WindowSize = 12, Rank = 4, TrainSize = 140, Horizon = 6, SeriesLength = 100 };

    private static readonly Lazy<SsaForecaster> SsaLazy = new(() => SsaForecaster.Fit(SsaSeries, SsaOptions));

    public static SsaForecaster SsaModel => SsaLazy.Value;

    public static readonly double[] HarProxy = GarchReturns(300, 31).Select(x => x * x).ToArray();

    public static readonly HarOptions HarOptions = new() { Log = true, ForecastMethod = HarForecastMethod.Direct, MaxHorizon = 5 };

    private static readonly Lazy<HarModel> HarLazy = new(() => HarModel.Fit(HarProxy, HarOptions));

    public static HarModel Har => HarLazy.Value;

    public static TrainingCheckpoint Checkpoint(int size = 0, int steps = 17)
    {
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = size > 0 ? size : 3, OutputSize = 1 };
        RecurrentNetwork net = RecurrentNetwork.Create(spec, steps);
        int p = net.ParameterCount;
        TrainingCheckpoint.ReplayShuffle(5, 10, 3, true, out int[] order);
        return new TrainingCheckpoint
        {
            Network = net,
            AdamFirstMoment = Random(p, steps + 1, 0.01f),
            AdamSecondMoment = Random(p, steps + 2).Select(Math.Abs).ToArray(),
            OptimizerSteps = steps,
            CompletedEpochs = 3,
            Seed = 5,
            ShuffleOrder = order,
            BestParameters = Random(p, steps + 3),
            BestLoss = 0.25,
            BestEpoch = 1,
            EpochsSinceBest = 1,
            TrainingLoss = new[] { 0.5, 0.3, 0.31 },
            ValidationLoss = new[] { 0.4, 0.25, 0.26 },
            LearningRates = new[] { 1e-3f, 1e-3f, 5e-4f },
            OptionsFingerprintText = TrainingCheckpoint.OptionsFingerprint(new TrainingOptions { Seed = 5, Epochs = 10 }),
            DataFingerprintValue = 0xDEADBEEF,
        };
    }

    /// <summary>A copy of <paramref name="a"/> with entry <paramref name="name"/> replaced (or removed when <paramref name="add"/> is null).</summary>
    public static ModelArchive Edit(ModelArchive a, string name, Action<ModelArchiveBuilder>? add, string? kind = null, int? kindVersion = null)
    {
        var b = new ModelArchiveBuilder(kind ?? a.Kind, kindVersion ?? a.KindVersion);
        bool found = false;
        foreach (ArchiveEntry e in a.Entries)
        {
            if (e.Name == name) { found = true; add?.Invoke(b); continue; }
            Copy(b, e);
        }
        if (!found) add?.Invoke(b);
        return b.Build();
    }

    public static void Copy(ModelArchiveBuilder b, ArchiveEntry e, string? name = null)
    {
        int[] shape = e.Shape.ToArray();
        name ??= e.Name;
        switch (e.ElementType)
        {
            case ArchiveElementType.Float32: b.Add(name, e.AsSingles(), shape.Length == 0 ? [] : shape); break;
            case ArchiveElementType.Float64: b.Add(name, e.AsDoubles(), shape.Length == 0 ? [] : shape); break;
            case ArchiveElementType.Int32: b.Add(name, e.AsInt32s(), shape.Length == 0 ? [] : shape); break;
            default: b.AddText(name, e.AsText()); break;
        }
    }
}
