using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using MlNetLstm.Volatility.Parameters;

namespace MlNetLstm.Volatility.Mean;

/// <summary>
/// Autoregressive mean of order p: e_t = y_t - mu - sum_{i=1..p} ar[i] y_{t-i}, for t = p+1..n (the first p
/// observations are conditioning values). Parameters "mu", "ar[1]", ..., "ar[p]"; starting values by OLS.
/// Stationarity of the AR part is not imposed.
/// </summary>
public sealed class ArMean : MeanModel
{
    /// <summary>Creates an AR(p) mean.</summary>
    /// <param name="order">Autoregressive order p &gt;= 1.</param>
    public ArMean(int order = 1)
    {
        if (order < 1 || order > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "AR order must be between 1 and 50.");
        }

        Order = order;
        var ps = new List<ParameterInfo> { new("mu", double.NegativeInfinity, double.PositiveInfinity) };
        for (int i = 1; i <= order; i++)
        {
            ps.Add(new ParameterInfo($"ar[{i}]", -10, 10));
        }

        Parameters = ps.AsReadOnly();
    }

    /// <summary>Autoregressive order p.</summary>
    public int Order { get; }

    /// <inheritdoc />
    public override string Name => $"ar{Order}";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <inheritdoc />
    public override int Lags => Order;

    /// <summary>[p]: the text form is <c>ar(p)</c> (or <c>arP</c>).</summary>
    public override IReadOnlyList<double> Settings => [Order];

    /// <inheritdoc />
    public override double[] StartingValues(ReadOnlySpan<double> y)
    {
        int n = y.Length - Order;
        var x = Matrix<double>.Build.Dense(n, Order + 1);
        var target = Vector<double>.Build.Dense(n);
        for (int t = 0; t < n; t++)
        {
            x[t, 0] = 1;
            for (int i = 1; i <= Order; i++)
            {
                x[t, i] = y[t + Order - i];
            }

            target[t] = y[t + Order];
        }

        var beta = x.QR().Solve(target).ToArray();
        for (int i = 1; i < beta.Length; i++)
        {
            beta[i] = Math.Clamp(beta[i], -0.99, 0.99);
        }

        return beta;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Residuals(ReadOnlySpan<double> parameters, ReadOnlySpan<double> y, Span<double> e)
    {
        int p = Order;
        for (int t = p; t < y.Length; t++)
        {
            double m = parameters[0];
            for (int i = 1; i <= p; i++)
            {
                m += parameters[i] * y[t - i];
            }

            e[t - p] = y[t] - m;
        }
    }

    /// <inheritdoc />
    public override void ResidualJacobian(ReadOnlySpan<double> y, Span<double> jacobian)
    {
        int p = Order;
        int k = p + 1;
        for (int t = p; t < y.Length; t++)
        {
            int row = (t - p) * k;
            jacobian[row] = -1;
            for (int i = 1; i <= p; i++)
            {
                jacobian[row + i] = -y[t - i];
            }
        }
    }

    /// <inheritdoc />
    public override double NextMean(ReadOnlySpan<double> parameters, ReadOnlySpan<double> past)
    {
        double m = parameters[0];
        for (int i = 1; i <= Order && i <= past.Length; i++)
        {
            m += parameters[i] * past[past.Length - i];
        }

        return m;
    }

    /// <inheritdoc />
    public override double[] ImpulseResponse(ReadOnlySpan<double> parameters, int horizon)
    {
        var psi = new double[horizon];
        psi[0] = 1;
        for (int j = 1; j < horizon; j++)
        {
            double s = 0;
            for (int i = 1; i <= Order && i <= j; i++)
            {
                s += parameters[i] * psi[j - i];
            }

            psi[j] = s;
        }

        return psi;
    }
}
