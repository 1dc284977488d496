using System.Runtime.CompilerServices;
namespace MlNetLstm.Volatility.Mean;

/// <summary>
/// Conditional mean of the returns: e_t = y_t - m_t(theta_m). Mean models are linear in their parameters,
/// so the Jacobian de_t / dtheta_m does not depend on theta_m. A model with <see cref="Lags"/> = p drops the
/// first p observations (conditional likelihood), so residuals have length n - p.
/// Instances are immutable and thread-safe.
/// </summary>
public abstract class MeanModel
{
    /// <summary>Short name ("zero", "constant", "ar1", ...).</summary>
    public abstract string Name { get; }

    /// <summary>Estimated parameters of the mean (empty for <see cref="ZeroMean"/>).</summary>
    public abstract IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>Number of mean parameters.</summary>
    public int ParameterCount => Parameters.Count;

    /// <summary>Number of leading observations used only as lagged regressors.</summary>
    public abstract int Lags { get; }

    /// <summary>Starting values (least squares).</summary>
    internal abstract double[] StartingValues(ReadOnlySpan<double> y);

    /// <summary>Residuals e (length y.Length - Lags).</summary>
    internal abstract void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e);

    /// <summary>Row-major (y.Length - Lags) x ParameterCount Jacobian de_t / dtheta_m.</summary>
    internal abstract void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian);

    /// <summary>Conditional mean of the next value given the past values (oldest first).</summary>
    internal abstract double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past);

    /// <summary>Moving-average weights psi_0 = 1, psi_1, ... of the mean's response to a residual shock.</summary>
    internal virtual double[] ImpulseResponse(ReadOnlySpan<double> parameters, int horizon)
    {
        var psi = new double[horizon];
        psi[0] = 1;
        return psi;
    }
}

/// <summary>Zero mean: e_t = y_t. No parameters.</summary>
public sealed class ZeroMean : MeanModel
{
    /// <inheritdoc />
    public override string Name => "zero";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = Array.Empty<ParameterInfo>();

    /// <inheritdoc />
    public override int Lags => 0;

    internal override double[] StartingValues(ReadOnlySpan<double> y) => Array.Empty<double>();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e) => y.CopyTo(e);

    internal override void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian)
    {
    }

    internal override double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past) => 0;
}

/// <summary>Constant mean: e_t = y_t - mu. Parameter "mu".</summary>
public sealed class ConstantMean : MeanModel
{
    /// <inheritdoc />
    public override string Name => "constant";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; } = new[] { new ParameterInfo("mu", double.NegativeInfinity, double.PositiveInfinity) };

    /// <inheritdoc />
    public override int Lags => 0;

    internal override double[] StartingValues(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (var v in y)
        {
            s += v;
        }

        return new[] { s / y.Length };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e)
    {
        double mu = parameters[0];
        for (int i = 0; i < y.Length; i++)
        {
            e[i] = y[i] - mu;
        }
    }

    internal override void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian) => jacobian.Fill(-1.0);

    internal override double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past) => parameters[0];
}
