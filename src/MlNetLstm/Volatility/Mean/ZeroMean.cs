using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Parameters;
namespace MlNetLstm.Volatility.Mean;

/// <summary>Zero mean: e_t = y_t. No parameters.</summary>
public sealed class ZeroMean : MeanModel
{
    /// <inheritdoc />
    public override string Name => "zero";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = Array.Empty<ParameterInfo>();

    /// <inheritdoc />
    public override int Lags => 0;

    /// <inheritdoc />
    public override double[] StartingValues(ReadOnlySpan<double> y) => Array.Empty<double>();

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e) => y.CopyTo(e);

    /// <inheritdoc />
    public override void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian)
    {
    }

    /// <inheritdoc />
    public override double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past) => 0;
}
