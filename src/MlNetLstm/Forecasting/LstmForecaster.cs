using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Forecasting;

/// <summary>
/// User-facing LSTM/GRU/RNN forecaster. Training samples are sliding windows: input = W consecutive rows (all features,
/// standardised with the training rows' mean and standard deviation), target = the next Horizon values of the target column.
/// The latest <see cref="LstmForecasterOptions.ValidationFraction"/> of the windows is held out (no shuffling across the split),
/// and the standardisation is fitted only on the rows the training windows cover.
/// </summary>
public static class LstmForecaster
{
    /// <summary>Fits a univariate model on <paramref name="series"/> (oldest first).</summary>
    /// <param name="series">Observations, finite, length &gt;= WindowSize + Horizon.</param>
    /// <param name="options">Options (null = defaults).</param>
    public static LstmForecastModel Fit(ReadOnlySpan<float> series, LstmForecasterOptions? options = null)
    {
        var data = series.ToArray();
        CheckFinite(data, 1, nameof(series));
        return FitCore(data, series.Length, 1, 0, options ?? new LstmForecasterOptions(), nameof(series));
    }

    /// <summary>Fits a univariate model on <paramref name="series"/> (oldest first; converted to float).</summary>
    /// <param name="series">Observations, finite.</param>
    /// <param name="options">Options (null = defaults).</param>
    public static LstmForecastModel Fit(double[] series, LstmForecasterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var data = new float[series.Length];
        for (int i = 0; i < series.Length; i++)
        {
            if (!double.IsFinite(series[i])) throw new ArgumentException($"series contains {series[i]} at index {i}.", nameof(series));
            data[i] = (float)series[i];
            if (!float.IsFinite(data[i])) throw new ArgumentException($"series value {series[i]} at index {i} overflows float.", nameof(series));
        }
        return FitCore(data, series.Length, 1, 0, options ?? new LstmForecasterOptions(), nameof(series));
    }

    /// <summary>
    /// Flat convenience overload of <see cref="Fit(double[], LstmForecasterOptions?)"/>: every other option keeps its
    /// <see cref="LstmForecasterOptions"/> default.
    /// </summary>
    /// <param name="series">Observations, finite, oldest first.</param>
    /// <param name="windowSize">Input window length W.</param>
    /// <param name="horizon">Steps forecast per pass.</param>
    /// <param name="hiddenSize">Hidden units.</param>
    /// <param name="epochs">Training epochs.</param>
    /// <param name="seed">Seed.</param>
    public static LstmForecastModel Fit(double[] series, int windowSize, int horizon = LstmForecasterOptions.DefaultHorizon,
        int hiddenSize = LstmForecasterOptions.DefaultHiddenSize, int epochs = TrainingOptions.DefaultEpochs, int seed = TrainingOptions.DefaultSeed) =>
        Fit(series, new LstmForecasterOptions { WindowSize = windowSize, Horizon = horizon, HiddenSize = hiddenSize, Epochs = epochs, Seed = seed });

    /// <summary>Fits a multivariate model: <paramref name="data"/> is [T, F] (rows oldest first); forecasts column <paramref name="targetColumn"/>.</summary>
    /// <param name="data">[T, F] observations, finite.</param>
    /// <param name="targetColumn">Index of the forecast column in [0, F).</param>
    /// <param name="options">Options (null = defaults).</param>
    public static LstmForecastModel Fit(float[,] data, int targetColumn, LstmForecasterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int T = data.GetLength(0), F = data.GetLength(1);
        if (F == 0) throw new ArgumentException("data has no columns.", nameof(data));
        if ((uint)targetColumn >= (uint)F) throw new ArgumentOutOfRangeException(nameof(targetColumn), targetColumn, $"Must be in [0, {F}).");
        var flat = new float[T * F];
        for (int t = 0; t < T; t++) for (int f = 0; f < F; f++) flat[t * F + f] = data[t, f];
        CheckFinite(flat, F, nameof(data));
        return FitCore(flat, T, F, targetColumn, options ?? new LstmForecasterOptions(), nameof(data));
    }

    /// <summary>Fits a multivariate model on double-precision <paramref name="data"/> [T, F] (converted to float).</summary>
    /// <param name="data">[T, F] observations, finite.</param>
    /// <param name="targetColumn">Index of the forecast column in [0, F).</param>
    /// <param name="options">Options (null = defaults).</param>
    public static LstmForecastModel Fit(double[,] data, int targetColumn, LstmForecasterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var f = new float[data.GetLength(0), data.GetLength(1)];
        for (int t = 0; t < data.GetLength(0); t++)
            for (int c = 0; c < data.GetLength(1); c++)
            {
                if (!double.IsFinite(data[t, c])) throw new ArgumentException($"data contains {data[t, c]} at row {t}, column {c}.", nameof(data));
                f[t, c] = (float)data[t, c];
            }
        return Fit(f, targetColumn, options);
    }

    private static void CheckFinite(float[] data, int features, string paramName)
    {
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i]))
                throw new ArgumentException(features == 1 ? $"{paramName} contains {data[i]} at index {i}." : $"{paramName} contains {data[i]} at row {i / features}, column {i % features}.", paramName);
    }

    private static LstmForecastModel FitCore(float[] data, int rows, int F, int target, LstmForecasterOptions o, string paramName)
    {
        o.Validate();
        int W = o.WindowSize, Hz = o.Horizon;
        if (rows == 0) throw new ArgumentException($"{paramName} is empty.", paramName);
        if (rows < W + Hz)
            throw new ArgumentException($"{paramName} has {rows} rows but one training window needs WindowSize {W} + Horizon {Hz} = {W + Hz}.", paramName);
        int samples = rows - W - Hz + 1;
        int nVal = o.ValidationFraction > 0 ? Math.Max(1, (int)Math.Round(samples * o.ValidationFraction)) : 0;
        if (nVal >= samples)
            throw new ArgumentException($"ValidationFraction {o.ValidationFraction} leaves no training window out of {samples}.", nameof(o.ValidationFraction));
        int nTrain = samples - nVal;
        int statRows = nTrain - 1 + W + Hz;
        var mean = new double[F]; var std = new double[F];
        for (int f = 0; f < F; f++)
        {
            double s = 0, ss = 0;
            for (int t = 0; t < statRows; t++) s += data[t * F + f];
            double m = s / statRows;
            for (int t = 0; t < statRows; t++) { double d = data[t * F + f] - m; ss += d * d; }
            double sd = Math.Sqrt(ss / statRows);
            mean[f] = m; std[f] = sd > 1e-12 ? sd : 1.0;
        }
        var x = new float[samples * W * F];
        var y = new float[samples * Hz];
        for (int n = 0; n < samples; n++)
        {
            for (int t = 0; t < W; t++)
                for (int f = 0; f < F; f++)
                    x[(n * W + t) * F + f] = (float)((data[(n + t) * F + f] - mean[f]) / std[f]);
            for (int h = 0; h < Hz; h++)
                y[n * Hz + h] = (float)((data[(n + W + h) * F + target] - mean[target]) / std[target]);
        }
        var all = new SequenceDataset(x, samples, W, F, y, Hz);
        var train = nVal > 0 ? all.Slice(0, nTrain) : all;
        var val = nVal > 0 ? all.Slice(nTrain, nVal) : null;
        var net = RecurrentNetwork.Create(o.Spec(F), o.Seed, o.ForgetGateBias);
        var result = RecurrentTrainer.Train(net, train, o.ToTrainingOptions() with { ValidationFraction = 0 }, val);
        return new LstmForecastModel(o, result.Network, result.Report, F, target, mean, std);
    }
}
