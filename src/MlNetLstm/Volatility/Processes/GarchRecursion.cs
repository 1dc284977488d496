using System.Runtime.CompilerServices;
using MlNetLstm.Volatility.Parameters;
namespace MlNetLstm.Volatility.Processes;

/// <summary>
/// Shared GARCH(p, o, q) / GJR arithmetic. Parameter layout [omega, alpha_1..p, gamma_1..o, beta_1..q]:
/// h_t = omega + sum alpha_i e_{t-i}^2 + sum gamma_i 1(e_{t-i} &lt; 0) e_{t-i}^2 + sum beta_j h_{t-j}.
/// </summary>
internal static class GarchRecursion
{
    public static IReadOnlyList<ParameterInfo> MakeParameters(int p, int o, int q)
    {
        var list = new List<ParameterInfo> { new("omega", 0, double.PositiveInfinity) };
        for (int i = 1; i <= p; i++)
        {
            list.Add(new ParameterInfo(p == 1 ? "alpha" : $"alpha[{i}]", 0, 1));
        }

        for (int i = 1; i <= o; i++)
        {
            list.Add(new ParameterInfo(o == 1 ? "gamma" : $"gamma[{i}]", -1, 2));
        }

        for (int i = 1; i <= q; i++)
        {
            list.Add(new ParameterInfo(q == 1 ? "beta" : $"beta[{i}]", 0, 1));
        }

        return list.AsReadOnly();
    }

    public static double Persistence(ReadOnlySpan<double> w, int p, int o, int q)
    {
        double s = 0;
        for (int i = 0; i < p; i++)
        {
            s += w[1 + i];
        }

        for (int i = 0; i < o; i++)
        {
            s += 0.5 * w[1 + p + i];
        }

        for (int i = 0; i < q; i++)
        {
            s += w[1 + p + o + i];
        }

        return s;
    }

    public static bool IsFeasible(ReadOnlySpan<double> w, int p, int o, int q)
    {
        if (w.Length != 1 + p + o + q || !(w[0] > 0) || double.IsInfinity(w[0]))
        {
            return false;
        }

        for (int i = 0; i < p; i++)
        {
            if (!(w[1 + i] >= 0 && w[1 + i] <= 1))
            {
                return false;
            }
        }

        for (int i = 0; i < o; i++)
        {
            double g = w[1 + p + i];
            double a = i < p ? w[1 + i] : 0;
            if (!(g >= -1 && g <= 2) || a + g < 0)
            {
                return false;
            }
        }

        for (int i = 0; i < q; i++)
        {
            if (!(w[1 + p + o + i] >= 0 && w[1 + p + o + i] <= 1))
            {
                return false;
            }
        }

        return Persistence(w, p, o, q) < 1;
    }

    public static double[][] StartingGrid(double variance, int p, int o, int q)
    {
        var result = new List<double[]>();
        double[] alphas = p > 0 ? new[] { 0.05, 0.1, 0.2 } : new[] { 0.0 };
        double[] gammas = o > 0 ? new[] { 0.0, 0.1 } : new[] { 0.0 };
        double[] persistences = q > 0 ? new[] { 0.9, 0.98 } : new[] { 0.0 };
        foreach (var a in alphas)
        {
            foreach (var g in gammas)
            {
                foreach (var pers in persistences)
                {
                    double b = q > 0 ? pers - a - 0.5 * g : 0;
                    if (q > 0 && b <= 0.05)
                    {
                        continue;
                    }

                    double total = q > 0 ? pers : a + 0.5 * g;
                    var w = new double[1 + p + o + q];
                    w[0] = variance * Math.Max(1 - total, 0.01);
                    for (int i = 0; i < p; i++)
                    {
                        w[1 + i] = a / p;
                    }

                    for (int i = 0; i < o; i++)
                    {
                        w[1 + p + i] = g / o;
                    }

                    for (int i = 0; i < q; i++)
                    {
                        w[1 + p + o + i] = b / q;
                    }

                    result.Add(w);
                }
            }
        }

        return result.ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    public static void Variance(ReadOnlySpan<double> w, int p, int o, int q, ReadOnlySpan<double> e, double s0, Span<double> h)
    {
        int n = e.Length;
        if (p == 1 && q == 1 && o <= 1)
        {
            double omega = w[0], alpha = w[1], gamma = o == 1 ? w[2] : 0, beta = w[2 + o];
            double prev = omega + (alpha + 0.5 * gamma + beta) * s0;
            h[0] = prev;
            for (int t = 1; t < n; t++)
            {
                double el = e[t - 1];
                double e2 = el * el;
                prev = omega + (el < 0 ? alpha + gamma : alpha) * e2 + beta * prev;
                h[t] = prev;
            }

            return;
        }

        for (int t = 0; t < n; t++)
        {
            h[t] = Step(w, p, o, q, e[..t], h[..t], s0);
        }
    }

    /// <summary>
    /// The next filtered variance exactly as <see cref="Variance"/> computes it: the (1,1) fast path's arithmetic (with h_{t-1}
    /// carried in <paramref name="carry"/>) for p = q = 1, o &lt;= 1, else <see cref="Step"/>.
    /// </summary>
    public static double FilterStep(ReadOnlySpan<double> w, int p, int o, int q, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double s0, ref double carry)
    {
        if (p == 1 && q == 1 && o <= 1)
        {
            double omega = w[0], alpha = w[1], gamma = o == 1 ? w[2] : 0, beta = w[2 + o];
            if (ePast.Length == 0)
            {
                return carry = omega + (alpha + 0.5 * gamma + beta) * s0;
            }

            double el = ePast[^1];
            double e2 = el * el;
            return carry = omega + (el < 0 ? alpha + gamma : alpha) * e2 + beta * carry;
        }

        return Step(w, p, o, q, ePast, hPast, s0);
    }

    public static double Step(ReadOnlySpan<double> w, int p, int o, int q, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double s0)
    {
        int t = ePast.Length;
        double v = w[0];
        for (int i = 1; i <= p; i++)
        {
            int s = t - i;
            v += w[i] * (s >= 0 ? ePast[s] * ePast[s] : s0);
        }

        for (int i = 1; i <= o; i++)
        {
            int s = t - i;
            v += w[p + i] * (s >= 0 ? (ePast[s] < 0 ? ePast[s] * ePast[s] : 0) : 0.5 * s0);
        }

        int th = hPast.Length;
        for (int j = 1; j <= q; j++)
        {
            int s = th - j;
            v += w[p + o + j] * (s >= 0 ? hPast[s] : s0);
        }

        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every fit: full optimisation from the first call
    public static void Gradient(ReadOnlySpan<double> w, int p, int o, int q, ReadOnlySpan<double> e, double s0, ReadOnlySpan<double> jac, int km, ReadOnlySpan<double> ds0, Span<double> h, Span<double> dh)
    {
        int n = e.Length;
        int kv = 1 + p + o + q;
        int k = km + kv;
        for (int t = 0; t < n; t++)
        {
            double v = w[0];
            var row = dh.Slice(t * k, k);
            row.Clear();
            row[km] = 1; // d/d omega
            for (int i = 1; i <= p; i++)
            {
                int s = t - i;
                double a = w[i];
                if (s >= 0)
                {
                    double es = e[s];
                    v += a * es * es;
                    row[km + i] += es * es;
                    for (int c = 0; c < km; c++)
                    {
                        row[c] += a * 2 * es * jac[s * km + c];
                    }
                }
                else
                {
                    v += a * s0;
                    row[km + i] += s0;
                    for (int c = 0; c < km; c++)
                    {
                        row[c] += a * ds0[c];
                    }
                }
            }

            for (int i = 1; i <= o; i++)
            {
                int s = t - i;
                double g = w[p + i];
                if (s >= 0)
                {
                    double es = e[s];
                    if (es < 0)
                    {
                        v += g * es * es;
                        row[km + p + i] += es * es;
                        for (int c = 0; c < km; c++)
                        {
                            row[c] += g * 2 * es * jac[s * km + c];
                        }
                    }
                }
                else
                {
                    v += g * 0.5 * s0;
                    row[km + p + i] += 0.5 * s0;
                    for (int c = 0; c < km; c++)
                    {
                        row[c] += g * 0.5 * ds0[c];
                    }
                }
            }

            for (int j = 1; j <= q; j++)
            {
                int s = t - j;
                double b = w[p + o + j];
                if (s >= 0)
                {
                    v += b * h[s];
                    row[km + p + o + j] += h[s];
                    var prevRow = dh.Slice(s * k, k);
                    for (int c = 0; c < k; c++)
                    {
                        row[c] += b * prevRow[c];
                    }
                }
                else
                {
                    v += b * s0;
                    row[km + p + o + j] += s0;
                    for (int c = 0; c < km; c++)
                    {
                        row[c] += b * ds0[c];
                    }
                }
            }

            h[t] = v;
        }
    }

    /// <summary>
    /// Second derivatives of the variance recursion: fills h, dh (n x k, k = km + kv, as <see cref="Gradient"/>) and d2h
    /// (n x k x k, symmetric) with d2h_t[a, b] = d^2 h_t / d theta_a d theta_b. Residuals are linear in the mean parameters
    /// (de/dtheta_m = <paramref name="jac"/>, constant), so with A_s = e_s^2 (s &gt;= 0) or s0, G_s = 1(e_s &lt; 0) e_s^2 or s0 / 2,
    /// H_s = h_s or s0:
    /// d2h_t[a,b] = sum_i (d(a=alpha_i) A_b + d(b=alpha_i) A_a + alpha_i A_ab) + (same for gamma_i with G) + sum_j (d(a=beta_j) H_b + d(b=beta_j) H_a + beta_j H_ab),
    /// where A_ab = 2 jac_a jac_b (mean x mean, s &gt;= 0) or <paramref name="d2s0"/> (s &lt; 0), and H_ab = d2h_s[a,b] or d2s0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hessian(ReadOnlySpan<double> w, int p, int o, int q, ReadOnlySpan<double> e, double s0, ReadOnlySpan<double> jac, int km,
        ReadOnlySpan<double> ds0, ReadOnlySpan<double> d2s0, Span<double> h, Span<double> dh, Span<double> d2h)
    {
        Gradient(w, p, o, q, e, s0, jac, km, ds0, h, dh);
        int n = e.Length;
        int k = km + 1 + p + o + q, kk = k * k;
        for (int t = 0; t < n; t++)
        {
            var m = d2h.Slice(t * kk, kk);
            m.Clear();
            // ARCH and asymmetry terms: x = e_s^2 (weight 1) or 1(e_s < 0) e_s^2; presample s0 (or s0 / 2).
            for (int pass = 0; pass < 2; pass++)
            {
                int count = pass == 0 ? p : o, offset = pass == 0 ? 1 : 1 + p;
                for (int i = 1; i <= count; i++)
                {
                    int s = t - i, col = km + offset + i - 1;
                    double coef = w[offset + i - 1];
                    if (s >= 0)
                    {
                        double es = e[s];
                        if (pass == 1 && !(es < 0))
                        {
                            continue;
                        }

                        for (int a = 0; a < km; a++)
                        {
                            double xa = 2 * es * jac[s * km + a]; // dA_s / dtheta_a
                            m[a * k + col] += xa;
                            m[col * k + a] += xa;
                            for (int b = 0; b < km; b++)
                            {
                                m[a * k + b] += coef * 2 * jac[s * km + a] * jac[s * km + b];
                            }
                        }
                    }
                    else
                    {
                        double f = pass == 0 ? 1 : 0.5;
                        for (int a = 0; a < km; a++)
                        {
                            m[a * k + col] += f * ds0[a];
                            m[col * k + a] += f * ds0[a];
                            for (int b = 0; b < km; b++)
                            {
                                m[a * k + b] += coef * f * d2s0[a * km + b];
                            }
                        }
                    }
                }
            }

            for (int j = 1; j <= q; j++)
            {
                int s = t - j, col = km + p + o + j;
                double b = w[p + o + j];
                if (s >= 0)
                {
                    var prev = dh.Slice(s * k, k);
                    var prev2 = d2h.Slice(s * kk, kk);
                    for (int a = 0; a < k; a++)
                    {
                        m[a * k + col] += prev[a];
                        m[col * k + a] += prev[a];
                    }

                    for (int c = 0; c < kk; c++)
                    {
                        m[c] += b * prev2[c];
                    }
                }
                else
                {
                    for (int a = 0; a < km; a++)
                    {
                        m[a * k + col] += ds0[a];
                        m[col * k + a] += ds0[a];
                        for (int c = 0; c < km; c++)
                        {
                            m[a * k + c] += b * d2s0[a * km + c];
                        }
                    }
                }
            }
        }
    }

    public static double[] Forecast(ReadOnlySpan<double> w, int p, int o, int q, ReadOnlySpan<double> ePast, ReadOnlySpan<double> hPast, double s0, double lowerPartial, int horizon)
    {
        // Work on a short tail of the past plus the forecast horizon; future E[e^2] = E[h], E[1(e<0) e^2] = m- E[h].
        int lag = Math.Max(Math.Max(p, o), q);
        int tail = Math.Min(lag, ePast.Length);
        int htail = Math.Min(lag, hPast.Length);
        var e2 = new List<double>();
        var e2neg = new List<double>();
        var hs = new List<double>();
        for (int i = 0; i < lag - tail; i++)
        {
            e2.Add(s0);
            e2neg.Add(0.5 * s0);
        }

        for (int i = ePast.Length - tail; i < ePast.Length; i++)
        {
            double x = ePast[i];
            e2.Add(x * x);
            e2neg.Add(x < 0 ? x * x : 0);
        }

        for (int i = 0; i < lag - htail; i++)
        {
            hs.Add(s0);
        }

        for (int i = hPast.Length - htail; i < hPast.Length; i++)
        {
            hs.Add(hPast[i]);
        }

        var result = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            int t = e2.Count;
            double v = w[0];
            for (int i = 1; i <= p; i++)
            {
                v += w[i] * e2[t - i];
            }

            for (int i = 1; i <= o; i++)
            {
                v += w[p + i] * e2neg[t - i];
            }

            int th = hs.Count;
            for (int j = 1; j <= q; j++)
            {
                v += w[p + o + j] * hs[th - j];
            }

            result[k] = v;
            e2.Add(v);
            e2neg.Add(lowerPartial * v);
            hs.Add(v);
        }

        return result;
    }
}
