using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Ssa;
using MlNetLstm.Training;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Persistence;

public sealed class ModelSerializerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetlstm-serializer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static ModelArchive ThroughBytes(ModelArchive a) => ModelFile.FromBytes(ModelFile.ToBytes(a));

    private static int[] Bits(ReadOnlySpan<float> v) => v.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Networks_of_every_variant_round_trip_bit_for_bit(int variant)
    {
        RecurrentNetwork net = Network(variant);
        string path = PathOf("net.mlnl");
        ModelSerializer.Save(path, net);
        RecurrentNetwork loaded = ModelSerializer.LoadRecurrentNetwork(path);
        ModelSerializer.Load(path).Should().BeOfType<RecurrentNetwork>();
        RecurrentNetworkSpec s = net.Spec;
        loaded.Spec.Should().Be(s with { ForgetGateModifier = loaded.Spec.ForgetGateModifier });
        if (s.ForgetGateModifier is RegimeForgetModifier m)
            loaded.Spec.ForgetGateModifier.Should().BeOfType<RegimeForgetModifier>().Which.InitialBeta.Should().Be(m.InitialBeta);
        Bits(loaded.Parameters).Should().Equal(Bits(net.Parameters));
        loaded.Layout.Views.Select(v => (v.Name, string.Join("x", v.Shape))).Should().Equal(net.Layout.Views.Select(v => (v.Name, string.Join("x", v.Shape))));
        float[] x = PersistenceFixtures.Random(2 * 5 * s.InputSize, 1);
        float[] e = s.ExtraInputSize > 0 ? PersistenceFixtures.Random(2 * 5 * s.ExtraInputSize, 2) : [];
        Bits(loaded.Forward(x, 2, 5, e).Values).Should().Equal(Bits(net.Forward(x, 2, 5, e).Values));
    }

    [Fact]
    public void Forecast_model_round_trips_with_scaler_options_and_report()
    {
        LstmForecastModel model = ForecastModel;
        string path = PathOf("forecast.mlnl");
        ModelSerializer.Save(path, model);
        LstmForecastModel loaded = ModelSerializer.LoadForecastModel(path);
        loaded.Options.Should().Be(model.Options);
        loaded.FeatureMeans.Should().Equal(model.FeatureMeans);
        loaded.FeatureStdDevs.Should().Equal(model.FeatureStdDevs);
        loaded.Report.Should().BeEquivalentTo(model.Report);
        float[] window = ForecastSeries[^8..];
        loaded.Predict(window).Should().Equal(model.Predict(window));
        loaded.Forecast(ForecastSeries, 5).Should().Equal(model.Forecast(ForecastSeries, 5));
    }

    [Fact]
    public void Lstm_volatility_forecaster_round_trips_with_scale_options_and_training_summary()
    {
        LstmVolatilityForecaster model = VolatilityModel;
        string path = PathOf("vol.mlnl");
        ModelSerializer.Save(path, model);
        LstmVolatilityForecaster loaded = ModelSerializer.LoadVolatilityForecaster(path);
        loaded.Name.Should().Be(model.Name);
        loaded.Options.Should().Be(model.Options);
        loaded.Scale.Should().Be(model.Scale);
        loaded.Training.TrainLoss.Should().Equal(model.Training.TrainLoss);
        loaded.Training.ValidationLoss.Should().Equal(model.Training.ValidationLoss);
        loaded.Training.StopReason.Should().Be(model.Training.StopReason);
        loaded.RegimeBeta.Should().Equal(model.RegimeBeta);
        loaded.ForecastVariance(VolatilityReturns, 4).Should().Equal(model.ForecastVariance(VolatilityReturns, 4));
    }

    [Fact]
    public void Garch_fit_round_trips_with_forecasts_and_estimation_summary()
    {
        ArchFitResult fit = ArchFit;
        string path = PathOf("garch.mlnl");
        ModelSerializer.Save(path, fit);
        StoredArchFit stored = ModelSerializer.LoadArchFit(path);
        stored.Result.Values.Should().Equal(fit.Values);
        stored.Result.ParameterNames.Should().Equal(fit.ParameterNames);
        stored.Result.Backcast.Should().Be(fit.Backcast);
        stored.Result.ConditionalVariances.Should().Equal(fit.ConditionalVariances);
        stored.Convergence.Should().Be(fit.Convergence);
        stored.LogLikelihood.Should().Be(fit.LogLikelihood);
        stored.StandardErrors.Should().Equal(fit.StandardErrors);
        stored.RobustStandardErrors.Should().Equal(fit.RobustStandardErrors);
        stored.Result.Forecast(10).ResidualVariance.Should().Equal(fit.Forecast(10).ResidualVariance);
        stored.Result.Forecast(10).Mean.Should().Equal(fit.Forecast(10).Mean);
        var sim = new ForecastOptions { Method = ForecastMethod.Bootstrap, Simulations = 200 };
        stored.Result.Forecast(3, sim).ResidualVariance.Should().Equal(fit.Forecast(3, sim).ResidualVariance);
    }

    [Fact]
    public void Every_mean_process_and_distribution_kind_round_trips()
    {
        foreach (ArchFitResult fit in ArchVariants())
        {
            ArchFitResult back = ModelSerializer.ReadArchFit(ThroughBytes(ModelSerializer.ToArchive(fit))).Result;
            string what = $"{fit.Model.Mean.Name}/{fit.Model.Volatility.Name}/{fit.Model.Distribution.Name}";
            back.Model.Mean.Name.Should().Be(fit.Model.Mean.Name, what);
            back.Model.Volatility.Name.Should().Be(fit.Model.Volatility.Name, what);
            back.Model.Distribution.Name.Should().Be(fit.Model.Distribution.Name, what);
            back.Values.Should().Equal(fit.Values, what);
            var options = new ForecastOptions { Simulations = 100 };
            back.Forecast(5, options).ResidualVariance.Should().Equal(fit.Forecast(5, options).ResidualVariance, what);
        }
    }

    [Fact]
    public void Ssa_forecaster_round_trips_and_refuses_a_series_it_was_not_fitted_on()
    {
        SsaForecaster model = SsaModel;
        string path = PathOf("ssa.mlnl");
        ModelSerializer.Save(path, model, SsaSeries);
        SsaForecaster loaded = ModelSerializer.LoadSsaForecaster(path);
        loaded.Forecast().Values.Should().Equal(model.Forecast().Values);
        loaded.Forecast().LowerBounds.Should().Equal(model.Forecast().LowerBounds);
        loaded.ObservationCount.Should().Be(model.ObservationCount);
        loaded.Forecast(SsaSeries.AsSpan(0, 150), 4).Values.Should().Equal(model.Forecast(SsaSeries.AsSpan(0, 150), 4).Values);
        double[] other = SsaSeries.Select((v, i) => i == 150 ? v + 1 : v).ToArray();
        FluentActions.Invoking(() => ModelSerializer.ToArchive(model, other)).Should().Throw<ArgumentException>().WithMessage("*not the series this forecaster was fitted on*");
    }

    [Fact]
    public void Har_model_round_trips_and_refuses_a_proxy_it_was_not_fitted_on()
    {
        HarModel model = Har;
        string path = PathOf("har.mlnl");
        ModelSerializer.Save(path, model, HarProxy);
        HarModel loaded = ModelSerializer.LoadHarModel(path);
        loaded.Regressions.SelectMany(r => r.Coefficients).Should().Equal(model.Regressions.SelectMany(r => r.Coefficients));
        loaded.Forecast(HarProxy, 5).Should().Equal(model.Forecast(HarProxy, 5));
        FluentActions.Invoking(() => ModelSerializer.ToArchive(model, HarProxy.AsSpan(1))).Should().Throw<ArgumentException>().WithMessage("*not the proxy this model was fitted on*");
    }

    [Fact]
    public void Generic_load_dispatches_on_the_kind_and_rejects_unknown_kinds()
    {
        string path = PathOf("any.mlnl");
        ModelSerializer.Save(path, ForecastModel);
        ModelSerializer.Load(path).Should().BeOfType<LstmForecastModel>();
        ModelFile.Save(path, new ModelArchiveBuilder("Somebody.Else").AddScalar("x", 1).Build());
        FluentActions.Invoking(() => ModelSerializer.Load(path)).Should().Throw<InvalidDataException>().WithMessage($"*{path}*Unknown model kind 'Somebody.Else'*");
        FluentActions.Invoking(() => ModelSerializer.LoadHarModel(path)).Should().Throw<InvalidDataException>().WithMessage("*holds a 'Somebody.Else', not a 'MlNetLstm.HarModel'*");
    }

    [Fact]
    public void A_newer_kind_version_is_refused_with_an_upgrade_message()
    {
        ModelArchive a = Edit(ModelSerializer.ToArchive(Network(1)), "none", null, kindVersion: ModelKinds.CurrentVersion + 1);
        FluentActions.Invoking(() => ModelSerializer.ReadRecurrentNetwork(a)).Should().Throw<InvalidDataException>().WithMessage("*layout version 5 is newer*upgrade*");
        // Versions between the legacy layout and the current one were never written for this kind.
        ModelArchive gap = Edit(ModelSerializer.ToArchive(Network(1)), "none", null, kindVersion: 2);
        FluentActions.Invoking(() => ModelSerializer.ReadRecurrentNetwork(gap)).Should().Throw<InvalidDataException>().WithMessage("*layout version 2 was never written (this library reads 1, 4)*");
    }

    public static TheoryData<string, Action<ModelArchiveBuilder>?, string> NetworkCorruptions => new()
    {
        { "param/weight_hh_l0", b => b.Add("param/weight_hh_l0", new float[12], 3, 4), "*'param/weight_hh_l0' has shape [3, 4], expected [9, 3]*" },
        { "param/weight_hh_l0", b => b.Add("param/weight_hh_l0", new float[27], 27), "*'param/weight_hh_l0' has shape [27], expected [9, 3]*" },
        { "param/weight_hh_l0", b => b.Add("param/weight_hh_l0", new double[27], 9, 3), "*'param/weight_hh_l0' holds Float64, expected Float32*" },
        { "param/weight_hh_l0", b => b.Add("param/weight_hh_l0", Enumerable.Repeat(float.NaN, 27).ToArray(), 9, 3), "*'param/weight_hh_l0' holds NaN at index 0*" },
        { "param/weight_hh_l0", null, "*no entry 'param/weight_hh_l0'*" },
        { "param/extra_l0", b => b.Add("param/extra_l0", new float[3]), "*'extra_l0', which a network with the stored spec does not have*" },
        { "spec/hidden", b => b.AddScalar("spec/hidden", 100000), "*needs * parameters but the file holds only*" },
        { "spec/hidden", b => b.AddScalar("spec/hidden", int.MaxValue - 15), "*needs * parameters but the file holds only*" }, // products overflow a long
        { "spec/hidden", b => b.AddScalar("spec/hidden", 4), "*'param/weight_ih_l0' has shape [9, 2], expected [12, 2]*" },
        { "spec/hidden", b => b.AddScalar("spec/hidden", 0), "*'spec/hidden' = 0 is outside*" },
        { "spec/cell", b => b.AddText("spec/cell", "Lstm2"), "*'spec/cell' = 'Lstm2' is not a known CellType (one of Lstm, Gru, Rnn)*" },
        { "spec/cell", b => b.AddText("spec/cell", "2"), "*'spec/cell' = '2' is not a known CellType*" }, // enums are stored by name, never by number
        { "spec/cell", b => b.AddScalar("spec/cell", 2.0), "*'spec/cell' holds Float64, expected Utf8*" },
        { "spec/bidirectional", b => b.AddScalar("spec/bidirectional", 2), "*'spec/bidirectional' = 2 is outside [0, 1]*" },
        { "spec/layers", b => b.Add("spec/layers", new[] { 2, 2 }), "*'spec/layers' must be a scalar*" },
        { "spec/peepholes", b => b.AddScalar("spec/peepholes", 1), "*apply to LSTM cells only*" },
        { "spec/modifier", b => b.AddText("spec/modifier", "custom"), "*modifier 'custom'*modifierFactory*" },
    };

    [Theory]
    [MemberData(nameof(NetworkCorruptions))]
    public void Inconsistent_network_files_are_rejected_with_the_entry_and_the_problem(string entry, Action<ModelArchiveBuilder>? replacement, string message)
    {
        ModelArchive a = ThroughBytes(Edit(ModelSerializer.ToArchive(Network(1)), entry, replacement));
        FluentActions.Invoking(() => ModelSerializer.ReadRecurrentNetwork(a)).Should().Throw<InvalidDataException>().WithMessage(message);
    }

    [Fact]
    public void Inconsistent_forecaster_files_are_rejected()
    {
        ModelArchive a = ModelSerializer.ToArchive(ForecastModel);
        void Rejects(ModelArchive bad, string message) =>
            FluentActions.Invoking(() => ModelSerializer.ReadForecastModel(bad)).Should().Throw<InvalidDataException>().WithMessage(message);
        Rejects(Edit(a, "std", b => b.Add("std", new[] { 0.0 })), "*'std' holds 0 at index 0*positive*");
        Rejects(Edit(a, "mean", b => b.Add("mean", new[] { 1.0, 2.0 })), "*'mean' has 2 values, expected 1*");
        Rejects(Edit(a, "target", b => b.AddScalar("target", 1)), "*'target' = 1 is outside [0, 0]*");
        // hidden size no longer matches the network
        Rejects(Edit(a, "options/hidden_size", b => b.AddScalar("options/hidden_size", 6)), "*stored network*does not match the stored options*");
        Rejects(Edit(a, "options/loss", b => b.AddText("options/loss", "Hinge")), "*'options/loss' = 'Hinge' is not a known LossKind*");
        Rejects(Edit(a, "options/window_size", b => b.AddScalar("options/window_size", 0)), "*options are invalid*WindowSize*");
        Rejects(Edit(a, "report/stop_reason", b => b.AddText("report/stop_reason", "Bored")), "*'report/stop_reason' = 'Bored' is not a known StopReason*");
        Rejects(Edit(a, "options/bidirectional", b => b.AddScalar("options/bidirectional", 2)), "*'options/bidirectional' = 2 is outside [0, 1]*");
    }

    [Fact]
    public void Inconsistent_volatility_garch_ssa_and_har_files_are_rejected()
    {
        ModelArchive v = ModelSerializer.ToArchive(VolatilityModel);
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(v, "options/hidden_size", b => b.AddScalar("options/hidden_size", 5))))
            .Should().Throw<InvalidDataException>().WithMessage("*stored network*does not match the stored options*");
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(v, "scale", b => b.AddScalar("scale", -1.0))))
            .Should().Throw<InvalidDataException>().WithMessage("*'scale' = -1 must be positive*");
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(v, "options/ewma_lambda", b => b.AddScalar("options/ewma_lambda", 1.5))))
            .Should().Throw<InvalidDataException>().WithMessage("*options are invalid*EwmaLambda*");

        ModelArchive g = ModelSerializer.ToArchive(ArchFit);
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "backcast", b => b.AddScalar("backcast", 123.0))))
            .Should().Throw<InvalidDataException>().WithMessage("*'backcast' = 123 but the stored returns and parameters give*inconsistent*");
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "process/name", b => b.AddText("process/name", "figarch"))))
            .Should().Throw<InvalidDataException>().WithMessage("*'figarch' is not a known volatility process*");
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "parameters/values", b => b.Add("parameters/values", new[] { 0.0, 0.1, 0.6, 0.6, 8 }))))
            .Should().Throw<InvalidDataException>().WithMessage("*do not form a valid model*not admissible*");
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "parameters/names", b => b.AddText("parameters/names", "mu\nomega"))))
            .Should().Throw<InvalidDataException>().WithMessage("*'parameters/names' are [mu, omega] but a constant/garch/t model has [mu, omega, alpha, beta, nu]*");
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "returns", b => b.Add("returns", new[] { 1.0, double.NaN }))))
            .Should().Throw<InvalidDataException>().WithMessage("*'returns' holds NaN at index 1*");

        ModelArchive s = ModelSerializer.ToArchive(SsaModel, SsaSeries);
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(s, "subspace/recurrence", b => b.Add("subspace/recurrence", new double[11]))))
            .Should().Throw<InvalidDataException>().WithMessage("*differs from the recurrence of the stored basis*inconsistent*");
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(s, "options/rank", b => b.Add("options/rank", new[] { 40 }))))
            .Should().Throw<InvalidDataException>().WithMessage("*options are invalid*Rank*");

        ModelArchive h = ModelSerializer.ToArchive(Har, HarProxy);
        double[] c = h["regressions/coefficients"].AsDoubles();
        FluentActions.Invoking(() => ModelSerializer.ReadHarModel(Edit(h, "regressions/coefficients", b => b.Add("regressions/coefficients", c, 4, 5))))
            .Should().Throw<InvalidDataException>().WithMessage("*'regressions/coefficients' has shape [4, 5], expected [5, 4]*");
    }

    [Fact]
    public void Checkpoints_round_trip_and_replace_each_other_atomically()
    {
        string path = PathOf("train.ckpt");
        TrainingCheckpoint c = Checkpoint();
        c.Save(path);
        TrainingCheckpoint back = TrainingCheckpoint.Load(path);
        back.OptimizerSteps.Should().Be(c.OptimizerSteps);
        back.CompletedEpochs.Should().Be(3);
        back.AdamFirstMoment.ToArray().Should().Equal(c.AdamFirstMoment.ToArray());
        back.AdamSecondMoment.ToArray().Should().Equal(c.AdamSecondMoment.ToArray());
        back.BestParameters.ToArray().Should().Equal(c.BestParameters.ToArray());
        back.ShuffleOrder.ToArray().Should().Equal(c.ShuffleOrder.ToArray());
        back.Network.Parameters.ToArray().Should().Equal(c.Network.Parameters.ToArray());
        back.LearningRates.ToArray().Should().Equal(c.LearningRates.ToArray());
        back.OptionsFingerprintText.Should().Be(c.OptionsFingerprintText);
        back.DataFingerprintValue.Should().Be(0xDEADBEEF);
        ModelSerializer.Load(path).Should().BeOfType<TrainingCheckpoint>();
        WithSteps(c, 5_000_000_000L).Save(path);
        TrainingCheckpoint.Load(path).OptimizerSteps.Should().Be(5_000_000_000L);
        Directory.GetFiles(_dir).Should().ContainSingle("the temporary file was renamed over the target");
    }

    [Fact]
    public void Inconsistent_checkpoints_are_rejected()
    {
        TrainingCheckpoint c = Checkpoint();
        FluentActions.Invoking(() => WithSteps(c, -1).Validate()).Should().Throw<ArgumentException>().WithMessage("*OptimizerSteps*");
        ModelArchive a = c.ToArchive();
        FluentActions.Invoking(() => TrainingCheckpoint.FromArchive(Edit(a, "shuffle_order", b => b.Add("shuffle_order", new[] { 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }))))
            .Should().Throw<InvalidDataException>().WithMessage("*not a permutation*");
        FluentActions.Invoking(() => TrainingCheckpoint.FromArchive(Edit(a, "adam/v", b => b.Add("adam/v", new float[3]))))
            .Should().Throw<InvalidDataException>().WithMessage("*'adam/v' has 3 values, expected*");
        FluentActions.Invoking(() => TrainingCheckpoint.FromArchive(Edit(a, "history/train_loss", b => b.Add("history/train_loss", new[] { 1.0 }))))
            .Should().Throw<InvalidDataException>().WithMessage("*one value per completed epoch*");
    }

    [Fact]
    public void Resume_preparation_checks_options_data_and_seed_and_replays_the_shuffle()
    {
        var x = PersistenceFixtures.Random(10 * 4 * 2, 1);
        var train = new SequenceDataset(x, 10, 4, 2, PersistenceFixtures.Random(10, 2), 1);
        var options = new TrainingOptions { Seed = 5, Epochs = 10 };
        TrainingCheckpoint c = WithSteps(Checkpoint(), 17, TrainingCheckpoint.DataFingerprint(train));
        Random rng = c.PrepareResume(options with { Threads = 3 }, train, null, out int[] order);
        order.Should().Equal(c.ShuffleOrder.ToArray());
        Random replay = TrainingCheckpoint.ReplayShuffle(5, 10, 3, true, out _);
        Enumerable.Range(0, 5).Select(_ => rng.Next(1000)).Should().Equal(Enumerable.Range(0, 5).Select(_ => replay.Next(1000)), "the random source continues where epoch 3 left it");
        TrainingCheckpoint.ReplayShuffle(5, 10, 3, false, out int[] unshuffled);
        unshuffled.Should().Equal(Enumerable.Range(0, 10));

        FluentActions.Invoking(() => c.PrepareResume(options with { LearningRate = 0.1f }, train, null, out _))
            .Should().Throw<InvalidOperationException>().WithMessage("*other training options*");
        var other = new SequenceDataset(x, 10, 4, 2, new float[10], 1);
        FluentActions.Invoking(() => c.PrepareResume(options, other, null, out _))
            .Should().Throw<InvalidOperationException>().WithMessage("*other training or validation data*");
        FluentActions.Invoking(() => c.PrepareResume(options, train, train, out _))
            .Should().Throw<InvalidOperationException>().WithMessage("*other training or validation data*");
    }

    private static TrainingCheckpoint WithSteps(TrainingCheckpoint c, long steps, uint? data = null) => new()
    {
        Network = c.Network, AdamFirstMoment = c.AdamFirstMoment, AdamSecondMoment = c.AdamSecondMoment, OptimizerSteps = steps,
        CompletedEpochs = c.CompletedEpochs, Seed = c.Seed, ShuffleOrder = c.ShuffleOrder, BestParameters = c.BestParameters, BestLoss = c.BestLoss,
        BestEpoch = c.BestEpoch, EpochsSinceBest = c.EpochsSinceBest, TrainingLoss = c.TrainingLoss, ValidationLoss = c.ValidationLoss,
        LearningRates = c.LearningRates, OptionsFingerprintText = c.OptionsFingerprintText, DataFingerprintValue = data ?? c.DataFingerprintValue,
    };
}
