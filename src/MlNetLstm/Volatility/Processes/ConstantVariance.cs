using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Processes;

/// <summary>Constant variance: h_t = sigma2 (parameter "sigma2" &gt; 0). The homoskedastic benchmark.</summary>
public sealed class ConstantVariance : VolatilityProcess
{
    /// <inheritdoc />
    public override string Name => "constant";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[] { new ParameterInfo("sigma2", 0, double.PositiveInfinity) };

    /// <inheritdoc />
    public override bool HasAnalyticForecast => true;

    /// <inheritdoc />
    public override bool IsFeasible(ReadOnlySpan<double> parameters) => parameters.Length == 1 && parameters[0] > 0 && !double.IsInfinity(parameters[0]);

    /// <inheritdoc />
    public override IReadOnlyList<double[]> StartingGrid(double variance) => new[] { new[] { variance } };

    /// <inheritdoc />
    public override void Variance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, double expectedAbsZ, Span<double> h)
        => h[..e.Length].Fill(parameters[0]);

    /// <inheritdoc />
    public override bool HasAnalyticGradient => true;

    /// <inheritdoc />
    public override void VarianceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> e, double backcast, ReadOnlySpan<double> jacobian, int km, ReadOnlySpan<double> backcastGradient, Span<double> h, Span<double> dh)
    {
        int k = km + 1;
        for (int t = 0; t < e.Length; t++)
        {
            h[t] = parameters[0];
            dh.Slice(t * k, k).Clear();
            dh[t * k + km] = 1;
        }
    }

    /// <inheritdoc />
    public override double NextVariance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double expectedAbsZ)
        => parameters[0];

    /// <inheritdoc />
    public override int MaxLag => 0;

    /// <inheritdoc />
    public override double[] AnalyticForecast(ReadOnlySpan<double> parameters, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double backcast, double lowerPartialMoment, int horizon)
    {
        var r = new double[horizon];
        Array.Fill(r, parameters[0]);
        return r;
    }

    /// <inheritdoc />
    public override double UnconditionalVariance(ReadOnlySpan<double> parameters, double expectedAbsZ) => parameters[0];
}
