using MlNetLstm.Features;

namespace MlNetLstm.Tests.Features;

public class FeaturesTests
{
    private static double[] RandomReturns(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => 0.02 * (rng.NextDouble() - 0.5) + 0.001 * Math.Sin(rng.NextDouble())).ToArray();
    }

    private static double[] RandomPrices(int n, int seed)
    {
        var r = RandomReturns(n, seed);
        var p = new double[n];
        double level = 100;
        for (int i = 0; i < n; i++) { level *= Math.Exp(r[i]); p[i] = level; }
        return p;
    }

    [Fact]
    public void Returns_MatchHandComputedValues()
    {
        double[] prices = [100, 110, 99];
        var d = new double[2];
        Returns.Simple(prices, d).Should().Be(2);
        d[0].Should().BeApproximately(0.1, 1e-15);
        d[1].Should().BeApproximately(-0.1, 1e-15);
        Returns.Log(prices, d, percent: true);
        d[0].Should().BeApproximately(100 * Math.Log(1.1), 1e-12);
        Returns.Compute(ReturnKind.Log, prices, d, percent: true, ReturnTransform.Squared);
        d[1].Should().BeApproximately(Math.Pow(100 * Math.Log(0.9), 2), 1e-10);
        var sq = new double[3];
        Returns.Squared([-2.0, 3.0, 0.5], sq);
        sq.Should().Equal(4.0, 9.0, 0.25);
        Returns.Absolute([-2.0, 3.0, -0.5], sq);
        sq.Should().Equal(2.0, 3.0, 0.5);
    }

    [Fact]
    public void OnlineReturnTransform_EqualsBatchSquaredAndAbsolute()
    {
        var r = RandomReturns(200, 9);
        var sq = new double[r.Length];
        var ab = new double[r.Length];
        Returns.Squared(r, sq);
        Returns.Absolute(r, ab);
        var os = new OnlineReturnTransform(ReturnTransform.Squared);
        var oa = new OnlineReturnTransform(ReturnTransform.Absolute);
        for (int i = 0; i < r.Length; i++)
        {
            os.Update(r[i]).Should().Be(sq[i]);
            oa.Update(r[i]).Should().Be(ab[i]);
        }
        os.Count.Should().Be(200);
        os.Reset();
        os.IsReady.Should().BeFalse();
        FluentActions.Invoking(() => os.Update(double.NaN)).Should().Throw<ArgumentException>().WithMessage("x is NaN*");
    }

    [Theory]
    [InlineData(ReturnKind.Simple, false, ReturnTransform.None)]
    [InlineData(ReturnKind.Log, true, ReturnTransform.Squared)]
    [InlineData(ReturnKind.Log, false, ReturnTransform.Absolute)]
    public void OnlineReturns_EqualBatch(ReturnKind kind, bool percent, ReturnTransform transform)
    {
        var p = RandomPrices(300, 1);
        var batch = new double[299];
        Returns.Compute(kind, p, batch, percent, transform);
        var online = new OnlineReturns(kind, percent, transform);
        online.Update(p[0]).Should().Be(0);
        online.IsReady.Should().BeFalse();
        for (int i = 1; i < p.Length; i++) online.Update(p[i]).Should().Be(batch[i - 1]);
        online.IsReady.Should().BeTrue();
        online.Reset();
        online.Count.Should().Be(0);
        online.Update(p[5]);
        online.Update(p[6]).Should().Be(batch[5]);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(20, false)]
    [InlineData(20, true)]
    [InlineData(2, true)]
    public void RollingVariance_OnlineEqualsBatch_AndMatchesDefinition(int window, bool demean)
    {
        var x = RandomReturns(500, 2);
        var batch = new double[x.Length];
        RollingVariance.Compute(x, window, batch, demean);
        var online = new OnlineRollingVariance(window, demean);
        for (int i = 0; i < x.Length; i++)
        {
            online.Update(x[i]).Should().Be(batch[i]);
            online.IsReady.Should().Be(i + 1 >= window);
        }
        // Direct definition at a full window.
        var w = x[(400 - window + 1)..401];
        double expected = demean ? w.Sum(v => (v - w.Average()) * (v - w.Average())) / (window - 1) : w.Sum(v => v * v) / window;
        batch[400].Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void EwmaVariance_OnlineEqualsBatch_AndFollowsRecursion()
    {
        var x = RandomReturns(400, 3);
        var batch = new double[x.Length];
        EwmaVariance.Compute(x, 0.94, batch);
        batch[0].Should().Be(x[0] * x[0]);
        batch[10].Should().BeApproximately(0.94 * batch[9] + 0.06 * x[10] * x[10], 1e-18);
        var online = new OnlineEwmaVariance(0.94);
        for (int i = 0; i < x.Length; i++) online.Update(x[i]).Should().Be(batch[i]);

        var withInit = new double[x.Length];
        EwmaVariance.Compute(x, 0.9, withInit, initialVariance: 1e-4);
        withInit[0].Should().BeApproximately(0.9e-4 + 0.1 * x[0] * x[0], 1e-18);
        var online2 = new OnlineEwmaVariance(0.9, 1e-4);
        for (int i = 0; i < x.Length; i++) online2.Update(x[i]).Should().Be(withInit[i]);
    }

    [Fact]
    public void RealizedVariance_SumsIntradaySquaredLogReturns_OnlineEqualsBatch()
    {
        var p = RandomPrices(78 * 20, 4);
        var rv = new double[20];
        RealizedVariance.FromPrices(p, 78, rv, percent: true).Should().Be(20);
        double expected = 0;
        for (int i = 1; i < 78; i++) expected += Math.Pow(100 * Math.Log(p[78 * 3 + i] / p[78 * 3 + i - 1]), 2);
        rv[3].Should().BeApproximately(expected, 1e-10);

        var online = new OnlineRealizedVariance(78, percent: true);
        int period = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double v = online.Update(p[i]);
            if (online.PeriodComplete) v.Should().Be(rv[period++]);
        }
        period.Should().Be(20);

        var r = RandomReturns(30, 5);
        var rv2 = new double[3];
        RealizedVariance.FromReturns(r, 10, rv2);
        rv2[1].Should().BeApproximately(r[10..20].Sum(v => v * v), 1e-16);
    }

    [Fact]
    public void HarComponents_OnlineEqualsBatch_AndMatchDefinition()
    {
        var v = RandomReturns(300, 6).Select(x => x * x).ToArray();
        var d = new double[v.Length];
        var w = new double[v.Length];
        var m = new double[v.Length];
        HarComponents.Compute(v, d, w, m);
        w[100].Should().BeApproximately(v[96..101].Average(), 1e-18);
        m[100].Should().BeApproximately(v[79..101].Average(), 1e-18);
        w[2].Should().BeApproximately(v[0..3].Average(), 1e-18);
        HarComponents.Last(v.AsSpan(0, 101)).Should().Be(new HarComponentValues(d[100], w[100], m[100]));
        var online = new OnlineHarComponents();
        for (int i = 0; i < v.Length; i++)
        {
            online.Update(v[i]).Should().Be(new HarComponentValues(d[i], w[i], m[i]));
            online.IsReady.Should().Be(i >= 21);
        }
    }

    [Fact]
    public void BadInputs_ThrowClearErrors()
    {
        var d = new double[10];
        FluentActions.Invoking(() => Returns.Log([100.0, -1.0, 3.0], d)).Should().Throw<ArgumentException>().WithMessage("prices[1]*strictly positive*");
        FluentActions.Invoking(() => Returns.Log([100.0, 0.0], d)).Should().Throw<ArgumentException>().WithMessage("prices[1]*");
        FluentActions.Invoking(() => Returns.Simple([100.0, double.NaN], d)).Should().Throw<ArgumentException>().WithMessage("prices[1] is NaN*");
        FluentActions.Invoking(() => Returns.Simple([1.0, 2.0, 3.0], new double[1])).Should().Throw<ArgumentException>().WithMessage("destination*");
        FluentActions.Invoking(() => RollingVariance.Compute([1.0], 0, d)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*window*");
        FluentActions.Invoking(() => RollingVariance.Compute([1.0, double.NaN], 2, d)).Should().Throw<ArgumentException>().WithMessage("x[1] is NaN*");
        FluentActions.Invoking(() => new OnlineRollingVariance(1, demean: true)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => EwmaVariance.Compute([1.0], 1.0, d)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*lambda*");
        FluentActions.Invoking(() => new OnlineEwmaVariance(0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*lambda*");
        FluentActions.Invoking(() => new OnlineEwmaVariance(0.9).Update(double.NaN)).Should().Throw<ArgumentException>().WithMessage("x is NaN*");
        FluentActions.Invoking(() => RealizedVariance.FromPrices(new double[7], 3, d)).Should().Throw<ArgumentException>().WithMessage("*multiple*");
        FluentActions.Invoking(() => new OnlineReturns(ReturnKind.Log).Update(-5)).Should().Throw<ArgumentException>().WithMessage("*positive*");
        FluentActions.Invoking(() => HarComponents.Compute([1.0, -1.0], d, d, d)).Should().Throw<ArgumentException>().WithMessage("proxy[1]*non-negative*");
        FluentActions.Invoking(() => HarComponents.Compute([1.0, 1.0], d, new double[1], d)).Should().Throw<ArgumentException>().WithMessage("weekly*");
        FluentActions.Invoking(() => new OnlineHarComponents(5, 4)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*monthlyWindow*");
    }
}
