using MlNetLstm.Data;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// Per-step inputs, baselines and targets of a return series in scaled units (training data of the network), for K horizons.
/// </summary>
internal sealed class VolatilityFeatures
{
    public required int InputSize { get; init; }
    public required int Horizons { get; init; }        // K
    public required double Scale { get; init; }        // s (the NLL's 2 log s)
    public required float[] Inputs { get; init; }      // [n, I]
    public required float[] Extra { get; init; }       // [n]: the regime term's input (LstmVolatilityInputs.RegimeInput)
    public required double[] LogBaseline { get; init; } // [n, K]: log a_{t+k|t}, the anchor's k-step forecast made at t
    public required double[] Target { get; init; }     // [n, K]: u_{t+k}^2 (NaN where t + k is beyond the series)

    public static void Validate(ReadOnlySpan<double> returns, string paramName)
    {
        if (returns.IsEmpty) throw new ArgumentException("The return series is empty.", paramName);
        for (int i = 0; i < returns.Length; i++)
            if (!double.IsFinite(returns[i])) throw new ArgumentException($"{paramName}[{i}] is {returns[i]}; returns must be finite.", paramName);
    }

    public static VolatilityFeatures Build(ReadOnlySpan<double> returns, ExogenousSeries? exogenous, LstmVolatilityInputs map, int horizons = 1)
    {
        int n = returns.Length, I = map.InputSize, K = horizons;
        var x = new float[n * I];
        var e = new float[n];
        var lb = new double[n * K];
        var target = new double[n * K];
        Span<double> path = K <= 64 ? stackalloc double[K] : new double[K];
        LstmVolatilityInputs.State s = map.Start();
        for (int t = 0; t < n; t++)
        {
            map.Advance(ref s, returns[t]);
            map.Features(returns[t], s, exogenous is null ? default : exogenous.Row(t), x.AsSpan(t * I, I));
            e[t] = map.RegimeInput(returns[t], s);
            map.AnchorPath(s, path);
            for (int k = 1; k <= K; k++)
            {
                lb[t * K + k - 1] = Math.Log(path[k - 1]);
                target[t * K + k - 1] = t + k < n ? Math.Pow(returns[t + k] / map.Scale, 2) : double.NaN;
            }
        }
        return new VolatilityFeatures { InputSize = I, Horizons = K, Scale = map.Scale, Inputs = x, Extra = e, LogBaseline = lb, Target = target };
    }

    public (float[] X, float[] E) Gather(int[] starts, int steps, bool withExtra)
    {
        int I = InputSize;
        var x = new float[starts.Length * steps * I];
        var e = withExtra ? new float[starts.Length * steps] : [];
        for (int b = 0; b < starts.Length; b++)
        {
            Inputs.AsSpan(starts[b] * I, steps * I).CopyTo(x.AsSpan(b * steps * I));
            if (withExtra) Extra.AsSpan(starts[b], steps).CopyTo(e.AsSpan(b * steps));
        }
        return (x, e);
    }
}
