using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Layout version 4 (issue 17): every kind writes named entries and enums by name, and every earlier layout upgrades by
/// loading and saving again: the re-saved model predicts exactly what the loaded one did.
/// </summary>
public class LayoutV4Tests
{
    private static ModelArchive ThroughBytes(ModelArchive a) => ModelFile.FromBytes(ModelFile.ToBytes(a));

    private static ModelArchive[] CurrentArchives() =>
    [
        ModelSerializer.ToArchive(Network(0)), ModelSerializer.ToArchive(ForecastModel), ModelSerializer.ToArchive(VolatilityModel),
        ModelSerializer.ToArchive(ArchFit), ModelSerializer.ToArchive(SsaModel), ModelSerializer.ToArchive(Har), Checkpoint().ToArchive(),
    ];

    [Fact]
    public void Every_kind_writes_layout_4_with_named_entries_and_enums_by_name()
    {
        string[] positional = ["options/int", "options/real", "report/int", "process/orders"];
        string[] enums =
        [
            "spec/cell", "spec/head_mode", "network/spec/cell", "network/spec/head_mode", "options/cell_type", "options/loss", "options/optimizer",
            "options/schedule", "report/stop_reason", "options/anchor", "options/forecast_method",
        ];
        foreach (ModelArchive a in CurrentArchives())
        {
            a.KindVersion.Should().Be(a.Kind == ModelKinds.ArchFit ? ModelKinds.ArchFitVersion : ModelKinds.CurrentVersion, a.Kind);
            foreach (string p in positional) a.Contains(p).Should().BeFalse($"{a.Kind} has no positional '{p}'");
            foreach (string e in enums.Where(a.Contains))
            {
                a[e].ElementType.Should().Be(ArchiveElementType.Utf8, $"{a.Kind}: enum '{e}' is stored by name");
                char.IsAsciiLetterUpper(a[e].AsText()[0]).Should().BeTrue($"{a.Kind}: '{e}' = '{a[e].AsText()}' is a C# member name");
            }
        }
        ModelSerializer.ToArchive(ForecastModel)["options/loss"].AsText().Should().Be(ForecastModel.Options.LossFunction.ToString());
        ModelSerializer.ToArchive(Har)["options/forecast_method"].AsText().Should().Be("Direct");
        ModelSerializer.ToArchive(Network(2))["spec/head_mode"].AsText().Should().Be("EveryStep");
    }

    [Fact]
    public void Every_committed_fixture_upgrades_to_layout_4_by_loading_and_saving_and_predicts_the_same()
    {
        string[] files = new[] { "v1", "v2", "v3", "combined" }
            .SelectMany(v => Directory.GetFiles(PersistenceTestData.File(v), "*.mlnl")).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        files.Should().HaveCountGreaterThanOrEqualTo(10);
        float[] input = PersistenceFixtures.Random(2 * 5 * 3, 77), extra = PersistenceFixtures.Random(2 * 5, 78);
        foreach (string file in files)
        {
            ModelFile.Load(file).KindVersion.Should().BeLessThan(ModelKinds.CurrentVersion, file);
            object old = ModelSerializer.Load(file);
            ModelArchive upgraded = ThroughBytes(old switch
            {
                RecurrentNetwork n => ModelSerializer.ToArchive(n),
                LstmForecastModel f => ModelSerializer.ToArchive(f),
                LstmVolatilityForecaster v => ModelSerializer.ToArchive(v),
                CombinedVarianceForecaster c => ModelSerializer.ToArchive(c),
                StoredArchFit g => ModelSerializer.ToArchive(g.Result),
                SsaForecaster s => ModelSerializer.ToArchive(s),
                HarModel h => ModelSerializer.ToArchive(h),
                TrainingCheckpoint c => c.ToArchive(),
                _ => throw new InvalidOperationException(old.GetType().Name),
            });
            upgraded.KindVersion.Should().Be(upgraded.Kind == ModelKinds.ArchFit ? ModelKinds.ArchFitVersion : ModelKinds.CurrentVersion, file);
            object now = ModelSerializer.FromArchive(upgraded);
            switch (old)
            {
                case RecurrentNetwork n:
                    var m = (RecurrentNetwork)now;
                    m.Parameters.ToArray().Should().Equal(n.Parameters.ToArray(), file);
                    m.Forward(input, 2, 5, extra).Values.ToArray().Should().Equal(n.Forward(input, 2, 5, extra).Values.ToArray(), file);
                    break;
                case LstmForecastModel f:
                    ((LstmForecastModel)now).Forecast(ForecastSeries, 5).Should().Equal(f.Forecast(ForecastSeries, 5), file);
                    ((LstmForecastModel)now).Options.LossFunction.Should().Be(f.Options.LossFunction, file);
                    break;
                case LstmVolatilityForecaster v:
                    var w = (LstmVolatilityForecaster)now;
                    w.Network.Parameters.ToArray().Should().Equal(v.Network.Parameters.ToArray(), file);
                    (w.Options.Anchor, w.Options.LossFunction, w.Options.Horizons, w.Inputs.Scale, w.Inputs.Garch)
                        .Should().Be((v.Options.Anchor, v.Options.LossFunction, v.Options.Horizons, v.Inputs.Scale, v.Inputs.Garch), file);
                    w.Inputs.ExogenousScales.Should().Equal(v.Inputs.ExogenousScales, file);
                    if (v.Inputs.ExogenousNames.Count == 0)
                        w.ForecastVariance(VolatilityReturns, 4).Should().Equal(v.ForecastVariance(VolatilityReturns, 4), file);
                    break;
                case CombinedVarianceForecaster c:
                    ((CombinedVarianceForecaster)now).ForecastVariance(VolatilityReturns, 5).Should().Equal(c.ForecastVariance(VolatilityReturns, 5), file);
                    break;
                case StoredArchFit g:
                    var back = (StoredArchFit)now;
                    back.Result.Forecast(10).ResidualVariance.Should().Equal(g.Result.Forecast(10).ResidualVariance, file);
                    back.Convergence.Should().Be(g.Convergence, file);
                    back.StandardErrors.Should().Equal(g.StandardErrors, file);
                    break;
                case SsaForecaster s:
                    ((SsaForecaster)now).Forecast().Values.Should().Equal(s.Forecast().Values, file);
                    ((SsaForecaster)now).Forecast().UpperBounds.Should().Equal(s.Forecast().UpperBounds, file);
                    break;
                case HarModel h:
                    ((HarModel)now).Forecast(HarProxy, 5).Should().Equal(h.Forecast(HarProxy, 5), file);
                    break;
                case TrainingCheckpoint c:
                    var d = (TrainingCheckpoint)now;
                    d.OptimizerSteps.Should().Be(c.OptimizerSteps, file);
                    d.AdamSecondMoment.ToArray().Should().Equal(c.AdamSecondMoment.ToArray(), file);
                    d.ShuffleOrder.ToArray().Should().Equal(c.ShuffleOrder.ToArray(), file);
                    break;
            }
        }
    }

    [Fact]
    public void Checkpoint_step_counts_beyond_32_bits_round_trip()
    {
        TrainingCheckpoint c = Checkpoint(steps: 17);
        var big = new TrainingCheckpoint
        {
            Network = c.Network, AdamFirstMoment = c.AdamFirstMoment.ToArray(), AdamSecondMoment = c.AdamSecondMoment.ToArray(),
            OptimizerSteps = (1L << 40) + 3, CompletedEpochs = c.CompletedEpochs, Seed = c.Seed, ShuffleOrder = c.ShuffleOrder.ToArray(),
            BestParameters = c.BestParameters.ToArray(), BestLoss = c.BestLoss, BestEpoch = c.BestEpoch, EpochsSinceBest = c.EpochsSinceBest,
            TrainingLoss = c.TrainingLoss.ToArray(), ValidationLoss = c.ValidationLoss.ToArray(), LearningRates = c.LearningRates.ToArray(),
            OptionsFingerprintText = c.OptionsFingerprintText, DataFingerprintValue = c.DataFingerprintValue,
        };
        TrainingCheckpoint.FromArchive(ThroughBytes(big.ToArchive())).OptimizerSteps.Should().Be((1L << 40) + 3);
        FluentActions.Invoking(() => TrainingCheckpoint.FromArchive(PersistenceFixtures.Edit(big.ToArchive(), "adam/steps", b => b.AddScalar("adam/steps", 2.5))))
            .Should().Throw<InvalidDataException>().WithMessage("*'adam/steps' = 2.5 is not a step count*");
    }
}
