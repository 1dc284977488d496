using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetLstm.Data;
using MlNetLstm.Kernels;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility.Neural;

/// <summary>
/// Regression reference of the single-output LSTM volatility model: single_head_reference.json holds, bit for bit, the fitted
/// weights, loss curves, forecast paths and Explain forecasts of a few small fits, written once
/// (by a generator since removed; see the git history) with the code as it was before the
/// multi-horizon heads and the loss option were added. Every later version must reproduce them exactly with the default
/// Horizons = 1 and Loss = Qlike. The kernels are bitwise reproducible per instruction-set path only, so the comparison is
/// exact when the active path is the one recorded in the file, and within 1e-4 (relative) otherwise. Never regenerate the file
/// to "fix" this test.
/// </summary>
public class SingleHeadReferenceTests
{
    private static string ReferencePath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "single_head_reference.json");

    /// <summary>The recorded configurations: name, options, returns, exogenous series.</summary>
    internal static IEnumerable<(string Name, LstmVolatilityOptions Options, double[] Returns, ExogenousSeries? Exogenous)> Cases()
    {
        var small = new LstmVolatilityOptions { HiddenSize = 4, SequenceLength = 48, BurnIn = 12, ContextLength = 60, Epochs = 3, BatchSize = 4, Seed = 5,
            // The defaults when the reference was recorded (issue 19 changed the anchor, the shrinkage and the regime form later).
            Anchor = VolatilityAnchor.Blend, Shrinkage = CorrectionShrinkage.None, RegimeForm = RegimeTermForm.AbsoluteShock };
        double[] regime = LstmVolatilityModelTests.RegimeSwitching(420, 31, out _);
        yield return ("blend-regime", small, regime, null);
        yield return ("ewma-plain-garch-input-2-threads", small with { Anchor = VolatilityAnchor.Ewma, RegimeAdaptive = false, GarchFeature = true, Threads = 2 }, regime, null);
        yield return ("ewma-regime-no-validation", small with { Anchor = VolatilityAnchor.Ewma, ValidationFraction = 0, Epochs = 2 }, regime, null);
        (double[] r, double[] iv) = ExogenousInputTests.StochasticVolatility(380, 32);
        yield return ("garch-regime-exogenous", small with { Anchor = VolatilityAnchor.Garch, BatchSize = 3 }, r, ExogenousSeries.FromColumn("iv", iv));
    }

    private static JsonObject Record(LstmVolatilityForecaster f, double[] r, ExogenousSeries? x) => new()
    {
        ["parameters"] = new JsonArray(f.Network.Parameters.ToArray().Select(v => (JsonNode)JsonValue.Create(BitConverter.SingleToInt32Bits(v))).ToArray()),
        ["train_loss"] = Bits(f.Training.TrainLoss),
        ["validation_loss"] = Bits(f.Training.ValidationLoss),
        ["best_epoch"] = f.Training.BestEpoch,
        ["forecast6"] = Bits(f.ForecastVariance(r, x, 6)),
        ["forecast1_short"] = Bits(f.ForecastVariance(r.AsSpan(0, 100), x?.Slice(0, 100), 1)),
        ["explain_last10"] = Bits(f.Explain(r, x).Forecast[^10..]),
    };

    private static JsonArray Bits(IEnumerable<double> v) => new(v.Select(d => (JsonNode)JsonValue.Create(BitConverter.DoubleToInt64Bits(d))).ToArray());

    [Fact]
    public void Single_head_qlike_fits_reproduce_the_recorded_reference()
    {
        JsonElement root = JsonDocument.Parse(File.ReadAllText(ReferencePath())).RootElement;
        bool sameIsa = root.GetProperty("isa").GetString() == KernelInfo.ActiveIsa.ToString();
        foreach (var (name, o, r, x) in Cases())
        {
            // The GARCH optimiser became an analytic-Hessian Newton method on purpose (issue 16): GARCH estimates moved by about
            // 1e-13 relative, within rounding, so cases that use a GARCH fit (anchor or feature) are compared to 2e-5 relative
            // (as on another ISA); the GARCH-free case stays bit-exact on the recorded ISA.
            bool usesGarch = o.Anchor != VolatilityAnchor.Ewma || o.GarchFeature;
            bool exact = sameIsa && !usesGarch;
            JsonElement want = root.GetProperty(name);
            LstmVolatilityForecaster f = new LstmVolatilityModel(o).Fit(r, x);
            float[] p = f.Network.Parameters.ToArray();
            float[] wantP = want.GetProperty("parameters").EnumerateArray().Select(e => BitConverter.Int32BitsToSingle(e.GetInt32())).ToArray();
            f.Training.BestEpoch.Should().Be(want.GetProperty("best_epoch").GetInt32(), name);
            Compare(p.Select(v => (double)v).ToArray(), wantP.Select(v => (double)v).ToArray(), $"{name} parameters", exact);
            Compare(f.Training.TrainLoss.ToArray(), Doubles(want, "train_loss"), $"{name} train loss", exact);
            Compare(f.Training.ValidationLoss.ToArray(), Doubles(want, "validation_loss"), $"{name} validation loss", exact);
            Compare(f.ForecastVariance(r, x, 6), Doubles(want, "forecast6"), $"{name} forecast6", exact);
            Compare(f.ForecastVariance(r.AsSpan(0, 100), x?.Slice(0, 100), 1), Doubles(want, "forecast1_short"), $"{name} forecast1_short", exact);
            Compare(f.Explain(r, x).Forecast[^10..], Doubles(want, "explain_last10"), $"{name} explain", exact);
        }

        void Compare(double[] got, double[] expected, string what, bool exact)
        {
            got.Length.Should().Be(expected.Length, what);
            for (int i = 0; i < got.Length; i++)
            {
                if (double.IsNaN(expected[i])) { double.IsNaN(got[i]).Should().BeTrue($"{what}[{i}]"); continue; }
                if (exact) BitConverter.DoubleToInt64Bits(got[i]).Should().Be(BitConverter.DoubleToInt64Bits(expected[i]), $"{what}[{i}]: {got[i]:R} vs {expected[i]:R}");
                else got[i].Should().BeApproximately(expected[i], 2e-5 * Math.Abs(expected[i]) + 1e-9, $"{what}[{i}]");
            }
        }
    }

    private static double[] Doubles(JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(v => BitConverter.Int64BitsToDouble(v.GetInt64())).ToArray();
}
