namespace MlNetLstm.Volatility;

/// <summary>Method used for multi-step variance forecasts.</summary>
public enum ForecastMethod
{
    /// <summary>Analytic when the process has a closed form, simulation otherwise.</summary>
    Auto,

    /// <summary>Closed-form recursion for E[h_{T+k}] (GARCH, GJR, EWMA, constant).</summary>
    Analytic,

    /// <summary>Monte-Carlo with innovations drawn from the fitted distribution.</summary>
    Simulation,

    /// <summary>Monte-Carlo with innovations resampled from the fitted standardised residuals.</summary>
    Bootstrap,
}
