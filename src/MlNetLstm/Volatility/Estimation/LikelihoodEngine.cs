using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Parameters;
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
    private readonly double[] _products;
    private double[]? _d2h;
    private double[]? _scoreScratch;
    private double[]? _d2s0;

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
        _products = new double[N / 8 + 1];
        var names = new List<ParameterInfo>();
        names.AddRange(mean.Parameters);
        names.AddRange(process.Parameters);
        names.AddRange(distribution.Parameters);
        Parameters = names;
        IsGarchOneOneNormal = Km <= 1 && Kd == 0 && distribution.IsStandardNormal && process.IsGarchOneOne;
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

    /// <summary>True when <see cref="GradientHessian"/> is exact: a GARCH/GJR-family process with Normal innovations (every mean model is linear in its parameters).</summary>
    public bool HasAnalyticHessian => Process.HasAnalyticHessian && Distribution.IsStandardNormal && Kd == 0;

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
        => Process.UsesExpectedAbsoluteInnovation ? Distribution.ExpectedAbsoluteValue(theta.Slice(Km + Kv, Kd)) : 0.0;

    /// <summary>The backcast s0 = mean(e²) over the estimation sample: the EWMA start rule <see cref="RiskMetrics.StartVariance"/>.</summary>
    public static double Backcast(ReadOnlySpan<double> e) => RiskMetrics.StartVariance(e);

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

    /// <summary>Log-likelihood at theta, or -inf when infeasible or non-finite (one pass without per-term buffers for GARCH(1,1)/GJR with Normal innovations).</summary>
    public double LogLikelihood(ReadOnlySpan<double> theta)
    {
        if (IsGarchOneOneNormal)
        {
            return IsFeasible(theta) ? GarchOneOneNormalLogLikelihood(theta) : double.NegativeInfinity;
        }

        return Terms(theta, _logf);
    }

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

    /// <summary>
    /// Log-likelihood, gradient, per-observation scores (as <see cref="Gradient"/>; not written when <paramref name="scores"/> is empty) and the exact Hessian (row-major K x K) for
    /// Normal innovations, l_t = -0.5 log(2 pi) - 0.5 log h_t - 0.5 e_t^2 / h_t with e linear in the mean parameters:
    /// d2l_t/dadb = h_ab (e^2/h - 1) / (2h) + h_a h_b (1/(2h^2) - e^2/h^3) - e_a e_b / h + e (e_a h_b + e_b h_a) / h^2.
    /// Returns -inf (gradient and Hessian cleared) when theta is infeasible. Only valid when <see cref="HasAnalyticHessian"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double GradientHessian(ReadOnlySpan<double> theta, Span<double> gradient, Span<double> hessian, Span<double> scores)
    {
        if (!HasAnalyticHessian)
        {
            throw new InvalidOperationException("The analytic Hessian needs a GARCH-family process and Normal innovations.");
        }

        gradient.Clear();
        hessian.Clear();
        if (!IsFeasible(theta))
        {
            return double.NegativeInfinity;
        }

        if (IsGarchOneOneNormal)
        {
            return GarchOneOneNormal(theta, gradient, hessian, scores);
        }

        return GeneralGradientHessian(theta, gradient, hessian, scores.IsEmpty ? (_scoreScratch ??= new double[N * K]) : scores);
    }

    /// <summary>The general (any GARCH order, any mean) path of <see cref="GradientHessian"/>, through GarchRecursion.Hessian; theta feasible.</summary>
    internal double GeneralGradientHessian(ReadOnlySpan<double> theta, Span<double> gradient, Span<double> hessian, Span<double> scores)
    {
        gradient.Clear();
        hessian.Clear();
        int kh = Km + Kv;
        _d2h ??= new double[N * kh * kh];
        _d2s0 ??= new double[Km * Km];
        double s0 = ResidualsAndBackcast(theta);
        for (int c = 0; c < Km; c++)
        {
            for (int d = 0; d < Km; d++)
            {
                double a2 = 0;
                for (int t = 0; t < N; t++)
                {
                    a2 += _jac[t * Km + c] * _jac[t * Km + d];
                }

                _d2s0[c * Km + d] = 2 * a2 / N;
            }
        }

        Process.VarianceHessian(theta.Slice(Km, Kv), _e, s0, _jac, Km, _ds0, _d2s0, _h, _dh, _d2h);
        double ll = Finish(theta, _logf, true, scores);
        if (!double.IsFinite(ll))
        {
            return double.NegativeInfinity;
        }

        for (int t = 0; t < N; t++)
        {
            for (int c = 0; c < K; c++)
            {
                gradient[c] += scores[t * K + c];
            }

            double ht = _h[t], et = _e[t], inv = 1 / ht, e2h = et * et * inv;
            double c2 = 0.5 * (e2h - 1) * inv;               // coefficient of h_ab
            double c11 = (0.5 - e2h) * inv * inv;           // of h_a h_b
            double ceh = et * inv * inv;                     // of e_a h_b + e_b h_a
            var dhRow = new ReadOnlySpan<double>(_dh, t * kh, kh);
            var d2Row = new ReadOnlySpan<double>(_d2h, t * kh * kh, kh * kh);
            for (int a = 0; a < kh; a++)
            {
                double ea = a < Km ? _jac[t * Km + a] : 0;
                for (int b = 0; b <= a; b++)
                {
                    double eb = b < Km ? _jac[t * Km + b] : 0;
                    double v = c2 * d2Row[a * kh + b] + c11 * dhRow[a] * dhRow[b] - ea * eb * inv + ceh * (ea * dhRow[b] + eb * dhRow[a]);
                    hessian[a * K + b] += v;
                }
            }
        }

        for (int a = 0; a < K; a++)
        {
            for (int b = 0; b < a; b++)
            {
                hessian[b * K + a] = hessian[a * K + b];
            }
        }

        return ll;
    }

    /// <summary>
    /// True for the one-pass special case: GARCH(1,1) or GJR(1,1,1) (<see cref="VolatilityProcess.IsGarchOneOne"/>), at most one
    /// mean parameter, Normal innovations (<see cref="ErrorDistribution.IsStandardNormal"/>); fixed at construction.
    /// </summary>
    private bool IsGarchOneOneNormal { get; }

    /// <summary>
    /// The one-pass loops sum log h_t with one logarithm per 8 terms (of the product of 8 variances). That product cannot
    /// overflow or lose precision while every h_t lies in [1e-36, 1e36]; outside that range the loops report "not in range"
    /// and the caller falls back to the general per-term path.
    /// </summary>
    private const double ProductLow = 1e-36, ProductHigh = 1e36;

    private static double SumOfLogs(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += Math.Log(v);
        }

        return s;
    }

    /// <summary>a * b + c with one rounding (an FMA instruction where the hardware has one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double F(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    /// <summary>1 when the sign bit of <paramref name="x"/> is set, else 0, without a branch (-0 gives 1, but it only ever multiplies e^2 = 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double NegativeIndicator(double x) => (double)((ulong)BitConverter.DoubleToInt64Bits(x) >> 63);

    /// <summary>Log-likelihood of the one-pass special case (see <see cref="IsGarchOneOneNormal"/>); theta already checked feasible.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double GarchOneOneNormalLogLikelihood(ReadOnlySpan<double> theta)
    {
        const double HalfLog2Pi = 0.91893853320467274178;
        int km = Km, o = Kv - 3;
        double omega = theta[km], alpha = theta[km + 1], gamma = o == 1 ? theta[km + 2] : 0, beta = theta[km + 2 + o];
        Mean.Residuals(theta[..km], _y, _e);
        ReadOnlySpan<double> e = _e;
        int n = N;
        double s0 = Backcast(e);
        double h = omega + (alpha + 0.5 * gamma + beta) * s0;
        double prod = 1, quad = 0;
        Span<double> products = _products;
        bool inRange = true;
        for (int t = 0; ; t++)
        {
            inRange &= (h >= ProductLow) & (h <= ProductHigh);
            double et = e[t];
            prod *= h;
            if ((t & 7) == 7)
            {
                products[t >> 3] = prod; // no call in the loop: a call would push every loop variable to the stack
                prod = 1;
            }

            quad += et * et / h;
            if (t + 1 == n)
            {
                break;
            }

            h = omega + (alpha + gamma * NegativeIndicator(et)) * (et * et) + beta * h;
        }

        if (!inRange)
        {
            return Terms(theta, _logf);
        }

        double ll = -n * HalfLog2Pi - 0.5 * (SumOfLogs(products[..(n >> 3)]) + Math.Log(prod)) - 0.5 * quad;
        return double.IsFinite(ll) ? ll : double.NegativeInfinity;
    }

    /// <summary>
    /// <see cref="GradientHessian"/> for the one-pass special case: h_t, its gradient and Hessian in theta' = (mu, omega, alpha,
    /// gamma, beta) are carried from t-1 to t in locals (GarchRecursion.Hessian with p = q = 1; with no mean parameter the
    /// residual derivative is 0, without GJR gamma = 0 and its row is dropped), and the log-likelihood, scores and Hessian are
    /// accumulated on the way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double GarchOneOneNormal(ReadOnlySpan<double> theta, Span<double> gradient, Span<double> hessian, Span<double> scores)
    {
        const double HalfLog2Pi = 0.91893853320467274178;
        int km = Km, k = K, o = Kv - 3;
        double omega = theta[km], alpha = theta[km + 1], gamma = o == 1 ? theta[km + 2] : 0, beta = theta[km + 2 + o];
        Mean.Residuals(theta[..km], _y, _e);
        ReadOnlySpan<double> e = _e;
        ReadOnlySpan<double> jac = _jac;
        int n = N;
        double s0 = Backcast(e), ds0 = 0, d2s0 = 0;
        if (km == 1)
        {
            double a1 = 0, a2 = 0;
            for (int t = 0; t < n; t++)
            {
                a1 += e[t] * jac[t];
                a2 += jac[t] * jac[t];
            }

            ds0 = 2 * a1 / n;
            d2s0 = 2 * a2 / n;
        }

        // t = 0 from the presample values (e^2 -> s0, 1(e<0) e^2 -> s0 / 2, h -> s0).
        double h = omega + (alpha + 0.5 * gamma + beta) * s0;
        double dm = (alpha + 0.5 * gamma + beta) * ds0, dw = 1, da = s0, dg = 0.5 * s0, db = s0;
        // h_t is linear in (omega, alpha, gamma) for fixed (mu, beta), so only these second derivatives are non-zero.
        double mm = (alpha + 0.5 * gamma + beta) * d2s0, ma = ds0, mg = 0.5 * ds0, mb = ds0;
        double wb = 0, ab = 0, gb = 0, bb = 0;
        // Accumulated log-likelihood Hessian (same 15 entries) and score sums.
        double Hmm = 0, Hmw = 0, Hma = 0, Hmg = 0, Hmb = 0, Hww = 0, Hwa = 0, Hwg = 0, Hwb = 0, Haa = 0, Hag = 0, Hab = 0, Hgg = 0, Hgb = 0, Hbb = 0;
        double Gm = 0, Gw = 0, Ga = 0, Gg = 0, Gb = 0;
        double prod = 1, quad = 0;
        Span<double> products = _products;
        bool inRange = true, withScores = !scores.IsEmpty;
        for (int t = 0; ; t++)
        {
            inRange &= (h >= ProductLow) & (h <= ProductHigh);
            double et = e[t], jt = km == 1 ? jac[t] : 0, inv = 1 / h, e2h = et * et * inv;
            prod *= h;
            if ((t & 7) == 7)
            {
                products[t >> 3] = prod; // no call in the loop: a call would push every loop variable to the stack
                prod = 1;
            }

            quad += e2h;
            double c1 = 0.5 * (e2h - 1) * inv;     // dl/dh, also the coefficient of h_ab
            double c11 = (0.5 - e2h) * inv * inv;  // coefficient of h_a h_b
            double ce = -et * inv * jt;            // dl/dmu through e
            double sm = c1 * dm + ce, sw = c1 * dw, sa = c1 * da, sg = c1 * dg, sb = c1 * db;
            if (withScores)
            {
                var row = scores.Slice(t * k, k);
                if (km == 1)
                {
                    row[0] = sm;
                }

                row[km] = sw;
                row[km + 1] = sa;
                if (o == 1)
                {
                    row[km + 2] = sg;
                }

                row[km + 2 + o] = sb;
            }
            Gm += sm; Gw += sw; Ga += sa; Gg += sg; Gb += sb;
            double ceh = et * inv * inv * jt;      // e e_mu / h^2
            double qm = c11 * dm, qw = c11 * dw, qa = c11 * da, qg = c11 * dg, qb = c11 * db;
            Hmm = F(c1, mm, F(qm, dm, Hmm)) + (2 * ceh * dm - jt * jt * inv);
            Hmw = F(qm, dw, F(ceh, dw, Hmw));
            Hma = F(c1, ma, F(qm, da, F(ceh, da, Hma)));
            Hmg = F(c1, mg, F(qm, dg, F(ceh, dg, Hmg)));
            Hmb = F(c1, mb, F(qm, db, F(ceh, db, Hmb)));
            Hww = F(qw, dw, Hww);
            Hwa = F(qw, da, Hwa);
            Hwg = F(qw, dg, Hwg);
            Hwb = F(c1, wb, F(qw, db, Hwb));
            Haa = F(qa, da, Haa);
            Hag = F(qa, dg, Hag);
            Hab = F(c1, ab, F(qa, db, Hab));
            Hgg = F(qg, dg, Hgg);
            Hgb = F(c1, gb, F(qg, db, Hgb));
            Hbb = F(c1, bb, F(qb, db, Hbb));
            if (t + 1 == n)
            {
                break;
            }

            // Step to t + 1: x = e_t^2, xg = 1(e_t < 0) e_t^2 and their mean derivatives; second derivatives first (they read dh_t).
            double neg = NegativeIndicator(et);
            double x = et * et, xg = neg * x;
            double dx = 2 * et * jt, dxg = neg * dx, d2x = 2 * jt * jt, d2xg = neg * d2x;
            mm = F(beta, mm, F(alpha, d2x, gamma * d2xg));
            ma = F(beta, ma, dx);
            mg = F(beta, mg, dxg);
            mb = F(beta, mb, dm);
            wb = F(beta, wb, dw);
            ab = F(beta, ab, da);
            gb = F(beta, gb, dg);
            bb = F(beta, bb, 2 * db);
            dm = F(beta, dm, F(alpha, dx, gamma * dxg));
            dw = F(beta, dw, 1);
            da = F(beta, da, x);
            dg = F(beta, dg, xg);
            db = F(beta, db, h);
            h = omega + (alpha + gamma * neg) * x + beta * h;
        }

        gradient.Clear();
        hessian.Clear();
        if (!inRange)
        {
            return GeneralGradientHessian(theta, gradient, hessian, scores.IsEmpty ? (_scoreScratch ??= new double[N * K]) : scores);
        }

        double ll = -n * HalfLog2Pi - 0.5 * (SumOfLogs(products[..(n >> 3)]) + Math.Log(prod)) - 0.5 * quad;
        if (!double.IsFinite(ll))
        {
            return double.NegativeInfinity;
        }

        // Scatter theta' = (mu, omega, alpha, gamma, beta) into theta (mu absent when km = 0, gamma absent without GJR).
        Span<int> map = stackalloc int[] { km == 1 ? 0 : -1, km, km + 1, o == 1 ? km + 2 : -1, km + 2 + o };
        ReadOnlySpan<double> g5 = stackalloc double[] { Gm, Gw, Ga, Gg, Gb };
        ReadOnlySpan<double> h5 = stackalloc double[]
        {
            Hmm, Hmw, Hma, Hmg, Hmb,
            Hmw, Hww, Hwa, Hwg, Hwb,
            Hma, Hwa, Haa, Hag, Hab,
            Hmg, Hwg, Hag, Hgg, Hgb,
            Hmb, Hwb, Hab, Hgb, Hbb,
        };
        for (int a = 0; a < 5; a++)
        {
            if (map[a] < 0)
            {
                continue;
            }

            gradient[map[a]] = g5[a];
            for (int b = 0; b < 5; b++)
            {
                if (map[b] >= 0)
                {
                    hessian[map[a] * k + map[b]] = h5[a * 5 + b];
                }
            }
        }

        return ll;
    }

    /// <summary>
    /// Residuals e = y - mean(θ_mean) into the residual buffer, the backcast s0 = mean e² and its gradient
    /// ds0/dθ_c = 2/N Σ_t e_t ∂e_t/∂θ_c (the residual Jacobian is constant for the linear means) into <c>_ds0</c>.
    /// </summary>
    private double ResidualsAndBackcast(ReadOnlySpan<double> theta)
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

        return s0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    private double AnalyticScores(ReadOnlySpan<double> theta, Span<double> scores)
    {
        double s0 = ResidualsAndBackcast(theta);

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
