using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Tests.Volatility.Neural;

/// <summary>
/// A freshly fitted volatility LSTM holds no forward workspace from its fit (the validation pass over every validation sequence
/// left one of ~0.3 MB per network, which a long-lived model, e.g. one Orleans grain per instrument, kept for its lifetime), and
/// dropping it changes no forecast.
/// </summary>
public class FittedMemoryTests
{
    [Fact]
    public void A_fitted_network_keeps_no_workspace_of_its_validation_pass_and_forecasts_the_same()
    {
        double[] r = LstmVolatilityModelTests.RegimeSwitching(600, 41, out _);
        var o = new LstmVolatilityOptions { HiddenSize = 6, SequenceLength = 64, BurnIn = 16, ContextLength = 80, Epochs = 2, BatchSize = 4, Seed = 5,
            Shrinkage = CorrectionShrinkage.Validation };
        var fitted = (LstmVolatilityForecaster)new LstmVolatilityModel(o).Fit(r);
        fitted.Network.PooledWorkspaces.Should().Be(0);

        double[] first = fitted.ForecastVariance(r, null, 3);
        fitted.ForecastVariance(r, null, 3).Should().Equal(first);
        var again = (LstmVolatilityForecaster)new LstmVolatilityModel(o).Fit(r);
        again.ForecastVariance(r, null, 3).Should().Equal(first);
    }
}
