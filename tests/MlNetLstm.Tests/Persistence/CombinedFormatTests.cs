using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// MlNetLstm.CombinedVarianceForecaster files (seed ensembles of LSTM volatility forecasters): tests/data/persistence/combined/
/// holds a two-seed ensemble written by layout version 1 and the forecasts it made (written once with
/// the code of layout 3, frozen: never regenerated to "fix" this test); round trips are bit-exact; members that
/// cannot be saved and damaged members are named.
/// </summary>
public class CombinedFormatTests
{
    private const string FixtureName = "lstm_seed_ensemble2.mlnl";

    private static string FileOf(string name) => PersistenceTestData.File("combined", name);

    private static readonly double[] Returns = PersistenceFixtures.GarchReturns(300, 21, 0.01);

    private static CombinedVarianceModel Ensemble() => LstmVolatilityModel.SeedEnsemble(
        new LstmVolatilityOptions { Epochs = 2, HiddenSize = 4, SequenceLength = 64, BurnIn = 16, ContextLength = 64, Seed = 3 }, 2);

    [Fact]
    public void The_committed_ensemble_file_loads_and_forecasts_what_it_forecast_when_written()
    {
        JsonElement expected = JsonDocument.Parse(File.ReadAllText(FileOf("expected.json"))).RootElement;
        var f = (CombinedVarianceForecaster)ModelSerializer.Load(FileOf(FixtureName));
        f.Name.Should().Be("lstm-regime");
        f.Members.Should().HaveCount(expected.GetProperty("members").GetInt32()).And.AllBeOfType<LstmVolatilityForecaster>();
        f.Members.Cast<LstmVolatilityForecaster>().Select(m => m.Options.Seed).Should().Equal(3, 4);
        double[] want = PersistenceTestData.Doubles(expected.GetProperty("forecast_variance5"));
        double[] got = f.ForecastVariance(Returns, 5);
        for (int i = 0; i < want.Length; i++) got[i].Should().BeApproximately(want[i], 1e-5 * want[i], $"forecast {i}");
    }

    [Fact]
    public void A_saved_ensemble_loads_with_bitwise_the_same_forecasts()
    {
        CombinedVarianceForecaster f = Ensemble().Fit(Returns);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetlstm-ensemble-{Guid.NewGuid():N}.mlnl");
        try
        {
            ModelSerializer.Save(path, f);
            CombinedVarianceForecaster back = ModelSerializer.LoadCombinedForecaster(path);
            back.ForecastVariance(Returns, 7).Should().Equal(f.ForecastVariance(Returns, 7));
            back.Name.Should().Be(f.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Members_that_cannot_be_saved_and_damaged_members_are_named()
    {
        var mixed = new CombinedVarianceModel("mix", [new EwmaVarianceModel(), ArchVarianceModel.Garch()]).Fit(Returns);
        FluentActions.Invoking(() => ModelSerializer.ToArchive(mixed)).Should().Throw<NotSupportedException>().WithMessage("Member 0 of 'mix'*");

        ModelArchive good = ModelSerializer.ToArchive(Ensemble().Fit(Returns));
        ModelArchive Rebuild(Func<ArchiveEntry, ArchiveEntry?> change)
        {
            var b = new ModelArchiveBuilder(good.Kind, good.KindVersion);
            foreach (ArchiveEntry e in good.Entries)
            {
                ArchiveEntry? x = change(e);
                if (x is null) continue;
                if (x.ElementType == ArchiveElementType.Utf8) b.AddText(x.Name, x.AsText());
                else b.AddScalar(x.Name, x.AsInt32s()[0]);
            }
            return b.Build();
        }
        ArchiveEntry Text(string name, string text) => new ModelArchiveBuilder("k").AddText(name, text).Build()[name];
        ArchiveEntry Int(string name, int value) => new ModelArchiveBuilder("k").AddScalar(name, value).Build()[name];

        var truncated = Rebuild(e => e.Name == "member/1/model" ? Text(e.Name, e.AsText()[..200]) : e);
        FluentActions.Invoking(() => ModelSerializer.FromArchive(truncated)).Should().Throw<InvalidDataException>().WithMessage("*member/1/model*");
        var notBase64 = Rebuild(e => e.Name == "member/0/model" ? Text(e.Name, "not base64 !") : e);
        FluentActions.Invoking(() => ModelSerializer.FromArchive(notBase64)).Should().Throw<InvalidDataException>().WithMessage("*member/0/model*base64*");
        var missing = Rebuild(e => e.Name == "member/1/model" ? null : e);
        FluentActions.Invoking(() => ModelSerializer.FromArchive(missing)).Should().Throw<InvalidDataException>().WithMessage("*member/1/model*");
        var none = Rebuild(e => e.Name == "member_count" ? Int(e.Name, 0) : e);
        FluentActions.Invoking(() => ModelSerializer.FromArchive(none)).Should().Throw<InvalidDataException>().WithMessage("*member_count*");
    }
}
