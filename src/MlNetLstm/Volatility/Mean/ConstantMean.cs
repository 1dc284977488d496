using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Parameters;
namespace MlNetLstm.Volatility.Mean;

/// <summary>Constant mean: e_t = y_t - mu. Parameter "mu".</summary>
public sealed class ConstantMean : MeanModel
{
    /// <inheritdoc />
    public override string Name => "constant";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[] { new ParameterInfo("mu", double.NegativeInfinity, double.PositiveInfinity) };

    /// <inheritdoc />
    public override int Lags => 0;

    /// <inheritdoc />
    public override double[] StartingValues(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (var v in y)
        {
            s += v;
        }

        return new[] { s / y.Length };
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e)
    {
        double mu = parameters[0];
        for (int i = 0; i < y.Length; i++)
        {
            e[i] = y[i] - mu;
        }
    }

    /// <inheritdoc />
    public override void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian) => jacobian.Fill(-1.0);

    /// <inheritdoc />
    public override double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past) => parameters[0];
}
