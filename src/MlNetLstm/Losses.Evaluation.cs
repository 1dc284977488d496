namespace MlNetLstm;

/// <summary>
/// Every loss of the library (<see cref="Loss"/> gives each formula), in one class: the forecast-evaluation losses of variance
/// forecasts here (point-wise, series, means; they validate their inputs and never return NaN) and the network-training losses
/// with their output gradients (<see cref="Sum"/>, <see cref="OutputSizeFor"/>).
/// </summary>
public static partial class Losses
{
    private const double Log2Pi = 1.8378770664093453;

    /// <summary>Loss of a single forecast.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="forecast">Variance forecast h (must be &gt; 0 for QLIKE and Gaussian NLL).</param>
    /// <param name="proxy">Realised variance proxy σ̂² (must be ≥ 0 for QLIKE and Gaussian NLL).</param>
    /// <returns>The loss value.</returns>
    /// <exception cref="ArgumentException">Non-finite input, or the QLIKE / Gaussian NLL domain is violated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loss"/> is a training-only loss (<see cref="Loss.SoftmaxCrossEntropy"/>).</exception>
    public static double Pointwise(Loss loss, double forecast, double proxy)
    {
        if (!double.IsFinite(forecast)) throw new ArgumentException($"forecast is {forecast}; it must be finite.", nameof(forecast));
        if (!double.IsFinite(proxy)) throw new ArgumentException($"proxy is {proxy}; it must be finite.", nameof(proxy));
        switch (loss)
        {
            case Loss.MeanSquaredError:
                double e = proxy - forecast;
                return e * e;
            case Loss.MeanAbsoluteError:
                return Math.Abs(proxy - forecast);
            case Loss.Qlike:
            case Loss.GaussianNll:
                if (forecast <= 0) throw new ArgumentException($"forecast is {forecast}; {loss} requires a strictly positive variance forecast.", nameof(forecast));
                if (proxy < 0) throw new ArgumentException($"proxy is {proxy}; {loss} requires a non-negative variance proxy.", nameof(proxy));
                double qlike = Math.Log(forecast) + proxy / forecast;
                return loss == Loss.Qlike ? qlike : 0.5 * (Log2Pi + qlike);
            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, $"{loss} is not a loss of a variance forecast (MeanSquaredError, MeanAbsoluteError, Qlike or GaussianNll).");
        }
    }

    /// <summary>Writes the point-wise loss series <c>L(proxy_t, forecast_t)</c> into <paramref name="destination"/>.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="forecasts">Forecasts h_t (length n).</param>
    /// <param name="proxy">Proxies σ̂²_t (length n).</param>
    /// <param name="destination">Receives n loss values.</param>
    /// <exception cref="ArgumentException">Length mismatch, empty input, destination too short, or an invalid value (named with its index).</exception>
    public static void Series(Loss loss, ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy, Span<double> destination)
    {
        EvalGuard.SameLength(forecasts.Length, proxy.Length, nameof(forecasts), nameof(proxy));
        EvalGuard.MinLength(forecasts.Length, 1, nameof(forecasts));
        EvalGuard.Destination(destination.Length, forecasts.Length, nameof(destination));
        if (loss is Loss.Qlike or Loss.GaussianNll)
        {
            EvalGuard.FinitePositive(forecasts, nameof(forecasts));
            EvalGuard.FiniteNonNegative(proxy, nameof(proxy));
        }
        else
        {
            EvalGuard.Finite(forecasts, nameof(forecasts));
            EvalGuard.Finite(proxy, nameof(proxy));
        }
        for (int i = 0; i < forecasts.Length; i++) destination[i] = Pointwise(loss, forecasts[i], proxy[i]);
    }

    /// <summary>Returns the point-wise loss series as a new array.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="forecasts">Forecasts h_t.</param>
    /// <param name="proxy">Proxies σ̂²_t, same length.</param>
    /// <returns>The n loss values.</returns>
    public static double[] Series(Loss loss, ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy)
    {
        var d = new double[forecasts.Length];
        Series(loss, forecasts, proxy, d);
        return d;
    }

    /// <summary>Average loss <c>(1/n) Σ L(proxy_t, forecast_t)</c>.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="forecasts">Forecasts h_t.</param>
    /// <param name="proxy">Proxies σ̂²_t, same length.</param>
    /// <returns>The mean loss.</returns>
    public static double Mean(Loss loss, ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy)
    {
        var s = Series(loss, forecasts, proxy);
        double total = 0;
        foreach (double v in s) total += v;
        return total / s.Length;
    }

    /// <summary>Mean squared error <c>(1/n) Σ (proxy_t - forecast_t)²</c>.</summary>
    /// <param name="forecasts">Forecasts.</param>
    /// <param name="proxy">Proxies, same length.</param>
    /// <returns>The MSE.</returns>
    public static double Mse(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy) => Mean(Loss.MeanSquaredError, forecasts, proxy);

    /// <summary>Mean absolute error <c>(1/n) Σ |proxy_t - forecast_t|</c>.</summary>
    /// <param name="forecasts">Forecasts.</param>
    /// <param name="proxy">Proxies, same length.</param>
    /// <returns>The MAE.</returns>
    public static double Mae(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy) => Mean(Loss.MeanAbsoluteError, forecasts, proxy);

    /// <summary>Mean QLIKE <c>(1/n) Σ (log h_t + σ̂²_t / h_t)</c>; forecasts must be &gt; 0, proxies ≥ 0.</summary>
    /// <param name="forecasts">Variance forecasts h_t.</param>
    /// <param name="proxy">Variance proxies σ̂²_t, same length.</param>
    /// <returns>The mean QLIKE loss.</returns>
    public static double Qlike(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy) => Mean(Loss.Qlike, forecasts, proxy);
}
