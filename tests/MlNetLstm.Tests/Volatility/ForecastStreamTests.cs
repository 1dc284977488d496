using FluentAssertions;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;
using Xunit;

namespace MlNetLstm.Tests.Volatility;

/// <summary>
/// The streaming forecasters (one filter or network step per return) against the batch forecasts that re-read the history,
/// and their checkpoint state.
/// </summary>
public class ForecastStreamTests
{
    [Theory]
    [InlineData("constant", "garch", "normal")]
    [InlineData("ar1", "gjr", "t")]
    [InlineData("zero", "ewma", "normal")]
    public void Arch_stream_equals_the_forecast_from_the_whole_history_and_resumes_from_its_state(string mean, string process, string dist)
    {
        double[] r = GarchTestData.Dem2Gbp[..700];
        var fit = Arch.Create(r.AsSpan(..500), mean, process, dist).Fit();
        var stream = new ArchForecastStream(fit);
        var f = new double[3];
        ArchForecastStream? resumed = null;
        for (int t = 0; t < r.Length; t++)
        {
            stream.Update(r[t]);
            resumed?.Update(r[t]);
            if (!stream.IsReady)
            {
                stream.Invoking(s => s.ForecastOneStep()).Should().Throw<InvalidOperationException>().WithMessage("*mean model*");
                continue;
            }

            stream.Forecast(f);
            if (t % 37 == 0) f.Should().Equal(fit.Forecast(r.AsSpan(0, t + 1), 3).ReturnVariance, $"row {t}");
            if (resumed is not null) resumed.ForecastOneStep().Should().Be(f[0]);
            if (t == 300)
            {
                resumed = new ArchForecastStream(fit);
                resumed.SetState(stream.GetState());
                resumed.Count.Should().Be(301);
            }
        }

        new ArchForecastStream(fit).Invoking(s => s.SetState(new double[] { 3, 0, 9 })).Should().Throw<ArgumentException>().WithMessage("*state*");
        stream.Invoking(s => s.Update(double.NaN)).Should().Throw<ArgumentException>().WithMessage("*not finite*");
    }

    [Fact]
    public void Lstm_stream_equals_Explain_bit_for_bit_and_resumes_from_its_state()
    {
        double[] r = GarchTestData.Dem2Gbp[..400];
        var model = (LstmVolatilityForecaster)new LstmVolatilityModel(new LstmVolatilityOptions { HiddenSize = 4, Epochs = 2, SequenceLength = 32, BurnIn = 8 }).Fit(r.AsSpan(..300));
        double[] explained = model.Explain(r).Forecast;
        var stream = new LstmVolatilityStream(model);
        stream.Invoking(s => s.ForecastOneStep()).Should().Throw<InvalidOperationException>();
        LstmVolatilityStream? resumed = null;
        for (int t = 0; t < r.Length; t++)
        {
            stream.Update(r[t]);
            resumed?.Update(r[t]);
            stream.ForecastOneStep().Should().Be(explained[t], $"row {t}");
            if (resumed is not null) resumed.ForecastOneStep().Should().Be(explained[t]);
            if (t == 150)
            {
                resumed = new LstmVolatilityStream(model);
                resumed.SetState(stream.GetState());
            }
        }

        // Multi-step: ForecastVariance's formula; during the first ContextLength returns the two are the same computation.
        var early = new LstmVolatilityStream(model);
        foreach (double x in r[..100]) early.Update(x);
        var f = new double[6];
        early.Forecast(f);
        f.Should().Equal(model.ForecastVariance(r.AsSpan(0, 100), 6));
        stream.Invoking(s => s.Update(1, [2.0])).Should().Throw<ArgumentException>().WithMessage("*without exogenous*");
        stream.Invoking(s => s.SetState(new double[3])).Should().Throw<ArgumentException>().WithMessage("*state has 3 values*");
    }
}
