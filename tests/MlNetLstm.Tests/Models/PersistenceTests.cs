using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Tests.Models;

public class RecurrentPersistenceTests
{
    [Theory]
    [InlineData("lstm-regime-peephole-2layer")]
    [InlineData("gru-2layer-bidirectional")]
    [InlineData("rnn-2layer-head-every")]
    public void Network_round_trips_through_a_model_file(string variant)
    {
        var spec = GradientCheckTests.SpecFor(variant);
        var net = RecurrentNetwork.Create(spec, 12);
        var loaded = RecurrentNetwork.FromArchive(ModelFile.FromBytes(ModelFile.ToBytes(net.ToArchive())));
        loaded.Spec.Should().BeEquivalentTo(spec, o => o.Excluding(s => s.ForgetGateModifier));
        loaded.Parameters.ToArray().Should().Equal(net.Parameters.ToArray());
        var x = GradientCheckTests.Random(2 * 4 * spec.InputSize, 1);
        var e = spec.ExtraInputSize > 0 ? GradientCheckTests.Random(2 * 4 * spec.ExtraInputSize, 2) : [];
        loaded.Forward(x, 2, 4, e).Values.ToArray().Should().Equal(net.Forward(x, 2, 4, e).Values.ToArray());
    }

    [Fact]
    public void Wrong_kind_and_unknown_modifier_are_rejected()
    {
        var other = new ModelArchiveBuilder("Something.Else").AddScalar("x", 1).Build();
        FluentActions.Invoking(() => RecurrentNetwork.FromArchive(other)).Should().Throw<InvalidDataException>();
        FluentActions.Invoking(() => LstmForecastModel.FromArchive(other)).Should().Throw<InvalidDataException>();
        var spec = new RecurrentNetworkSpec { InputSize = 2, HiddenSize = 3, ForgetGateModifier = new ScaledModifier() };
        var archive = RecurrentNetwork.Create(spec, 1).ToArchive();
        FluentActions.Invoking(() => RecurrentNetwork.FromArchive(archive)).Should().Throw<InvalidDataException>().WithMessage("*'scaled'*modifierFactory*");
        RecurrentNetwork.FromArchive(archive, (name, extra) => name == "scaled" && extra == 1 ? new ScaledModifier() : throw new InvalidOperationException())
            .Spec.ForgetGateModifier.Should().BeOfType<ScaledModifier>();
    }

    /// <summary>m = w ⊙ e (one weight per unit).</summary>
    private sealed class ScaledModifier : IForgetGateModifier
    {
        public string Name => "scaled";
        public int ExtraInputSize => 1;
        public IReadOnlyList<(string Name, int[] Shape)> GetParameterShapes(int hiddenSize) => [("w", [hiddenSize])];
        public void InitializeParameters(Span<float> parameters, int hiddenSize) => parameters.Fill(0.5f);
        public void Forward(ReadOnlySpan<float> p, int batch, int h, ReadOnlySpan<float> extra, Span<float> term)
        {
            for (int b = 0; b < batch; b++) for (int j = 0; j < h; j++) term[b * h + j] = p[j] * extra[b];
        }
        public void Backward(ReadOnlySpan<float> p, int batch, int h, ReadOnlySpan<float> extra, ReadOnlySpan<float> dm, Span<float> g)
        {
            for (int b = 0; b < batch; b++) for (int j = 0; j < h; j++) g[j] += dm[b * h + j] * extra[b];
        }
    }

    [Fact]
    public void Forecaster_round_trips_with_options_standardisation_and_report()
    {
        var series = Enumerable.Range(0, 90).Select(t => (float)(5 + Math.Sin(t / 2.0))).ToArray();
        var model = LstmForecaster.Fit(series, new LstmForecasterOptions { WindowSize = 8, Horizon = 2, HiddenSize = 5, Epochs = 3, ValidationFraction = 0.2 });
        var loaded = LstmForecastModel.FromArchive(ModelFile.FromBytes(ModelFile.ToBytes(model.ToArchive())));
        loaded.Options.Should().Be(model.Options);
        loaded.FeatureMeans.Should().Equal(model.FeatureMeans);
        loaded.Report.TrainingLoss.Should().Equal(model.Report.TrainingLoss);
        loaded.Report.StopReason.Should().Be(model.Report.StopReason);
        loaded.Predict(series.AsSpan(82)).Should().Equal(model.Predict(series.AsSpan(82)));
    }
}
