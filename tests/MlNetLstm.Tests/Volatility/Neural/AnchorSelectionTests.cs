using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility.Neural;

/// <summary>
/// Issue 19, second round: the GJR anchor, the anchor chosen per training window (<see cref="VolatilityAnchor.Selected"/>) and the
/// shrinkage of the network's correction chosen on validation (<see cref="CorrectionShrinkage.Validation"/>), checked against
/// independent computations with the library's own GJR/GARCH fits; and that the new keys round-trip through model files.
/// </summary>
public class AnchorSelectionTests
{
    private static readonly LstmVolatilityOptions Small = new()
    {
        HiddenSize = 6, SequenceLength = 64, BurnIn = 16, ContextLength = 80, Epochs = 3, BatchSize = 4, Seed = 5,
        Anchor = VolatilityAnchor.Blend, Shrinkage = CorrectionShrinkage.None, RegimeForm = RegimeTermForm.AbsoluteShock,
    };

    [Fact]
    public void Gjr_anchor_is_the_library_gjr_fit_of_the_scaled_window_run_as_a_recursion()
    {
        double[] r = RegimeFormTests.LeverageSeries(800, 21);
        var fitted = new LstmVolatilityModel(Small with { Anchor = VolatilityAnchor.Gjr }).Fit(r);
        fitted.Inputs.Anchor.Should().Be(VolatilityAnchor.Gjr);
        fitted.Inputs.InputNames.Should().Equal("u", "|u|", "log ewma", "log gjr");
        double s = fitted.Scale;
        double[] u = r.Select(x => x / s).ToArray();
        var p = Arch.Create(u, "constant", "gjr", "normal").Fit();
        GarchFeatureParameters g = fitted.Inputs.Garch!;
        g.Gamma.Should().Be(p.Parameters["gamma"]);
        g.Alpha.Should().Be(p.Parameters["alpha"]);
        g.Gamma.Should().BePositive("the series has a leverage effect (gamma 0.15 in the simulation)");
        // w = 0: the anchor alone, s² h^GJR_{t+1} with h_0 = ω + (α + γ/2 + β) backcast, h_{t+1} = ω + (α + γ 1[e_t < 0]) e_t² + β h_t.
        double[] anchorOnly = fitted.WithCorrectionWeight(0).Explain(r).Forecast;
        double h = g.Omega + (g.Alpha + 0.5 * g.Gamma + g.Beta) * g.Backcast;
        for (int t = 0; t < r.Length; t++)
        {
            double e = u[t] - g.Mu;
            h = Math.Max(1e-6, g.Omega + (g.Alpha + (e < 0 ? g.Gamma : 0)) * e * e + g.Beta * h);
            anchorOnly[t].Should().BeApproximately(s * s * h, 1e-12 * s * s * h, $"step {t}");
        }
        // Multi-step: the anchor reverts at α + γ/2 + β.
        double[] path = fitted.WithCorrectionWeight(0).ForecastVariance(r, 3);
        path[1].Should().BeApproximately(s * s * (g.Omega + g.Persistence * path[0] / (s * s)), 1e-12 * path[1]);
    }

    [Fact]
    public void Selected_anchor_is_the_candidate_with_the_lowest_validation_qlike_recomputed_independently()
    {
        double[] r = RegimeFormTests.LeverageSeries(1000, 22);
        var o = Small with { Anchor = VolatilityAnchor.Selected };
        var fitted = new LstmVolatilityModel(o).Fit(r);
        IReadOnlyList<double> scores = fitted.Training.AnchorValidationQlike;
        scores.Should().HaveCount(3);
        int n = r.Length, v = (int)(n * o.ValidationFraction);
        double s = fitted.Scale;
        double[] u = r.Select(x => x / s).ToArray();
        // EWMA (b_0 = 1), GARCH and GJR fitted by the library on u[0, n - v), forecasting u_t, t in [n - v, n), from u[0, t).
        double Score(Func<int, double> forecastOfStep) => Enumerable.Range(n - v, v).Average(t => Math.Log(forecastOfStep(t)) + u[t] * u[t] / forecastOfStep(t));
        double[] Filter(string process)
        {
            var fit = Arch.Create(u.AsSpan(0, n - v), "constant", process, "normal").Fit();
            double mu = fit.Parameters["mu"], w = fit.Parameters["omega"], a = fit.Parameters["alpha"], b = fit.Parameters["beta"];
            double gamma = process == "gjr" ? fit.Parameters["gamma"] : 0;
            var f = new double[n];
            f[0] = w + (a + 0.5 * gamma + b) * fit.Backcast;
            for (int t = 0; t + 1 < n; t++)
            {
                double e = u[t] - mu;
                f[t + 1] = Math.Max(1e-6, w + (a + (e < 0 ? gamma : 0)) * e * e + b * f[t]);
            }
            return f;
        }
        var ewma = new double[n];
        ewma[0] = 1;
        for (int t = 0; t + 1 < n; t++) ewma[t + 1] = Math.Max(1e-6, 0.94 * ewma[t] + 0.06 * u[t] * u[t]);
        double[] garch = Filter("garch"), gjr = Filter("gjr");
        scores[0].Should().BeApproximately(Score(t => ewma[t]), 1e-9);
        scores[1].Should().BeApproximately(Score(t => garch[t]), 1e-9);
        scores[2].Should().BeApproximately(Score(t => gjr[t]), 1e-9);
        int best = scores.Select((x, i) => (x, i)).MinBy(p => p.x).i;
        fitted.Inputs.Anchor.Should().Be(LstmVolatilityInputs.SelectionCandidates[best]);
        fitted.Options.Anchor.Should().Be(VolatilityAnchor.Selected);
        // After the choice the anchor is refitted on the whole window: its parameters are the library's fit of all of u.
        if (fitted.Inputs.Anchor != VolatilityAnchor.Ewma)
        {
            var whole = Arch.Create(u, "constant", fitted.Inputs.Anchor == VolatilityAnchor.Gjr ? "gjr" : "garch", "normal").Fit();
            fitted.Inputs.Garch!.Omega.Should().Be(whole.Parameters["omega"]);
        }
    }

    [Fact]
    public void Selection_reads_only_the_training_window()
    {
        double[] r = RegimeFormTests.LeverageSeries(1200, 23);
        var o = Small with { Anchor = VolatilityAnchor.Selected, Epochs = 1 };
        var a = new LstmVolatilityModel(o).Fit(r.AsSpan(0, 900));
        double[] changed = (double[])r.Clone();
        for (int t = 900; t < changed.Length; t++) changed[t] *= 5; // a different future
        var b = new LstmVolatilityModel(o).Fit(changed.AsSpan(0, 900));
        b.Training.AnchorValidationQlike.Should().Equal(a.Training.AnchorValidationQlike);
        b.Inputs.Anchor.Should().Be(a.Inputs.Anchor);
    }

    [Fact]
    public void Validation_shrinkage_picks_the_grid_weight_with_the_lowest_validation_qlike_and_scales_the_log_correction()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(900, 24, out _);
        var fitted = new LstmVolatilityModel(Small with { Shrinkage = CorrectionShrinkage.Validation, Anchor = VolatilityAnchor.Ewma }).Fit(r);
        IReadOnlyList<double> scores = fitted.Training.ShrinkageValidationQlike;
        scores.Should().HaveCount(LstmVolatilityOptions.ShrinkageGrid.Count);
        int best = 0;
        for (int i = 1; i < scores.Count; i++) if (scores[i] < scores[best]) best = i;
        fitted.CorrectionWeight.Should().Be(LstmVolatilityOptions.ShrinkageGrid[best]);
        // The w = 1 score is the early-stopping validation loss of the kept epoch (same chunks, same QLIKE).
        scores[^1].Should().BeApproximately(fitted.Training.ValidationLoss[fitted.Training.BestEpoch - 1], 1e-9);
        // log h_w = log a + w (log h_1 - log a) at every step.
        double[] h0 = fitted.WithCorrectionWeight(0).Explain(r).Forecast, h1 = fitted.WithCorrectionWeight(1).Explain(r).Forecast;
        double[] hw = fitted.Explain(r).Forecast;
        for (int t = 0; t < r.Length; t++)
            Math.Log(hw[t]).Should().BeApproximately(Math.Log(h0[t]) + fitted.CorrectionWeight * (Math.Log(h1[t]) - Math.Log(h0[t])), 1e-9, $"step {t}");
        // The stream applies the same weight.
        var stream = new LstmVolatilityStream(fitted);
        foreach (double x in r) stream.Update(x);
        stream.ForecastOneStep().Should().BeApproximately(hw[^1], 1e-12 * hw[^1]);
    }

    [Fact]
    public void Shrinkage_none_keeps_the_full_correction_and_training_is_the_same_with_either_setting()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(700, 25, out _);
        var none = new LstmVolatilityModel(Small).Fit(r);
        var shrunk = new LstmVolatilityModel(Small with { Shrinkage = CorrectionShrinkage.Validation }).Fit(r);
        none.CorrectionWeight.Should().Be(1);
        none.Training.ShrinkageValidationQlike.Should().BeEmpty();
        shrunk.Network.Parameters.ToArray().Should().Equal(none.Network.Parameters.ToArray());
        shrunk.WithCorrectionWeight(1).ForecastVariance(r, 2).Should().Equal(none.ForecastVariance(r, 2));
        FluentActions.Invoking(() => none.WithCorrectionWeight(1.5)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*correctionWeight*");
    }

    [Theory]
    [InlineData(VolatilityAnchor.Gjr, CorrectionShrinkage.None)]
    [InlineData(VolatilityAnchor.Selected, CorrectionShrinkage.Validation)]
    public void New_anchors_and_the_weight_round_trip_through_a_model_file(VolatilityAnchor anchor, CorrectionShrinkage shrinkage)
    {
        double[] r = RegimeFormTests.LeverageSeries(700, 26);
        var fitted = new LstmVolatilityModel(Small with { Anchor = anchor, Shrinkage = shrinkage, Epochs = 2 }).Fit(r).WithCorrectionWeight(0.5);
        ModelArchive archive = ModelSerializer.ToArchive(fitted);
        var loaded = ModelSerializer.ReadVolatilityForecaster(archive);
        loaded.Options.Should().Be(fitted.Options);
        loaded.Inputs.Anchor.Should().Be(fitted.Inputs.Anchor);
        loaded.Inputs.Garch.Should().Be(fitted.Inputs.Garch);
        loaded.CorrectionWeight.Should().Be(0.5);
        loaded.Training.AnchorValidationQlike.Should().Equal(fitted.Training.AnchorValidationQlike);
        loaded.Training.ShrinkageValidationQlike.Should().Equal(fitted.Training.ShrinkageValidationQlike);
        loaded.ForecastVariance(r, 3).Should().Equal(fitted.ForecastVariance(r, 3));
    }

    [Fact]
    public void A_selected_model_file_without_its_chosen_anchor_or_with_a_non_candidate_is_rejected()
    {
        double[] r = RegimeFormTests.LeverageSeries(600, 27);
        var fitted = new LstmVolatilityModel(Small with { Anchor = VolatilityAnchor.Selected, Epochs = 1 }).Fit(r);
        ModelArchive full = ModelSerializer.ToArchive(fitted);
        var missing = new ModelArchive(full.Kind, full.KindVersion, full.Entries.Where(e => e.Name != "inputs/anchor").ToList());
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(missing)).Should().Throw<InvalidDataException>().WithMessage("*inputs/anchor*");
        var blend = new ModelArchive(full.Kind, full.KindVersion, full.Entries
            .Select(e => e.Name == "inputs/anchor" ? ArchiveEntry.Create(e.Name, ArchiveElementType.Utf8, [], "Blend".ToCharArray()) : e).ToList());
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(blend)).Should().Throw<InvalidDataException>().WithMessage("*not a candidate*");
        var badWeight = new ModelArchive(full.Kind, full.KindVersion, full.Entries
            .Select(e => e.Name == "inputs/correction_weight" ? ArchiveEntry.Create(e.Name, ArchiveElementType.Float64, [], new[] { 2.0 }) : e).ToList());
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(badWeight)).Should().Throw<InvalidDataException>().WithMessage("*correction_weight*");
    }

    [Fact]
    public void Files_without_the_new_keys_load_with_the_full_correction()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(500, 28, out _);
        var fitted = new LstmVolatilityModel(Small with { Epochs = 2 }).Fit(r);
        ModelArchive full = ModelSerializer.ToArchive(fitted);
        var old = new ModelArchive(full.Kind, full.KindVersion,
            full.Entries.Where(e => e.Name is not "options/shrinkage" and not "inputs/correction_weight").ToList());
        var loaded = ModelSerializer.ReadVolatilityForecaster(old);
        loaded.Options.Shrinkage.Should().Be(CorrectionShrinkage.None);
        loaded.CorrectionWeight.Should().Be(1);
        loaded.ForecastVariance(r, 2).Should().Equal(fitted.ForecastVariance(r, 2));
    }

    [Fact]
    public void Defaults_are_the_selected_anchor_with_validation_shrinkage_as_the_stated_rule_chose()
    {
        var o = new LstmVolatilityOptions();
        o.Anchor.Should().Be(VolatilityAnchor.Selected).And.Be(LstmVolatilityOptions.DefaultAnchor);
        o.Shrinkage.Should().Be(CorrectionShrinkage.Validation).And.Be(LstmVolatilityOptions.DefaultShrinkage);
        double[] r = RegimeFormTests.LeverageSeries(700, 29);
        var fitted = new LstmVolatilityModel(new LstmVolatilityOptions { HiddenSize = 4, SequenceLength = 64, BurnIn = 16, ContextLength = 80, Epochs = 2 }).Fit(r);
        fitted.Training.AnchorValidationQlike.Should().HaveCount(3);
        fitted.Training.ShrinkageValidationQlike.Should().HaveCount(5);
        LstmVolatilityOptions.ShrinkageGrid.Should().Contain(fitted.CorrectionWeight);
        fitted.ForecastVariance(r, 5).Should().OnlyContain(h => double.IsFinite(h) && h > 0);
    }

    [Fact]
    public void Selected_anchor_needs_a_validation_split()
    {
        FluentActions.Invoking(() => new LstmVolatilityModel(new LstmVolatilityOptions { Anchor = VolatilityAnchor.Selected, ValidationFraction = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ValidationFraction*Selected*");
        FluentActions.Invoking(() => new LstmVolatilityInputs(1, 0.94, VolatilityAnchor.Selected, null, [], [], []))
            .Should().Throw<ArgumentException>().WithMessage("*Selected*");
    }
}
