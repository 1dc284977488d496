using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Mean;

/// <summary>
/// Conditional mean of the returns: e_t = y_t - m_t(theta_m). Mean models are linear in their parameters,
/// so the Jacobian de_t / dtheta_m does not depend on theta_m. A model with <see cref="Lags"/> = p drops the
/// first p observations (conditional likelihood), so residuals have length n - p.
/// <para>
/// To add a mean model (in this assembly or your own), derive from this class and implement <see cref="Name"/>,
/// <see cref="Parameters"/>, <see cref="Lags"/>, <see cref="StartingValues"/>, <see cref="Residuals"/>,
/// <see cref="ResidualJacobian"/> and <see cref="NextMean"/> (and <see cref="ImpulseResponse"/> when the mean feeds back
/// past returns). The residuals must be linear in the parameters (the engine's analytic gradient and Hessian assume a
/// constant Jacobian). To save fits of it or name it in the text form, register it with
/// <see cref="ArchComponents.RegisterMean{T}"/>.
/// </para>
/// Instances must be immutable and thread-safe.
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

    /// <summary>
    /// The fixed (not estimated) settings that rebuild this mean through its registered factory
    /// (<see cref="ArchComponents.RegisterMean{T}"/>): the numbers of its text form, for example [p] for <c>ar(p)</c>. Default none.
    /// </summary>
    public virtual IReadOnlyList<double> Settings => Array.Empty<double>();

    /// <summary>Starting values (length <see cref="ParameterCount"/>), for example by least squares.</summary>
    /// <param name="y">The returns y_1..y_n.</param>
    /// <returns>The starting values.</returns>
    public abstract double[] StartingValues(ReadOnlySpan<double> y);

    /// <summary>Residuals e_t = y_t - m_t(theta_m) for t = Lags+1..n into e (length y.Length - Lags).</summary>
    /// <param name="parameters">Mean parameters, length <see cref="ParameterCount"/>.</param>
    /// <param name="y">The returns, length n.</param>
    /// <param name="e">Receives the residuals, length n - Lags.</param>
    public abstract void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e);

    /// <summary>The Jacobian de_t / dtheta_m (constant: residuals are linear in the parameters), row-major (n - Lags) x ParameterCount.</summary>
    /// <param name="y">The returns, length n.</param>
    /// <param name="jacobian">Receives the Jacobian.</param>
    public abstract void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian);

    /// <summary>Conditional mean m_{t+1} of the next value given the past values (oldest first).</summary>
    /// <param name="parameters">Mean parameters.</param>
    /// <param name="past">Returns observed so far, oldest first.</param>
    /// <returns>E[y_{t+1} | past].</returns>
    public abstract double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past);

    /// <summary>
    /// Moving-average weights psi_0 = 1, psi_1, ..., psi_{horizon-1} of the mean's response to a residual shock, used for the
    /// return variance of multi-step forecasts. Default: psi = (1, 0, 0, ...), a mean that does not feed back past returns.
    /// </summary>
    /// <param name="parameters">Mean parameters.</param>
    /// <param name="horizon">Number of weights.</param>
    /// <returns>psi, length <paramref name="horizon"/>.</returns>
    public virtual double[] ImpulseResponse(ReadOnlySpan<double> parameters, int horizon)
    {
        var psi = new double[horizon];
        psi[0] = 1;
        return psi;
    }
}
