using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;
using MlNetLstm.Forecasting;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.MLNet;

/// <summary>
/// ML.NET catalog extensions for MlNetLstm: featurizers on <c>mlContext.Transforms</c>, forecasters and their evaluation on
/// <c>mlContext.Forecasting</c>. Every method has a flat overload and an Options overload (the Options class is nested in
/// the estimator it creates and defines the defaults once).
/// </summary>
public static class MlNetLstmCatalog
{
    /// <summary>
    /// Returns from a price column: log <c>r_t = ln(p_t / p_{t-1})</c> or simple <c>r_t = p_t / p_{t-1} - 1</c>
    /// (×100 when <paramref name="percent"/>). The first row has no predecessor and gets 0. Order-dependent.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended column.</param>
    /// <param name="inputColumnName">Price column (Double or Single); null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="kind">Log or simple returns.</param>
    /// <param name="percent">Multiply by 100.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static ReturnsEstimator ComputeReturns(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        ReturnKind kind = ReturnsEstimator.Options.DefaultKind, bool percent = ReturnsEstimator.Options.DefaultPercent,
        DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ComputeReturns(catalog, new ReturnsEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Kind = kind, Percent = percent, OutputType = outputType,
        });

    /// <summary>Returns from a price column (Options overload).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static ReturnsEstimator ComputeReturns(this TransformsCatalog catalog, ReturnsEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ReturnsEstimator(options);
    }

    /// <summary>
    /// EWMA variance <c>s_t = λ s_{t-1} + (1 - λ) x_t²</c>, <c>s_1 = x_1²</c> (core <see cref="EwmaVariance"/>). Order-dependent.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended column.</param>
    /// <param name="inputColumnName">Return column (Double or Single); null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="lambda">Decay λ in (0, 1).</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static EwmaVarianceEstimator ComputeEwmaVariance(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        double lambda = EwmaVarianceEstimator.Options.DefaultLambda, DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ComputeEwmaVariance(catalog, new EwmaVarianceEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Lambda = lambda, OutputType = outputType,
        });

    /// <summary>EWMA variance (Options overload).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static EwmaVarianceEstimator ComputeEwmaVariance(this TransformsCatalog catalog, EwmaVarianceEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new EwmaVarianceEstimator(options);
    }

    /// <summary>
    /// Rolling variance over the last <paramref name="window"/> values, <c>(1/w) Σ x²</c> or the demeaned sample variance
    /// (core <see cref="RollingVariance"/>). Order-dependent.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended column.</param>
    /// <param name="inputColumnName">Return column (Double or Single); null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="window">Window length.</param>
    /// <param name="demean">Subtract the window mean.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static RollingVarianceEstimator ComputeRollingVariance(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        int window = RollingVarianceEstimator.Options.DefaultWindow, bool demean = RollingVarianceEstimator.Options.DefaultDemean,
        DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ComputeRollingVariance(catalog, new RollingVarianceEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Window = window, Demean = demean, OutputType = outputType,
        });

    /// <summary>Rolling variance (Options overload).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static RollingVarianceEstimator ComputeRollingVariance(this TransformsCatalog catalog, RollingVarianceEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RollingVarianceEstimator(options);
    }

    /// <summary>
    /// Realized variance of each period of <paramref name="pricesPerPeriod"/> intraday prices, <c>RV = Σ_i (ln p_i - ln p_{i-1})²</c>
    /// (running value within the period; core <see cref="RealizedVariance"/>). Order-dependent.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended column.</param>
    /// <param name="inputColumnName">Intraday price column (Double or Single); null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="pricesPerPeriod">Prices per period m ≥ 2.</param>
    /// <param name="percent">Use percent log returns.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static RealizedVarianceEstimator ComputeRealizedVariance(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        int pricesPerPeriod = RealizedVarianceEstimator.Options.DefaultPricesPerPeriod, bool percent = RealizedVarianceEstimator.Options.DefaultPercent,
        DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ComputeRealizedVariance(catalog, new RealizedVarianceEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, PricesPerPeriod = pricesPerPeriod, Percent = percent, OutputType = outputType,
        });

    /// <summary>Realized variance (Options overload).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static RealizedVarianceEstimator ComputeRealizedVariance(this TransformsCatalog catalog, RealizedVarianceEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RealizedVarianceEstimator(options);
    }

    /// <summary>
    /// Row-to-row variance proxy of a return column: <c>r²</c> (<see cref="ReturnTransform.Squared"/>) or <c>|r|</c>
    /// (<see cref="ReturnTransform.Absolute"/>). Works in ML.NET's PredictionEngine.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Appended column.</param>
    /// <param name="inputColumnName">Return column (Double or Single); null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="transform">Squared or absolute.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static VarianceProxyEstimator ComputeVarianceProxy(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        ReturnTransform transform = VarianceProxyEstimator.Options.DefaultTransform, DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ComputeVarianceProxy(catalog, new VarianceProxyEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Transform = transform, OutputType = outputType,
        });

    /// <summary>Row-to-row variance proxy (Options overload).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static VarianceProxyEstimator ComputeVarianceProxy(this TransformsCatalog catalog, VarianceProxyEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new VarianceProxyEstimator(options);
    }

    /// <summary>
    /// HAR components of a variance proxy column v (realized variance or squared returns), three columns: daily <c>v_t</c>,
    /// weekly <c>(1/5) Σ_{i=0}^{4} v_{t-i}</c>, monthly <c>(1/22) Σ_{i=0}^{21} v_{t-i}</c> (windows configurable; core
    /// <see cref="HarComponents"/>). Order-dependent.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="dailyColumnName">Daily component column.</param>
    /// <param name="weeklyColumnName">Weekly component column.</param>
    /// <param name="monthlyColumnName">Monthly component column.</param>
    /// <param name="inputColumnName">Variance proxy column (Double or Single, ≥ 0).</param>
    /// <param name="weeklyWindow">Weekly window.</param>
    /// <param name="monthlyWindow">Monthly window.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static HarComponentsEstimator ComputeHarComponents(this TransformsCatalog catalog, string dailyColumnName, string weeklyColumnName,
        string monthlyColumnName, string inputColumnName, int weeklyWindow = HarComponents.DefaultWeeklyWindow,
        int monthlyWindow = HarComponents.DefaultMonthlyWindow, DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ComputeHarComponents(catalog, new HarComponentsEstimator.Options
        {
            DailyColumnName = dailyColumnName, WeeklyColumnName = weeklyColumnName, MonthlyColumnName = monthlyColumnName,
            InputColumnName = inputColumnName, WeeklyWindow = weeklyWindow, MonthlyWindow = monthlyWindow, OutputType = outputType,
        });

    /// <summary>HAR components (Options overload).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static HarComponentsEstimator ComputeHarComponents(this TransformsCatalog catalog, HarComponentsEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new HarComponentsEstimator(options);
    }

    /// <summary>
    /// GARCH-family volatility forecast over a return column (flat overload of
    /// <see cref="ForecastVolatilityByGarch(ForecastingCatalog, GarchVolatilityEstimator.Options)"/>): appends <c>σ²_{t+k|t}</c>,
    /// for GARCH(1,1) one step ahead <c>ω + α ε²_t + β σ²_t</c> (plus the mean model's contribution for AR means).
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">Forecast column (scalar for horizon 1, vector otherwise).</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="process">Volatility process.</param>
    /// <param name="distribution">Error distribution.</param>
    /// <param name="mean">Mean model.</param>
    /// <param name="horizon">Steps ahead.</param>
    /// <param name="confidenceLowerBoundColumn">Optional lower bound column (squared-return interval).</param>
    /// <param name="confidenceUpperBoundColumn">Optional upper bound column.</param>
    /// <param name="confidenceLevel">Confidence level of the bounds.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static GarchVolatilityEstimator ForecastVolatilityByGarch(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        GarchProcess process = GarchVolatilityEstimator.Options.DefaultProcess,
        GarchDistribution distribution = GarchVolatilityEstimator.Options.DefaultDistribution,
        GarchMean mean = GarchVolatilityEstimator.Options.DefaultMean, int horizon = SeriesForecastOptions.DefaultHorizon,
        string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null,
        float confidenceLevel = SeriesForecastOptions.DefaultConfidenceLevel, DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ForecastVolatilityByGarch(catalog, new GarchVolatilityEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Process = process, Distribution = distribution, Mean = mean,
            Horizon = horizon, ConfidenceLowerBoundColumn = confidenceLowerBoundColumn, ConfidenceUpperBoundColumn = confidenceUpperBoundColumn,
            ConfidenceLevel = confidenceLevel, OutputType = outputType,
        });

    /// <summary>GARCH-family volatility forecast over a return column (Options overload).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static GarchVolatilityEstimator ForecastVolatilityByGarch(this ForecastingCatalog catalog, GarchVolatilityEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new GarchVolatilityEstimator(options);
    }

    /// <summary>
    /// Regime-adaptive LSTM volatility forecast over a return column (flat overload of
    /// <see cref="ForecastVolatilityByLstm(ForecastingCatalog, LstmVolatilityEstimator.Options)"/>): appends
    /// <c>h_{t+1} = s² a_{t+1} exp(B tanh(y_t / B))</c>, the anchor (by default the geometric mean of the EWMA and a GARCH(1,1)
    /// fitted on the training rows) corrected by the LSTM.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">Forecast column (scalar for horizon 1, vector otherwise).</param>
    /// <param name="inputColumnName">Return column (Double or Single).</param>
    /// <param name="regimeAdaptive">Regime-adaptive forget gate ("lstm-regime") or the plain LSTM ("lstm").</param>
    /// <param name="hiddenSize">LSTM units.</param>
    /// <param name="epochs">Maximum training epochs.</param>
    /// <param name="seed">Random seed; null draws one from the MLContext.</param>
    /// <param name="exogenousColumnNames">Numeric columns fed to the LSTM beside the returns (null or empty: none).</param>
    /// <param name="seeds">Networks: more than one fits a seed ensemble (seeds seed, seed + 1, ...; geometric mean of the forecasts).</param>
    /// <param name="horizon">Steps ahead.</param>
    /// <param name="confidenceLowerBoundColumn">Optional lower bound column (squared-return interval).</param>
    /// <param name="confidenceUpperBoundColumn">Optional upper bound column.</param>
    /// <param name="confidenceLevel">Confidence level of the bounds.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static LstmVolatilityEstimator ForecastVolatilityByLstm(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        bool regimeAdaptive = true, int hiddenSize = LstmVolatilityOptions.DefaultHiddenSize, int epochs = LstmVolatilityOptions.DefaultEpochs,
        int? seed = null, string[]? exogenousColumnNames = null, int seeds = LstmVolatilityEstimator.Options.DefaultSeeds,
        int horizon = SeriesForecastOptions.DefaultHorizon, string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null,
        float confidenceLevel = SeriesForecastOptions.DefaultConfidenceLevel, DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ForecastVolatilityByLstm(catalog, new LstmVolatilityEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, ExogenousColumnNames = exogenousColumnNames ?? [],
            Model = new() { RegimeAdaptive = regimeAdaptive, HiddenSize = hiddenSize, Epochs = epochs }, Seed = seed, Seeds = seeds,
            Horizon = horizon, ConfidenceLowerBoundColumn = confidenceLowerBoundColumn, ConfidenceUpperBoundColumn = confidenceUpperBoundColumn,
            ConfidenceLevel = confidenceLevel, OutputType = outputType,
        });

    /// <summary>Regime-adaptive LSTM volatility forecast over a return column (Options overload).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static LstmVolatilityEstimator ForecastVolatilityByLstm(this ForecastingCatalog catalog, LstmVolatilityEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmVolatilityEstimator(options, () => SchemaChecks.SeedFrom(catalog));
    }

    /// <summary>
    /// Univariate LSTM forecast over a series column (flat overload of
    /// <see cref="ForecastByLstm(ForecastingCatalog, LstmForecastEstimator.Options)"/>): appends
    /// <c>ŷ_{t+1} = head(LSTM(z_{t-W+1..t}))·σ + μ</c>, the forecast of the next value from the last W values.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">Forecast column (scalar for horizon 1, vector otherwise).</param>
    /// <param name="inputColumnName">Series column (Double or Single).</param>
    /// <param name="windowSize">Input window W.</param>
    /// <param name="hiddenSize">LSTM units.</param>
    /// <param name="epochs">Training epochs.</param>
    /// <param name="seed">Random seed; null draws one from the MLContext.</param>
    /// <param name="horizon">Steps ahead.</param>
    /// <param name="confidenceLowerBoundColumn">Optional lower bound column.</param>
    /// <param name="confidenceUpperBoundColumn">Optional upper bound column.</param>
    /// <param name="confidenceLevel">Confidence level of the bounds.</param>
    /// <param name="outputType">Double (default) or Single.</param>
    /// <returns>The estimator.</returns>
    public static LstmForecastEstimator ForecastByLstm(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        int windowSize = LstmForecasterOptions.DefaultWindowSize, int hiddenSize = LstmForecasterOptions.DefaultHiddenSize,
        int epochs = Training.TrainingOptions.DefaultEpochs, int? seed = null, int horizon = SeriesForecastOptions.DefaultHorizon,
        string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null,
        float confidenceLevel = SeriesForecastOptions.DefaultConfidenceLevel, DataKind outputType = SeriesColumnOptions.DefaultOutputType)
        => ForecastByLstm(catalog, new LstmForecastEstimator.Options
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName,
            Model = new() { WindowSize = windowSize, HiddenSize = hiddenSize, Epochs = epochs }, Seed = seed,
            Horizon = horizon, ConfidenceLowerBoundColumn = confidenceLowerBoundColumn, ConfidenceUpperBoundColumn = confidenceUpperBoundColumn,
            ConfidenceLevel = confidenceLevel, OutputType = outputType,
        });

    /// <summary>Univariate LSTM forecast over a series column (Options overload).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options.</param>
    /// <returns>The estimator.</returns>
    public static LstmForecastEstimator ForecastByLstm(this ForecastingCatalog catalog, LstmForecastEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmForecastEstimator(options, () => SchemaChecks.SeedFrom(catalog));
    }
}
