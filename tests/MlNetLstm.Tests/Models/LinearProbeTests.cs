using MlNetLstm.Models;

namespace MlNetLstm.Tests.Models;

/// <summary>
/// <see cref="LinearProbe"/>: exact recovery of a known linear map (λ = 0), ridge shrinkage against the closed form for
/// one feature, R² on held-out rows, the rank-sum AUC against a brute-force pair count (with ties), a probe reading
/// the cell state of a hand-set LSTM from its hidden state, and the argument checks.
/// </summary>
public class LinearProbeTests
{
    private static (float[] X, double[] Y) Linear(int n, int d, double noise, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * d]; var y = new double[n];
        for (int r = 0; r < n; r++)
        {
            double v = 0.5;                                       // intercept 0.5, weights 1, -2, 3, ...
            for (int j = 0; j < d; j++)
            {
                x[r * d + j] = (float)(rng.NextDouble() * 2 - 1);
                v += (j % 2 == 0 ? 1.0 : -1.0) * (j + 1) * (double)x[r * d + j];
            }
            y[r] = v + noise * (rng.NextDouble() - 0.5);
        }
        return (x, y);
    }

    [Fact]
    public void Ordinary_least_squares_recovers_a_noiseless_linear_map()
    {
        var (x, y) = Linear(200, 4, 0, 1);
        var probe = LinearProbe.Fit(x, 4, y, ridge: 0);
        probe.Weights.Should().Equal([1, -2, 3, -4], (a, b) => Math.Abs(a - b) < 1e-9);
        probe.Intercept.Should().BeApproximately(0.5, 1e-9);
        probe.Rows.Should().Be(200);
        var (xt, yt) = Linear(50, 4, 0, 2);
        probe.RSquared(xt, yt).Should().BeApproximately(1, 1e-12);
        probe.PredictRows(xt).Should().Equal(yt, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Ridge_matches_the_one_feature_closed_form_and_shrinks()
    {
        // One feature: w = Sxy / (Sxx + λ Sxx) = OLS slope / (1 + λ).
        var (x, y) = Linear(100, 1, 0.2, 3);
        double ols = LinearProbe.Fit(x, 1, y, 0).Weights[0];
        var ridge = LinearProbe.Fit(x, 1, y, 0.5);
        ridge.Weights[0].Should().BeApproximately(ols / 1.5, 1e-12);
        double mx = x.Average(v => (double)v), my = y.Average();
        ridge.Intercept.Should().BeApproximately(my - ridge.Weights[0] * mx, 1e-12);
    }

    [Fact]
    public void Held_out_R_squared_drops_with_noise_and_is_negative_for_a_useless_feature()
    {
        var (x, y) = Linear(400, 3, 4, 4);
        var probe = LinearProbe.Fit(x.AsSpan(0, 300 * 3), 3, y.AsSpan(0, 300));
        double r2 = probe.RSquared(x.AsSpan(300 * 3), y.AsSpan(300));
        r2.Should().BeInRange(0.5, 0.95);                       // signal variance 14/3, noise 16/12: R² ≈ 0.78
        var rng = new Random(5);
        float[] junk = [.. Enumerable.Range(0, 400).Select(_ => (float)rng.NextDouble())];
        double[] target = [.. Enumerable.Range(0, 400).Select(_ => rng.NextDouble())];
        LinearProbe.Fit(junk.AsSpan(0, 20), 1, target.AsSpan(0, 20), 0).RSquared(junk.AsSpan(20), target.AsSpan(20)).Should().BeLessThan(0.05);
    }

    [Fact]
    public void Auc_equals_the_pair_count_with_ties()
    {
        var rng = new Random(6);
        double[] s = [.. Enumerable.Range(0, 300).Select(_ => Math.Round(rng.NextDouble() * 10))];   // many ties
        bool[] l = [.. s.Select(v => rng.NextDouble() < 0.2 + v / 15)];
        double pairs = 0; long count = 0;
        for (int i = 0; i < s.Length; i++)
            for (int j = 0; j < s.Length; j++)
                if (l[i] && !l[j]) { pairs += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0; count++; }
        LinearProbe.AreaUnderRoc(s, l).Should().BeApproximately(pairs / count, 1e-12);
        LinearProbe.AreaUnderRoc([1, 2, 3, 4], [false, false, true, true]).Should().Be(1);
        LinearProbe.AreaUnderRoc([1, 2, 3, 4], [true, true, false, false]).Should().Be(0);
        LinearProbe.AreaUnderRoc([1, 1, 1, 1], [true, false, true, false]).Should().Be(0.5);
    }

    [Fact]
    public void A_probe_reads_the_cell_state_from_the_hidden_state_of_a_hand_set_lstm()
    {
        // One unit, output gate ≈ 1: h = tanh(c), so atanh(h) is exactly linear in c and a probe on atanh(h) finds c.
        // Without the tanh (probe on h) the fit is good but not exact, which is the point of scoring a probe.
        var spec = new RecurrentNetworkSpec { Cell = CellType.Lstm, InputSize = 1, HiddenSize = 1 };
        var sd = RecurrentNetwork.Create(spec, 1).ToStateDict().ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length]);
        sd["bias_ih_l0"][0] = 8; sd["bias_ih_l0"][1] = 1.4f; sd["weight_ih_l0"][2] = 0.5f; sd["bias_ih_l0"][3] = 12;
        var net = RecurrentNetwork.FromStateDict(spec, sd);
        var rng = new Random(7);
        float[] x = [.. Enumerable.Range(0, 20 * 30).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        var tel = net.Forward(x, 20, 30, captureTelemetry: true).Telemetry!;
        float[] h = tel.Get(GateSignal.Hidden).ToArray();
        double[] c = [.. tel.Get(GateSignal.CellState).ToArray().Select(v => (double)v)];
        float[] atanh = [.. h.Select(v => (float)Math.Atanh(v))];
        LinearProbe.Fit(atanh.AsSpan(0, 300), 1, c.AsSpan(0, 300), 0).RSquared(atanh.AsSpan(300), c.AsSpan(300)).Should().BeGreaterThan(0.9999);
        LinearProbe.Fit(h.AsSpan(0, 300), 1, c.AsSpan(0, 300), 0).RSquared(h.AsSpan(300), c.AsSpan(300)).Should().BeInRange(0.9, 0.9999);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        FluentActions.Invoking(() => LinearProbe.Fit(x, 2, [1.0, 2.0])).Should().Throw<ArgumentException>().WithParameterName("features").WithMessage("*2 rows of width 2*");
        FluentActions.Invoking(() => LinearProbe.Fit(x, 0, [1.0, 2.0, 3.0])).Should().Throw<ArgumentException>().WithParameterName("width");
        FluentActions.Invoking(() => LinearProbe.Fit([1f, float.NaN, 3f], 1, [1.0, 2.0, 3.0])).Should().Throw<ArgumentException>().WithMessage("*NaN at row 1, column 0*");
        FluentActions.Invoking(() => LinearProbe.Fit([1f, 2f, 3f], 1, [1.0, double.PositiveInfinity, 3.0])).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*row 1*");
        FluentActions.Invoking(() => LinearProbe.Fit([1f, 2f, 3f], 1, [1.0, 2.0, 3.0], -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ridge");
        FluentActions.Invoking(() => LinearProbe.Fit([1f, 1f, 2f, 2f, 3f, 3f], 2, [1.0, 2.0, 3.0], 0)).Should().Throw<ArgumentException>().WithMessage("*linearly dependent*");
        LinearProbe.Fit([1f, 1f, 2f, 2f, 3f, 3f], 2, [1.0, 2.0, 3.0]).RSquared([1f, 1f, 3f, 3f], [1.0, 3.0]).Should().BeApproximately(1, 1e-3);
        var probe = LinearProbe.Fit([1f, 2f, 3f], 1, [1.0, 2.0, 3.0]);
        FluentActions.Invoking(() => probe.RSquared([1f, 2f], [5.0, 5.0])).Should().Throw<ArgumentException>().WithMessage("*constant*");
        FluentActions.Invoking(() => probe.Predict([1f, 2f])).Should().Throw<ArgumentException>().WithParameterName("row");
        FluentActions.Invoking(() => LinearProbe.AreaUnderRoc([1.0, 2.0], [true, true])).Should().Throw<ArgumentException>().WithMessage("*2 positive and 0 negative*");
        FluentActions.Invoking(() => LinearProbe.AreaUnderRoc([1.0, 2.0], [true])).Should().Throw<ArgumentException>().WithParameterName("labels");
    }
}
