using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>ML.NET catalog extensions for MlNetLstm (transforms and forecasting).</summary>
public static class MlNetLstmCatalog
{
    /// <summary>Default EWMA decay (RiskMetrics daily).</summary>
    public const double DefaultEwmaLambda = 0.94;

    /// <summary>
    /// Returns from a price column: log <c>r_t = ln(p_t / p_{t-1})</c> or simple <c>r_t = p_t / p_{t-1} - 1</c>
    /// (×100 when <paramref name="percent"/>). The first row has no predecessor and gets 0.
    /// Order-dependent: requires sequential cursoring.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Price column (Double or Single); defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="kind">Log or simple returns.</param>
    /// <param name="percent">Multiply by 100.</param>
    /// <returns>The estimator.</returns>
    public static SeriesFeatureEstimator ComputeReturns(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, ReturnKind kind = ReturnKind.Log, bool percent = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Make(outputColumnName, inputColumnName, FeatureKinds.Returns,
            new() { ["kind"] = (int)kind, ["percent"] = percent ? 1 : 0, ["transform"] = (int)ReturnTransform.None });
    }

    /// <summary>
    /// EWMA variance <c>s_t = λ s_{t-1} + (1 - λ) x_t²</c>, <c>s_0 = x_1²</c> (core <see cref="EwmaVariance"/>).
    /// Order-dependent: requires sequential cursoring.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <returns>The estimator.</returns>
    public static SeriesFeatureEstimator ComputeEwmaVariance(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, double lambda = DefaultEwmaLambda)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Make(outputColumnName, inputColumnName, FeatureKinds.EwmaVariance, new() { ["lambda"] = lambda });
    }

    /// <summary>
    /// Rolling variance over the last <paramref name="window"/> values, <c>(1/w) Σ x²</c> or the demeaned sample
    /// variance (core <see cref="RollingVariance"/>). Order-dependent: requires sequential cursoring.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="window">Window length.</param>
    /// <param name="demean">Subtract the window mean.</param>
    /// <returns>The estimator.</returns>
    public static SeriesFeatureEstimator ComputeRollingVariance(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, int window = 22, bool demean = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Make(outputColumnName, inputColumnName, FeatureKinds.RollingVariance, new() { ["window"] = window, ["demean"] = demean ? 1 : 0 });
    }

    /// <summary>
    /// Realized variance of each period of <paramref name="pricesPerPeriod"/> intraday prices,
    /// <c>RV = Σ_i (ln p_i - ln p_{i-1})²</c> (running value within the period; core <see cref="RealizedVariance"/>).
    /// Order-dependent: requires sequential cursoring.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Intraday price column (Double or Single).</param>
    /// <param name="pricesPerPeriod">Prices per period m ≥ 2.</param>
    /// <param name="percent">Use percent log returns.</param>
    /// <returns>The estimator.</returns>
    public static SeriesFeatureEstimator ComputeRealizedVariance(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, int pricesPerPeriod = 78, bool percent = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Make(outputColumnName, inputColumnName, FeatureKinds.RealizedVariance, new() { ["period"] = pricesPerPeriod, ["percent"] = percent ? 1 : 0 });
    }

    /// <summary>
    /// Row-to-row variance proxy of a return column: <c>r²</c> (<see cref="ReturnTransform.Squared"/>) or <c>|r|</c>
    /// (<see cref="ReturnTransform.Absolute"/>). Usable in a PredictionEngine.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="transform">Squared or absolute.</param>
    /// <returns>The estimator (itself the fitted transformer: nothing is learned).</returns>
    public static ReturnTransformTransformer ComputeVarianceProxy(this TransformsCatalog catalog, string outputColumnName,
        string inputColumnName, ReturnTransform transform = ReturnTransform.Squared)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ReturnTransformTransformer(outputColumnName, inputColumnName, transform);
    }

    /// <summary>
    /// HAR components of a variance proxy column v (e.g. realized variance or squared returns):
    /// daily <c>v_t</c>, weekly <c>(1/5) Σ_{i=0}^{4} v_{t-i}</c>, monthly <c>(1/22) Σ_{i=0}^{21} v_{t-i}</c>
    /// (windows configurable; core <see cref="HarComponents"/>), as three Double columns. Order-dependent:
    /// requires sequential cursoring.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="dailyColumnName">Daily component column.</param>
    /// <param name="weeklyColumnName">Weekly component column.</param>
    /// <param name="monthlyColumnName">Monthly component column.</param>
    /// <param name="inputColumnName">Variance proxy column (Double or Single, ≥ 0).</param>
    /// <param name="weeklyWindow">Weekly window.</param>
    /// <param name="monthlyWindow">Monthly window.</param>
    /// <returns>An estimator chain appending the three columns.</returns>
    public static EstimatorChain<SeriesFeatureTransformer> ComputeHarComponents(this TransformsCatalog catalog, string dailyColumnName,
        string weeklyColumnName, string monthlyColumnName, string inputColumnName,
        int weeklyWindow = HarComponents.DefaultWeeklyWindow, int monthlyWindow = HarComponents.DefaultMonthlyWindow)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Dictionary<string, double> P(int c) => new() { ["component"] = c, ["weekly"] = weeklyWindow, ["monthly"] = monthlyWindow };
        return new EstimatorChain<SeriesFeatureTransformer>()
            .Append(Make(dailyColumnName, inputColumnName, FeatureKinds.HarComponent, P(0)))
            .Append(Make(weeklyColumnName, inputColumnName, FeatureKinds.HarComponent, P(1)))
            .Append(Make(monthlyColumnName, inputColumnName, FeatureKinds.HarComponent, P(2)));
    }

    /// <summary>
    /// GARCH-family volatility forecast over a return column (flat overload; see
    /// <see cref="ForecastVolatilityByGarch(ForecastingCatalog, GarchVolatilityOptions)"/>):
    /// appends <c>σ²_{t+1|t}</c>, for GARCH(1,1) <c>ω + α ε²_t + β σ²_t</c> (plus the mean model's contribution).
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="volatility">Volatility process (garch, gjr, egarch).</param>
    /// <param name="distribution">Error distribution (normal, t, skewt, ged).</param>
    /// <param name="mean">Mean model (zero, constant, ar1...).</param>
    /// <returns>The estimator.</returns>
    public static GarchVolatilityEstimator ForecastVolatilityByGarch(this ForecastingCatalog catalog, string outputColumnName,
        string inputColumnName, string volatility = GarchVolatilityOptions.DefaultVolatility,
        string distribution = GarchVolatilityOptions.DefaultDistribution, string mean = GarchVolatilityOptions.DefaultMean)
        => ForecastVolatilityByGarch(catalog, new GarchVolatilityOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName,
            Volatility = volatility, Distribution = distribution, Mean = mean,
        });

    /// <summary>GARCH-family volatility forecast over a return column (options overload).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static GarchVolatilityEstimator ForecastVolatilityByGarch(this ForecastingCatalog catalog, GarchVolatilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new GarchVolatilityEstimator(options);
    }

    /// <summary>
    /// Regime-adaptive LSTM volatility forecast over a return column (flat overload; see
    /// <see cref="ForecastVolatilityByLstm(ForecastingCatalog, LstmVolatilityEstimatorOptions)"/>): appends
    /// <c>h_{t+1} = s² a_{t+1} exp(B tanh(y_t / B))</c>, the anchor (by default the geometric mean of the EWMA and a GARCH(1,1)
    /// fitted on the training rows) corrected by the LSTM.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="regimeAdaptive">Regime-adaptive forget gate ("lstm-regime") or the plain LSTM ("lstm").</param>
    /// <param name="hiddenSize">LSTM units.</param>
    /// <param name="epochs">Maximum training epochs.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="exogenousColumnNames">Numeric columns fed to the LSTM beside the returns (null or empty: none).</param>
    /// <param name="seeds">Networks: more than one fits a seed ensemble (seeds seed, seed + 1, ...; geometric mean of the forecasts).</param>
    /// <returns>The estimator.</returns>
    public static LstmVolatilityEstimator ForecastVolatilityByLstm(this ForecastingCatalog catalog, string outputColumnName,
        string inputColumnName, bool regimeAdaptive = true, int hiddenSize = Volatility.Neural.LstmVolatilityOptions.DefaultHiddenSize,
        int epochs = Volatility.Neural.LstmVolatilityOptions.DefaultEpochs, int seed = Volatility.Neural.LstmVolatilityOptions.DefaultSeed,
        string[]? exogenousColumnNames = null, int seeds = LstmVolatilityEstimatorOptions.DefaultSeeds)
        => ForecastVolatilityByLstm(catalog, new LstmVolatilityEstimatorOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, ExogenousColumnNames = exogenousColumnNames ?? [],
            Model = new() { RegimeAdaptive = regimeAdaptive, HiddenSize = hiddenSize, Epochs = epochs, Seed = seed }, Seeds = seeds,
        });

    /// <summary>Regime-adaptive LSTM volatility forecast over a return column (options overload).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static LstmVolatilityEstimator ForecastVolatilityByLstm(this ForecastingCatalog catalog, LstmVolatilityEstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmVolatilityEstimator(options);
    }

    /// <summary>
    /// Univariate LSTM forecast over a series column (flat overload; see
    /// <see cref="ForecastByLstm(ForecastingCatalog, LstmForecastEstimatorOptions)"/>): appends
    /// <c>ŷ_{t+1} = head(LSTM(z_{t-W+1..t}))·σ + μ</c>, the forecast of the next value from the last W values.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">Appended Double column.</param>
    /// <param name="inputColumnName">Series column (Double or Single).</param>
    /// <param name="windowSize">Input window W.</param>
    /// <param name="hiddenSize">LSTM units.</param>
    /// <param name="epochs">Training epochs.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>The estimator.</returns>
    public static LstmForecastEstimator ForecastByLstm(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        int windowSize = Forecasting.LstmForecasterOptions.DefaultWindowSize, int hiddenSize = Forecasting.LstmForecasterOptions.DefaultHiddenSize,
        int epochs = Training.TrainingOptions.DefaultEpochs, int seed = Training.TrainingOptions.DefaultSeed)
        => ForecastByLstm(catalog, new LstmForecastEstimatorOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName,
            Model = new() { WindowSize = windowSize, HiddenSize = hiddenSize, Epochs = epochs, Seed = seed },
        });

    /// <summary>Univariate LSTM forecast over a series column (options overload).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static LstmForecastEstimator ForecastByLstm(this ForecastingCatalog catalog, LstmForecastEstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmForecastEstimator(options);
    }

    private static SeriesFeatureEstimator Make(string output, string? input, string kind, Dictionary<string, double> p)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        return new SeriesFeatureEstimator(SeriesFeatureTransformer.Create(output, input ?? output, kind, p));
    }
}
