namespace MlNetLstm.Evaluation;

/// <summary>Loss functions for variance forecasts h against a variance proxy σ̂² (e.g. the squared return).</summary>
public enum LossFunction
{
    /// <summary>Squared error <c>(σ̂² - h)²</c>.</summary>
    Mse,

    /// <summary>Absolute error <c>|σ̂² - h|</c>.</summary>
    Mae,

    /// <summary>
    /// QLIKE <c>log h + σ̂² / h</c> (Patton 2011): robust to noise in the proxy, minimised in expectation at
    /// <c>h = E[σ̂²]</c>. Defined for a zero proxy (the loss is then <c>log h</c>); requires h &gt; 0 and σ̂² ≥ 0.
    /// </summary>
    Qlike,
}

/// <summary>Point-wise and average forecast losses. All functions validate their inputs and never return NaN.</summary>
public static class Losses
{
    /// <summary>Loss of a single forecast.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="forecast">Variance forecast h (must be &gt; 0 for QLIKE).</param>
    /// <param name="proxy">Realised variance proxy σ̂² (must be ≥ 0 for QLIKE).</param>
    /// <returns>The loss value.</returns>
    /// <exception cref="ArgumentException">Non-finite input, or the QLIKE domain is violated.</exception>
    public static double Pointwise(LossFunction loss, double forecast, double proxy)
    {
        if (!double.IsFinite(forecast)) throw new ArgumentException($"forecast is {forecast}; it must be finite.", nameof(forecast));
        if (!double.IsFinite(proxy)) throw new ArgumentException($"proxy is {proxy}; it must be finite.", nameof(proxy));
        switch (loss)
        {
            case LossFunction.Mse:
                double e = proxy - forecast;
                return e * e;
            case LossFunction.Mae:
                return Math.Abs(proxy - forecast);
            case LossFunction.Qlike:
                if (forecast <= 0) throw new ArgumentException($"forecast is {forecast}; QLIKE requires a strictly positive variance forecast.", nameof(forecast));
                if (proxy < 0) throw new ArgumentException($"proxy is {proxy}; QLIKE requires a non-negative variance proxy.", nameof(proxy));
                return Math.Log(forecast) + proxy / forecast;
            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss function.");
        }
    }

    /// <summary>Writes the point-wise loss series <c>L(proxy_t, forecast_t)</c> into <paramref name="destination"/>.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="forecasts">Forecasts h_t (length n).</param>
    /// <param name="proxy">Proxies σ̂²_t (length n).</param>
    /// <param name="destination">Receives n loss values.</param>
    /// <exception cref="ArgumentException">Length mismatch, empty input, destination too short, or an invalid value (named with its index).</exception>
    public static void Series(LossFunction loss, ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy, Span<double> destination)
    {
        EvalGuard.SameLength(forecasts.Length, proxy.Length, nameof(forecasts), nameof(proxy));
        EvalGuard.MinLength(forecasts.Length, 1, nameof(forecasts));
        EvalGuard.Destination(destination.Length, forecasts.Length, nameof(destination));
        if (loss == LossFunction.Qlike)
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
    public static double[] Series(LossFunction loss, ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy)
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
    public static double Mean(LossFunction loss, ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy)
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
    public static double Mse(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy) => Mean(LossFunction.Mse, forecasts, proxy);

    /// <summary>Mean absolute error <c>(1/n) Σ |proxy_t - forecast_t|</c>.</summary>
    /// <param name="forecasts">Forecasts.</param>
    /// <param name="proxy">Proxies, same length.</param>
    /// <returns>The MAE.</returns>
    public static double Mae(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy) => Mean(LossFunction.Mae, forecasts, proxy);

    /// <summary>Mean QLIKE <c>(1/n) Σ (log h_t + σ̂²_t / h_t)</c>; forecasts must be &gt; 0, proxies ≥ 0.</summary>
    /// <param name="forecasts">Variance forecasts h_t.</param>
    /// <param name="proxy">Variance proxies σ̂²_t, same length.</param>
    /// <returns>The mean QLIKE loss.</returns>
    public static double Qlike(ReadOnlySpan<double> forecasts, ReadOnlySpan<double> proxy) => Mean(LossFunction.Qlike, forecasts, proxy);
}
