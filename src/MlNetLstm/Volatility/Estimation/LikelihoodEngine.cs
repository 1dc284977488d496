using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility.Estimation;

/// <summary>
/// Composes mean, process and distribution into the log-likelihood
/// LL(theta) = sum_t [ -0.5 log h_t + log f(e_t / sqrt(h_t)) ], theta = [theta_m, theta_v, theta_d],
/// its per-observation scores (analytic when the process supports it, central differences otherwise).
/// Holds scratch buffers: one instance per thread.
/// </summary>
internal sealed class LikelihoodEngine
{
    private readonly double[] _y;
    private readonly double[] _jac;
    private readonly double[] _e;
    private readonly double[] _h;
    private readonly double[] _z;
    private readonly double[] _logf;
    private readonly double[] _gz;
    private readonly double[] _dh;
    private readonly double[] _dd;
    private readonly double[] _ds0;
    private readonly double[] _lplus;
    private readonly double[] _lminus;

    public LikelihoodEngine(ReadOnlySpan<double> y, MeanModel mean, VolatilityProcess process, ErrorDistribution distribution)
    {
        _y = y.ToArray();
        Mean = mean;
        Process = process;
        Distribution = distribution;
        Km = mean.ParameterCount;
        Kv = process.ParameterCount;
        Kd = distribution.ParameterCount;
        K = Km + Kv + Kd;
        N = _y.Length - mean.Lags;
        _jac = new double[N * Km];
        mean.ResidualJacobian(_y, _jac);
        _e = new double[N];
        _h = new double[N];
        _z = new double[N];
        _logf = new double[N];
        _gz = new double[N];
        _dh = new double[N * (Km + Kv)];
        _dd = new double[N * Kd];
        _ds0 = new double[Km];
        _lplus = new double[N];
        _lminus = new double[N];
        var names = new List<ParameterInfo>();
        names.AddRange(mean.Parameters);
        names.AddRange(process.Parameters);
        names.AddRange(distribution.Parameters);
        Parameters = names;
    }

    public MeanModel Mean { get; }

    public VolatilityProcess Process { get; }

    public ErrorDistribution Distribution { get; }

    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public ReadOnlySpan<double> Y => _y;

    public int N { get; }

    public int K { get; }

    public int Km { get; }

    public int Kv { get; }

    public int Kd { get; }

    public bool HasAnalyticGradient => Process.HasAnalyticGradient;

    public bool IsFeasible(ReadOnlySpan<double> theta)
    {
        if (theta.Length != K)
        {
            return false;
        }

        for (int i = 0; i < K; i++)
        {
            var pi = Parameters[i];
            if (!double.IsFinite(theta[i]) || theta[i] < pi.LowerBound || theta[i] > pi.UpperBound)
            {
                return false;
            }
        }

        return Process.IsFeasible(theta.Slice(Km, Kv)) && Distribution.IsFeasible(theta.Slice(Km + Kv, Kd));
    }

    /// <summary>Residuals, backcast and conditional variances at theta into the given buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    public double Filter(ReadOnlySpan<double> theta, Span<double> e, Span<double> h)
    {
        Mean.Residuals(theta[..Km], _y, e);
        double s0 = Backcast(e);
        Process.Variance(theta.Slice(Km, Kv), e, s0, ExpectedAbs(theta), h);
        return s0;
    }

    public double ExpectedAbs(ReadOnlySpan<double> theta)
        => Process is Egarch ? Distribution.ExpectedAbsoluteValue(theta.Slice(Km + Kv, Kd)) : 0.0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Backcast(ReadOnlySpan<double> e)
    {
        double s = 0;
        foreach (var v in e)
        {
            s += v * v;
        }

        return s / e.Length;
    }

    /// <summary>Per-observation log-likelihood terms; returns their sum or -inf when infeasible/non-finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    public double Terms(ReadOnlySpan<double> theta, Span<double> terms)
    {
        if (!IsFeasible(theta))
        {
            return double.NegativeInfinity;
        }

        Filter(theta, _e, _h);
        return Finish(theta, terms, false, Span<double>.Empty);
    }

    public double LogLikelihood(ReadOnlySpan<double> theta) => Terms(theta, _logf);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    private double Finish(ReadOnlySpan<double> theta, Span<double> terms, bool withGradient, Span<double> scores)
    {
        for (int t = 0; t < N; t++)
        {
            double ht = _h[t];
            if (!(ht > 0) || !double.IsFinite(ht))
            {
                return double.NegativeInfinity;
            }

            _z[t] = _e[t] / Math.Sqrt(ht);
        }

        var thetaD = theta.Slice(Km + Kv, Kd);
        Distribution.Evaluate(_z, thetaD, _logf, withGradient ? _gz : Span<double>.Empty, withGradient && Kd > 0 ? _dd : Span<double>.Empty);
        double sum = 0;
        for (int t = 0; t < N; t++)
        {
            double lt = -0.5 * Math.Log(_h[t]) + _logf[t];
            terms[t] = lt;
            sum += lt;
        }

        if (!double.IsFinite(sum))
        {
            return double.NegativeInfinity;
        }

        if (withGradient)
        {
            int kh = Km + Kv;
            for (int t = 0; t < N; t++)
            {
                double sh = Math.Sqrt(_h[t]);
                double a = _gz[t] / sh;
                double b = -0.5 * (1 + _z[t] * _gz[t]) / _h[t];
                var row = scores.Slice(t * K, K);
                var dhRow = new ReadOnlySpan<double>(_dh, t * kh, kh);
                for (int c = 0; c < Km; c++)
                {
                    row[c] = a * _jac[t * Km + c] + b * dhRow[c];
                }

                for (int c = Km; c < kh; c++)
                {
                    row[c] = b * dhRow[c];
                }

                for (int d = 0; d < Kd; d++)
                {
                    row[kh + d] = _dd[t * Kd + d];
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// Log-likelihood, gradient (length K) and per-observation scores (row-major N x K). Returns -inf when
    /// theta is infeasible.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    public double Gradient(ReadOnlySpan<double> theta, Span<double> gradient, Span<double> scores)
    {
        if (!IsFeasible(theta))
        {
            return double.NegativeInfinity;
        }

        double ll = HasAnalyticGradient ? AnalyticScores(theta, scores) : NumericalScores(theta, scores);
        gradient.Clear();
        if (double.IsFinite(ll))
        {
            for (int t = 0; t < N; t++)
            {
                for (int c = 0; c < K; c++)
                {
                    gradient[c] += scores[t * K + c];
                }
            }
        }

        return ll;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    private double AnalyticScores(ReadOnlySpan<double> theta, Span<double> scores)
    {
        Mean.Residuals(theta[..Km], _y, _e);
        double s0 = Backcast(_e);
        for (int c = 0; c < Km; c++)
        {
            double acc = 0;
            for (int t = 0; t < N; t++)
            {
                acc += _e[t] * _jac[t * Km + c];
            }

            _ds0[c] = 2 * acc / N;
        }

        Process.VarianceGradient(theta.Slice(Km, Kv), _e, s0, _jac, Km, _ds0, _h, _dh);
        return Finish(theta, _logf, true, scores);
    }

    private double NumericalScores(ReadOnlySpan<double> theta, Span<double> scores)
    {
        var terms = new double[N];
        double ll = Terms(theta, terms);
        if (!double.IsFinite(ll))
        {
            return ll;
        }

        var p = theta.ToArray();
        for (int j = 0; j < K; j++)
        {
            double step = 1e-6 * Math.Max(Math.Abs(p[j]), 1e-2);
            double orig = p[j];
            p[j] = orig + step;
            double up = Terms(p, _lplus);
            p[j] = orig - step;
            double down = Terms(p, _lminus);
            p[j] = orig;
            if (double.IsFinite(up) && double.IsFinite(down))
            {
                for (int t = 0; t < N; t++)
                {
                    scores[t * K + j] = (_lplus[t] - _lminus[t]) / (2 * step);
                }
            }
            else if (double.IsFinite(up))
            {
                for (int t = 0; t < N; t++)
                {
                    scores[t * K + j] = (_lplus[t] - terms[t]) / step;
                }
            }
            else if (double.IsFinite(down))
            {
                for (int t = 0; t < N; t++)
                {
                    scores[t * K + j] = (terms[t] - _lminus[t]) / step;
                }
            }
            else
            {
                return double.NegativeInfinity;
            }
        }

        // Restore buffers to theta.
        Terms(theta, terms);
        return ll;
    }
}
