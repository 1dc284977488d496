using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility.Neural;

/// <summary>
/// The regime-term forms (<see cref="RegimeTermForm"/>) and the direct asymmetric input (<see cref="LstmVolatilityOptions.AsymmetricInput"/>):
/// what each feeds the forget gate, checked against independent computations through <see cref="LstmVolatilityForecaster.Explain"/>,
/// and that files with and without the new keys load. The default's bit-for-bit equality with earlier versions is pinned by
/// <see cref="SingleHeadReferenceTests"/>; the new modifier's gradients by <see cref="Models.GradientCheckTests"/> ("lstm-leverage").
/// </summary>
public class RegimeFormTests
{
    private static readonly LstmVolatilityOptions Small = new()
    {
        HiddenSize = 6, SequenceLength = 64, BurnIn = 16, ContextLength = 80, Epochs = 3, BatchSize = 4, Seed = 3, Anchor = VolatilityAnchor.Ewma,
    };

    [Fact]
    public void Defaults_are_the_relative_shock_form_without_the_asymmetric_input()
    {
        // RelativeShock since the second round of issue 19 (README, "Second round"); AbsoluteShock before.
        var o = new LstmVolatilityOptions();
        o.RegimeForm.Should().Be(RegimeTermForm.RelativeShock);
        o.AsymmetricInput.Should().BeFalse();
        double[] r = LstmVolatilityModelTests.RegimeSwitching(500, 8, out _);
        var implicitDefault = new LstmVolatilityModel(Small).Fit(r);
        var explicitForm = new LstmVolatilityModel(Small with { RegimeForm = RegimeTermForm.RelativeShock, AsymmetricInput = false }).Fit(r);
        explicitForm.Network.Parameters.ToArray().Should().Equal(implicitDefault.Network.Parameters.ToArray());
        implicitDefault.Network.Spec.ForgetGateModifier.Should().BeOfType<RegimeForgetModifier>();
        implicitDefault.Inputs.InputNames.Should().Equal("u", "|u|", "log ewma");
        var absolute = new LstmVolatilityModel(Small with { RegimeForm = RegimeTermForm.AbsoluteShock }).Fit(r);
        absolute.Network.Parameters.ToArray().Should().NotEqual(implicitDefault.Network.Parameters.ToArray(), "the two forms feed the gate different inputs");
    }

    [Fact]
    public void Relative_shock_form_feeds_the_return_over_the_anchor_volatility_forecast_made_before_it()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(700, 9, out _);
        var fitted = new LstmVolatilityModel(Small with { RegimeForm = RegimeTermForm.RelativeShock }).Fit(r);
        fitted.Network.Spec.ForgetGateModifier.Should().BeOfType<RegimeForgetModifier>();
        double[] probe = r.Take(300).ToArray();
        probe[150] = 6 * fitted.Scale;
        VolatilityTelemetry tel = fitted.Explain(probe);
        double meanBeta = fitted.RegimeBeta.Average();
        // Independent EWMA anchor in scaled units: b_0 = 1, the ratio uses b_t (before r_t), then b_{t+1} = 0.94 b_t + 0.06 u_t².
        double b = 1, s = fitted.Scale;
        for (int t = 0; t < probe.Length; t++)
        {
            double u = probe[t] / s;
            double ratio = Math.Min(Math.Abs(u) / Math.Sqrt(b), 10);
            tel.RegimeTerm[t].Should().BeApproximately(-meanBeta * ratio, 1e-4 * (1 + ratio), $"step {t}");
            b = Math.Max(1e-6, 0.94 * b + 0.06 * u * u);
        }
        tel.Forecast.Should().OnlyContain(h => double.IsFinite(h) && h > 0);
    }

    [Fact]
    public void Leverage_form_adds_a_signed_term_that_training_moves_away_from_zero()
    {
        double[] r = LeverageSeries(900, 10);
        var fitted = new LstmVolatilityModel(Small with { RegimeForm = RegimeTermForm.Leverage, Epochs = 4 }).Fit(r);
        fitted.Network.Spec.ForgetGateModifier.Should().BeOfType<LeverageForgetModifier>();
        float[] beta = fitted.RegimeBeta, gamma = fitted.RegimeGamma;
        gamma.Should().HaveCount(Small.HiddenSize);
        gamma.Should().Contain(g => g != 0f, "gamma starts at 0 and must be trained");
        double[] probe = r.Take(200).ToArray();
        probe[100] = -5 * fitted.Scale;
        probe[120] = 5 * fitted.Scale;
        VolatilityTelemetry tel = fitted.Explain(probe);
        for (int t = 0; t < probe.Length; t++)
        {
            double u = Math.Clamp(probe[t] / fitted.Scale, -10, 10);
            double expected = Enumerable.Range(0, beta.Length).Average(j => -beta[j] * Math.Abs(u) + gamma[j] * u);
            tel.RegimeTerm[t].Should().BeApproximately(expected, 1e-4 * (1 + Math.Abs(u)), $"step {t}");
        }
        // Same |u|, opposite signs: the terms differ by 2 · mean(gamma) · |u|.
        (tel.RegimeTerm[120] - tel.RegimeTerm[100]).Should().BeApproximately(2 * gamma.Average() * 5, 1e-3);
    }

    [Fact]
    public void Asymmetric_input_is_the_clipped_negative_part_of_the_scaled_return()
    {
        double[] r = LeverageSeries(600, 11);
        var fitted = new LstmVolatilityModel(Small with { AsymmetricInput = true, GarchFeature = true }).Fit(r);
        fitted.Inputs.InputNames.Should().Equal("u", "|u|", "log ewma", "log garch", "u-");
        fitted.Network.Spec.InputSize.Should().Be(5);
        var map = fitted.Inputs;
        var state = map.Start();
        var x = new float[5];
        foreach (double v in new[] { 0.5, -0.7, 0.0, -50.0 })
        {
            double rv = v * fitted.Scale;
            map.Advance(ref state, rv);
            map.Features(rv, state, default, x);
            x[4].Should().Be((float)Math.Min(Math.Max(-v, 0), 10));
        }
    }

    [Theory]
    [InlineData(RegimeTermForm.AbsoluteShock, false)]
    [InlineData(RegimeTermForm.RelativeShock, true)]
    [InlineData(RegimeTermForm.Leverage, true)]
    public void Every_form_round_trips_through_a_model_file_with_identical_forecasts(RegimeTermForm form, bool asymmetric)
    {
        double[] r = LeverageSeries(500, 12);
        var fitted = new LstmVolatilityModel(Small with { RegimeForm = form, AsymmetricInput = asymmetric, Epochs = 2 }).Fit(r);
        ModelArchive archive = ModelSerializer.ToArchive(fitted);
        var loaded = ModelSerializer.ReadVolatilityForecaster(archive);
        loaded.Options.Should().Be(fitted.Options);
        loaded.ForecastVariance(r, 3).Should().Equal(fitted.ForecastVariance(r, 3));
        loaded.Explain(r).RegimeTerm.Should().Equal(fitted.Explain(r).RegimeTerm);
    }

    [Fact]
    public void Files_written_before_the_new_keys_load_as_the_original_form()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(500, 13, out _);
        var fitted = new LstmVolatilityModel(Small with { Epochs = 2, RegimeForm = RegimeTermForm.AbsoluteShock }).Fit(r);
        ModelArchive full = ModelSerializer.ToArchive(fitted);
        full.Contains("options/regime_form").Should().BeTrue();
        full.Contains("options/asymmetric_input").Should().BeTrue();
        // An archive as earlier versions wrote it: the same entries without the two keys.
        var old = new ModelArchive(full.Kind, full.KindVersion,
            full.Entries.Where(e => e.Name is not "options/regime_form" and not "options/asymmetric_input").ToList());
        var loaded = ModelSerializer.ReadVolatilityForecaster(old);
        loaded.Options.RegimeForm.Should().Be(RegimeTermForm.AbsoluteShock);
        loaded.Options.AsymmetricInput.Should().BeFalse();
        loaded.ForecastVariance(r, 2).Should().Equal(fitted.ForecastVariance(r, 2));
    }

    [Fact]
    public void A_stored_form_that_does_not_match_the_network_is_rejected()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(400, 14, out _);
        var fitted = new LstmVolatilityModel(Small with { Epochs = 1 }).Fit(r);
        ModelArchive full = ModelSerializer.ToArchive(fitted);
        // Claim the leverage form for a network that has the plain regime modifier.
        var tampered = new ModelArchive(full.Kind, full.KindVersion, full.Entries
            .Select(e => e.Name == "options/regime_form" ? ArchiveEntry.Create(e.Name, ArchiveElementType.Utf8, [], "Leverage".ToCharArray()) : e).ToList());
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(tampered))
            .Should().Throw<InvalidDataException>().WithMessage("*does not match the stored options*");
    }

    /// <summary>GJR-type returns: negative returns raise the next variance more than positive ones.</summary>
    internal static double[] LeverageSeries(int n, int seed)
    {
        var rng = new Random(seed);
        var r = new double[n];
        double h = 1;
        for (int t = 0; t < n; t++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            r[t] = Math.Sqrt(h) * z;
            h = 0.05 + 0.02 * r[t] * r[t] + (r[t] < 0 ? 0.15 * r[t] * r[t] : 0) + 0.85 * h;
        }
        return r;
    }
}
