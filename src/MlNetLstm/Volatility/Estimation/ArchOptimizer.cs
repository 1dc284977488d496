using System.Runtime.CompilerServices;
namespace MlNetLstm.Volatility.Estimation;

/// <summary>
/// Bound-constrained maximisation of the log-likelihood: a grid of starting points, a few BFGS iterations from the
/// best ones (inverse Hessian initialised from the outer product of the scores, BHHH), BFGS to convergence from the
/// best, then Newton polishing with a finite-difference Hessian of the gradient. Infeasible trial points are
/// rejected by the backtracking line search; coordinates at a bound with the gradient pointing outwards are held.
/// When the likelihood has an exact Hessian (<see cref="LikelihoodEngine.HasAnalyticHessian"/>: GARCH/GJR family, Normal
/// innovations) the BFGS stages are replaced by damped Newton iterations on that Hessian (a BHHH scoring step where it is
/// not negative definite): a few from each of the best starts, then to convergence from the best; no finite differences.
/// </summary>
internal sealed class ArchOptimizer
{
    private readonly LikelihoodEngine _engine;
    private readonly OptimizerLimits _options;
    private readonly int _k;
    private readonly double[] _scores;
    private readonly double[] _lo;
    private readonly double[] _hi;
    private int _gradEvals;

    public ArchOptimizer(LikelihoodEngine engine, OptimizerLimits options)
    {
        _engine = engine;
        _options = options;
        _k = engine.K;
        _scores = new double[engine.N * _k];
        _lo = engine.Parameters.Select(p => p.LowerBound).ToArray();
        _hi = engine.Parameters.Select(p => p.UpperBound).ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public OptimizationOutcome Maximize(IReadOnlyList<double[]> starts)
    {
        // Rank the starting grid by log-likelihood.
        var ranked = starts
            .Select(s => (Theta: s, Ll: _engine.LogLikelihood(s)))
            .Where(s => double.IsFinite(s.Ll))
            .OrderByDescending(s => s.Ll)
            .Take(Math.Max(1, _options.Starts))
            .ToList();
        if (ranked.Count == 0)
        {
            throw new ArgumentException("No admissible starting value gives a finite log-likelihood; the data may be degenerate (constant, extreme outliers) for this model.");
        }

        if (_k == 0)
        {
            return new OptimizationOutcome(ranked[0].Theta, ranked[0].Ll, 0, 0, 0, true, "No free parameters: log-likelihood evaluated.", Array.Empty<double>());
        }

        if (_engine.HasAnalyticHessian)
        {
            // Newton on the exact Hessian; where it does not converge (typically a maximum on the stationarity boundary, which
            // is not a box bound, so Newton steps keep leaving the feasible set) the BFGS path below takes over from the same
            // starts and from Newton's point, and the better of the two is kept.
            var newton = NewtonMaximize(ranked.Select(r => r.Theta).ToList());
            if (newton.Converged)
            {
                return newton;
            }

            ranked.Insert(0, (newton.Theta, newton.LogLikelihood));
            var bfgs = BfgsMaximize(ranked);
            return bfgs.LogLikelihood >= newton.LogLikelihood ? bfgs with { GradientEvaluations = _gradEvals } : newton with { GradientEvaluations = _gradEvals };
        }

        return BfgsMaximize(ranked);
    }

    /// <summary>BFGS screening from each start, BFGS to convergence from the best, then Newton polishing (see the class summary).</summary>
    private OptimizationOutcome BfgsMaximize(List<(double[] Theta, double Ll)> ranked)
    {
        int iterations = 0;
        State? best = null;
        if (ranked.Count > 1)
        {
            foreach (var (theta, _) in ranked)
            {
                var st = Bfgs(theta, _options.ScreeningIterations, 1e-8, ref iterations);
                if (best is null || st.Ll > best.Ll)
                {
                    best = st;
                }
            }

            best = Bfgs(best!.Theta, _options.MaxIterations, 1e-8, ref iterations, best);
        }
        else
        {
            best = Bfgs(ranked[0].Theta, _options.MaxIterations, 1e-8, ref iterations);
        }

        // Newton polishing.
        var theta0 = best.Theta;
        double ll = best.Ll;
        var g = new double[_k];
        double[]? hessian = null;
        double decrement = double.PositiveInfinity;
        bool hessianOk = false;
        string message = best.Message;
        int newton = 0;
        bool evaluatedAtTheta0 = false; // g, ll and hessian were computed (in this order) at the current theta0
        for (; newton < _options.PolishIterations; newton++)
        {
            ll = Grad(theta0, g);
            var free = FreeMask(theta0, g);
            hessian = Hessian(theta0);
            evaluatedAtTheta0 = true;
            var step = NewtonStep(hessian, g, free, out decrement);
            hessianOk = step is not null;
            if (step is null || decrement < 1e-14 * Math.Max(1, Math.Abs(ll)) || decrement < 1e-13)
            {
                break;
            }

            double t = 1;
            bool accepted = false;
            var trial = new double[_k];
            for (int ls = 0; ls < 30; ls++, t *= 0.5)
            {
                for (int i = 0; i < _k; i++)
                {
                    trial[i] = Math.Clamp(theta0[i] + t * step[i], _lo[i], _hi[i]);
                }

                double lt = _engine.LogLikelihood(trial);
                if (double.IsFinite(lt) && lt >= ll - 1e-12 * Math.Abs(ll))
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                break;
            }

            theta0 = (double[])trial.Clone();
            evaluatedAtTheta0 = false;
            iterations++;
        }

        // The polish usually stops at a point whose gradient and Hessian it has just computed: reuse them (same calls in
        // the same order, so the result is identical) instead of paying for 2k + 1 more gradients.
        if (!evaluatedAtTheta0)
        {
            ll = Grad(theta0, g);
        }

        var freeFinal = FreeMask(theta0, g);
        double gnorm = 0;
        for (int i = 0; i < _k; i++)
        {
            if (freeFinal[i])
            {
                gnorm = Math.Max(gnorm, Math.Abs(g[i]));
            }
        }

        if (!evaluatedAtTheta0)
        {
            hessian = Hessian(theta0);
        }

        hessianOk = NewtonStep(hessian!, g, freeFinal, out decrement) is not null;
        bool converged = hessianOk && decrement < _options.Tolerance;
        int atBound = freeFinal.Count(f => !f);
        string msg;
        if (converged)
        {
            msg = $"Converged: Newton decrement {decrement:G3} < {_options.Tolerance:G3}" + (atBound > 0 ? $"; {atBound} parameter(s) held at a bound." : ".");
        }
        else if (!hessianOk)
        {
            msg = $"Not converged: the Hessian is not negative definite at the final point (flat or boundary likelihood). Last BFGS status: {message}";
        }
        else
        {
            msg = $"Not converged: Newton decrement {decrement:G3} >= {_options.Tolerance:G3} after {iterations} iterations. Last BFGS status: {message}";
        }

        return new OptimizationOutcome(theta0, ll, iterations, _gradEvals, gnorm, converged, msg, hessian);
    }

    /// <summary>State of a Newton run: point, log-likelihood, gradient, Hessian and decrement at that point.</summary>
    private sealed record NewtonState(double[] Theta, double Ll, double[] G, double[] H, double Decrement, bool HessianOk, bool Stalled);

    private double GradHess(ReadOnlySpan<double> theta, Span<double> g, Span<double> h)
    {
        _gradEvals++;
        return _engine.GradientHessian(theta, g, h, Span<double>.Empty); // scores only when a scoring step needs them
    }

    /// <summary>Newton iterations from each start before the best is chosen (each is worth several BFGS iterations; capped by <see cref="OptimizerLimits.ScreeningIterations"/>).</summary>
    private const int NewtonScreeningIterations = 2;

    /// <summary>Screening Newton runs from each start (at most <see cref="OptimizerLimits.ScreeningIterations"/> iterations), then the best to convergence.</summary>
    private OptimizationOutcome NewtonMaximize(List<double[]> starts)
    {
        int iterations = 0;
        NewtonState? best = null;
        if (starts.Count > 1)
        {
            foreach (var theta in starts)
            {
                var st = Newton(theta, Math.Min(_options.ScreeningIterations, NewtonScreeningIterations), ref iterations);
                if (best is null || st.Ll > best.Ll)
                {
                    best = st;
                }
            }
        }

        best = Newton(best?.Theta ?? starts[0], _options.MaxIterations, ref iterations, best);
        var free = FreeMask(best.Theta, best.G);
        double gnorm = 0;
        for (int i = 0; i < _k; i++)
        {
            if (free[i])
            {
                gnorm = Math.Max(gnorm, Math.Abs(best.G[i]));
            }
        }

        bool converged = best.HessianOk && best.Decrement < _options.Tolerance;
        int atBound = free.Count(f => !f);
        string msg = converged
            ? $"Converged: Newton decrement {best.Decrement:G3} < {_options.Tolerance:G3} (analytic Hessian)" + (atBound > 0 ? $"; {atBound} parameter(s) held at a bound." : ".")
            : !best.HessianOk
                ? "Not converged: the Hessian is not negative definite at the final point (flat or boundary likelihood)."
                : $"Not converged: Newton decrement {best.Decrement:G3} >= {_options.Tolerance:G3} after {iterations} iterations" + (best.Stalled ? " (line search failed)." : ".");
        return new OptimizationOutcome(best.Theta, best.Ll, iterations, _gradEvals, gnorm, converged, msg, best.H);
    }

    /// <summary>
    /// Damped Newton ascent with the exact Hessian from <paramref name="start"/>: solve (-H) d = g on the free coordinates (BHHH
    /// scoring matrix instead where -H is not positive definite), backtrack until the Armijo condition holds within rounding, stop
    /// when the Newton decrement is negligible. The returned state's gradient and Hessian are those at its point.
    /// </summary>
    private NewtonState Newton(double[] start, int maxIter, ref int iterations, NewtonState? resume = null)
    {
        var theta = (double[])start.Clone();
        var g = new double[_k];
        var h = new double[_k * _k];
        double ll;
        if (resume is not null)
        {
            ll = resume.Ll;
            resume.G.CopyTo(g, 0);
            resume.H.CopyTo(h, 0);
        }
        else
        {
            ll = GradHess(theta, g, h);
        }

        var trial = new double[_k];
        var gTrial = new double[_k];
        var hTrial = new double[_k * _k];
        bool stalled = false;
        for (int it = 0; ; it++)
        {
            var free = FreeMask(theta, g);
            var step = NewtonStep(h, g, free, out double decrement);
            bool hessianOk = step is not null;
            if (hessianOk && (decrement < 1e-14 * Math.Max(1, Math.Abs(ll)) || decrement < 1e-13))
            {
                return new NewtonState(theta, ll, g, h, decrement, true, false);
            }

            if (it >= maxIter || stalled)
            {
                return new NewtonState(theta, ll, g, h, hessianOk ? decrement : double.PositiveInfinity, hessianOk, stalled);
            }

            step ??= ScoringStep(theta, g, free);
            if (step is null)
            {
                return new NewtonState(theta, ll, g, h, double.PositiveInfinity, false, true);
            }

            // The full step is tried with a gradient-and-Hessian evaluation (it is accepted almost always, and then they are
            // needed there anyway); shorter steps with the log-likelihood alone.
            double t = 1;
            bool accepted = false;
            bool evaluated = false;
            for (int ls = 0; ls < 40; ls++, t *= 0.5)
            {
                double gs = 0;
                for (int i = 0; i < _k; i++)
                {
                    trial[i] = Math.Clamp(theta[i] + t * step[i], _lo[i], _hi[i]);
                    gs += g[i] * (trial[i] - theta[i]);
                }

                double lt = ls == 0 ? GradHess(trial, gTrial, hTrial) : _engine.LogLikelihood(trial);
                if (double.IsFinite(lt) && lt - ll >= 1e-4 * gs - 1e-12 * Math.Abs(ll))
                {
                    accepted = true;
                    evaluated = ls == 0;
                    if (evaluated)
                    {
                        ll = lt;
                        Array.Copy(gTrial, g, _k);
                        Array.Copy(hTrial, h, h.Length);
                    }

                    break;
                }
            }

            if (!accepted)
            {
                stalled = true;
                continue; // report the state at theta (its g and H are current)
            }

            Array.Copy(trial, theta, _k);
            if (!evaluated)
            {
                ll = GradHess(theta, g, h);
            }

            iterations++;
        }
    }

    /// <summary>Fisher-scoring (BHHH) ascent step on the free coordinates from the scores at theta; null if singular.</summary>
    private double[]? ScoringStep(double[] theta, double[] g, bool[] free)
    {
        Grad(theta, new double[_k]); // fills _scores at theta
        var b = SmallDense.CrossProduct(_scores, _engine.N, _k);
        var negH = new double[_k * _k];
        for (int i = 0; i < negH.Length; i++)
        {
            negH[i] = -b[i];
        }

        return NewtonStep(negH, g, free, out _);
    }

    private sealed record State(double[] Theta, double Ll, double[] G, double[] Hinv, string Message);

    private double Grad(ReadOnlySpan<double> theta, Span<double> g)
    {
        _gradEvals++;
        return _engine.Gradient(theta, g, _scores);
    }

    private bool[] FreeMask(ReadOnlySpan<double> theta, ReadOnlySpan<double> g)
    {
        var free = new bool[_k];
        for (int i = 0; i < _k; i++)
        {
            bool atLo = theta[i] <= _lo[i] && g[i] < 0;
            bool atHi = theta[i] >= _hi[i] && g[i] > 0;
            free[i] = !(atLo || atHi);
        }

        return free;
    }

    private double[] BhhhInverse()
    {
        var b = SmallDense.CrossProduct(_scores, _engine.N, _k);
        double trace = 0;
        for (int i = 0; i < _k; i++)
        {
            trace += b[i * _k + i];
        }

        for (int i = 0; i < _k; i++)
        {
            b[i * _k + i] += 1e-10 * trace / _k + 1e-300;
        }

        var inv = SmallDense.InverseSpd(b, _k);
        if (inv is null)
        {
            inv = new double[_k * _k];
            for (int i = 0; i < _k; i++)
            {
                inv[i * _k + i] = 1.0 / Math.Max(b[i * _k + i], 1e-12);
            }
        }

        return inv;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private State Bfgs(double[] start, int maxIter, double tol, ref int iterations, State? resume = null)
    {
        var theta = (double[])start.Clone();
        var g = new double[_k];
        double f;
        double[] hinv;
        if (resume is not null)
        {
            f = resume.Ll;
            Array.Copy(resume.G, g, _k);
            hinv = (double[])resume.Hinv.Clone();
        }
        else
        {
            f = Grad(theta, g);
            hinv = BhhhInverse();
        }

        var d = new double[_k];
        var trial = new double[_k];
        var gNew = new double[_k];
        var s = new double[_k];
        var yv = new double[_k];
        var hy = new double[_k];
        string message = "iteration limit reached";
        for (int it = 0; it < maxIter; it++)
        {
            var free = FreeMask(theta, g);
            double slope = Direction(hinv, g, free, d);
            if (slope <= 0)
            {
                Grad(theta, g);
                hinv = BhhhInverse();
                slope = Direction(hinv, g, free, d);
                if (slope <= 0)
                {
                    message = "no ascent direction";
                    break;
                }
            }

            if (0.5 * slope < tol)
            {
                message = "BFGS converged";
                break;
            }

            double t = 1;
            double fNew = double.NegativeInfinity;
            bool accepted = false;
            for (int ls = 0; ls < 50; ls++, t *= 0.5)
            {
                double gs = 0;
                for (int i = 0; i < _k; i++)
                {
                    trial[i] = Math.Clamp(theta[i] + t * d[i], _lo[i], _hi[i]);
                    gs += g[i] * (trial[i] - theta[i]);
                }

                fNew = _engine.LogLikelihood(trial);
                if (double.IsFinite(fNew) && fNew >= f + 1e-4 * gs)
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                message = "line search failed";
                break;
            }

            fNew = Grad(trial, gNew);
            double sy = 0;
            for (int i = 0; i < _k; i++)
            {
                s[i] = trial[i] - theta[i];
                yv[i] = -(gNew[i] - g[i]);
                sy += s[i] * yv[i];
            }

            if (sy > 1e-14 * Math.Sqrt(Dot(s, s) * Dot(yv, yv)) && sy > 0)
            {
                // H <- (I - rho s y') H (I - rho y s') + rho s s'
                double rho = 1 / sy;
                for (int i = 0; i < _k; i++)
                {
                    double acc = 0;
                    for (int j = 0; j < _k; j++)
                    {
                        acc += hinv[i * _k + j] * yv[j];
                    }

                    hy[i] = acc;
                }

                double yhy = Dot(yv, hy);
                for (int i = 0; i < _k; i++)
                {
                    for (int j = 0; j < _k; j++)
                    {
                        hinv[i * _k + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
                    }
                }
            }

            Array.Copy(trial, theta, _k);
            Array.Copy(gNew, g, _k);
            double change = fNew - f;
            f = fNew;
            iterations++;
            if (change >= 0 && change < 1e-14 * Math.Max(1, Math.Abs(f)))
            {
                message = "relative function change below 1e-14";
                break;
            }
        }

        return new State(theta, f, (double[])g.Clone(), hinv, message);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private double Direction(double[] hinv, double[] g, bool[] free, double[] d)
    {
        double slope = 0;
        for (int i = 0; i < _k; i++)
        {
            double acc = 0;
            if (free[i])
            {
                for (int j = 0; j < _k; j++)
                {
                    if (free[j])
                    {
                        acc += hinv[i * _k + j] * g[j];
                    }
                }
            }

            d[i] = acc;
            slope += acc * g[i];
        }

        return slope;
    }

    /// <summary>Hessian of the log-likelihood at theta: exact when <see cref="LikelihoodEngine.HasAnalyticHessian"/>, else finite differences of gradients (central where feasible), symmetrised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Hessian(double[] theta)
    {
        var hess = new double[_k * _k];
        if (_engine.HasAnalyticHessian)
        {
            var grad = new double[_k];
            if (double.IsFinite(GradHess(theta, grad, hess)))
            {
                return hess;
            }

            hess.AsSpan().Clear();
        }

        var gp = new double[_k];
        var gm = new double[_k];
        var g0 = new double[_k];
        bool haveG0 = false;
        var p = (double[])theta.Clone();
        for (int j = 0; j < _k; j++)
        {
            double step = (_engine.HasAnalyticGradient ? 1e-5 : 1e-4) * Math.Max(Math.Abs(theta[j]), 1e-3);
            p[j] = theta[j] + step;
            double up = Grad(p, gp);
            p[j] = theta[j] - step;
            double down = Grad(p, gm);
            p[j] = theta[j];
            double denom = 2 * step;
            if (!double.IsFinite(up) || !double.IsFinite(down))
            {
                if (!haveG0)
                {
                    Grad(theta, g0);
                    haveG0 = true;
                }

                if (double.IsFinite(up))
                {
                    Array.Copy(g0, gm, _k);
                    denom = step;
                }
                else if (double.IsFinite(down))
                {
                    Array.Copy(g0, gp, _k);
                    denom = step;
                }
                else
                {
                    Array.Fill(gp, double.NaN);
                    Array.Fill(gm, 0);
                }
            }

            for (int i = 0; i < _k; i++)
            {
                hess[i * _k + j] = (gp[i] - gm[i]) / denom;
            }
        }

        for (int i = 0; i < _k; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double avg = 0.5 * (hess[i * _k + j] + hess[j * _k + i]);
                hess[i * _k + j] = avg;
                hess[j * _k + i] = avg;
            }
        }

        return hess;
    }

    /// <summary>Newton step on the free coordinates: solves (-H) d = g; null when -H is not positive definite.</summary>
    private double[]? NewtonStep(double[] hessian, double[] g, bool[] free, out double decrement)
    {
        var idx = Enumerable.Range(0, _k).Where(i => free[i]).ToArray();
        int m = idx.Length;
        decrement = 0;
        var step = new double[_k];
        if (m == 0)
        {
            return step;
        }

        var a = new double[m * m];
        var b = new double[m];
        for (int i = 0; i < m; i++)
        {
            b[i] = g[idx[i]];
            for (int j = 0; j < m; j++)
            {
                a[i * m + j] = -hessian[idx[i] * _k + idx[j]];
            }
        }

        if (a.Any(v => !double.IsFinite(v)) || !SmallDense.Cholesky(a, m))
        {
            decrement = double.PositiveInfinity;
            return null;
        }

        var x = (double[])b.Clone();
        SmallDense.CholeskySolve(a, m, x);
        for (int i = 0; i < m; i++)
        {
            step[idx[i]] = x[i];
            decrement += 0.5 * x[i] * b[i];
        }

        return step;
    }
}
