using MlNetLstm.Models;

namespace MlNetLstm.Tests.Models;

/// <summary>
/// Analytic float gradients of L = sum(output ⊙ probe) against central finite differences (eps 1e-6) of the independent
/// double-precision <see cref="ReferenceNetwork"/>; forward outputs against the reference within 1e-5.
/// Sizes I=3, H=4, T=5, B=2.
/// </summary>
public class GradientCheckTests
{
    private const int I = 3, H = 4, T = 5, B = 2;

    public static IEnumerable<object[]> Variants() => new[]
    {
        new object[] { "lstm-1layer" }, new object[] { "lstm-2layer" }, new object[] { "lstm-bidirectional" },
        new object[] { "lstm-2layer-bidirectional-head-every" }, new object[] { "lstm-peephole" }, new object[] { "lstm-coupled" },
        new object[] { "lstm-peephole-coupled" }, new object[] { "lstm-regime" }, new object[] { "lstm-regime-peephole-2layer" },
        new object[] { "lstm-leverage" }, new object[] { "lstm-leverage-peephole-2layer-bidirectional" },
        new object[] { "gru-1layer" }, new object[] { "gru-2layer-bidirectional" }, new object[] { "rnn-1layer" },
        new object[] { "rnn-2layer-head-every" }, new object[] { "lstm-head-last" },
    };

    internal static RecurrentNetworkSpec SpecFor(string variant)
    {
        var spec = new RecurrentNetworkSpec { InputSize = I, HiddenSize = H };
        if (variant.StartsWith("gru")) spec = spec with { Cell = CellType.Gru };
        if (variant.StartsWith("rnn")) spec = spec with { Cell = CellType.Rnn };
        if (variant.Contains("2layer")) spec = spec with { Layers = 2 };
        if (variant.Contains("bidirectional")) spec = spec with { Bidirectional = true };
        if (variant.Contains("peephole")) spec = spec with { Peepholes = true };
        if (variant.Contains("coupled")) spec = spec with { CoupledGates = true };
        if (variant.Contains("regime")) spec = spec with { ForgetGateModifier = new RegimeForgetModifier(2) };
        if (variant.Contains("leverage")) spec = spec with { ForgetGateModifier = new LeverageForgetModifier(2) };
        if (variant.Contains("head-every")) spec = spec with { OutputSize = 2, HeadMode = HeadMode.EveryStep };
        if (variant.Contains("head-last")) spec = spec with { OutputSize = 3, HeadMode = HeadMode.LastStep };
        return spec;
    }

    internal static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (2f * r.NextSingle() - 1f) * scale;
        return a;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Analytic_gradients_match_double_precision_finite_differences(string variant)
    {
        var spec = SpecFor(variant);
        var layout = RecurrentNetwork.CreateLayout(spec);
        var p = Random(layout.TotalLength, 1, 0.6f);
        var net = RecurrentNetwork.FromParameters(spec, p);
        var x = Random(B * T * I, 2);
        var extra = spec.ExtraInputSize > 0 ? Random(B * T * spec.ExtraInputSize, 3, 2f) : [];
        var output = net.Forward(x, B, T, extra);
        var probe = Random(output.Values.Length, 4);

        double[] pd = p.Select(v => (double)v).ToArray();
        double[] xd = x.Select(v => (double)v).ToArray();
        double[]? ed = extra.Length > 0 ? extra.Select(v => (double)v).ToArray() : null;
        var reference = ReferenceNetwork.Forward(spec, layout, pd, xd, ed, B, T);
        reference.Length.Should().Be(output.Values.Length);
        for (int k = 0; k < reference.Length; k++)
            output.Values[k].Should().BeApproximately((float)reference[k], 1e-5f, $"forward output {k} of {variant}");

        double Loss(double[] theta, double[] input)
        {
            var y = ReferenceNetwork.Forward(spec, layout, theta, input, ed, B, T);
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += y[k] * probe[k];
            return s;
        }

        var grads = net.ComputeGradients(x, B, T, probe, extra);
        FiniteDifferences.Check(pd, th => Loss(th, xd), k => grads.Parameters[k], 1e-5, 1e-3, k => $"{variant}: d/d{NameOf(layout, k)}")
            .Should().BeGreaterThan(pd.Length / 2, "most parameters must actually influence the loss");
        FiniteDifferences.Check(xd, xs => Loss(pd, xs), k => grads.Inputs[k], 1e-5, 1e-3, k => $"{variant}: d/dx[{k}]");
    }

    internal static string NameOf(ParameterLayout layout, int index)
    {
        foreach (var v in layout.Views)
            if (index >= v.Offset && index < v.Offset + v.Length) return $"{v.Name}[{index - v.Offset}]";
        return index.ToString();
    }
}
