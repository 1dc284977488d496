using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// Pointwise LSTM step for the variants the fused kernel does not cover (peepholes, coupled input-forget gate), used by
/// <see cref="LstmCell"/>. Scalar private kernels; layout as <see cref="LstmPointwise"/>.
/// </summary>
internal static class LstmVariantCell
{
    /// <summary>
    /// f = σ(z_f + w_cf c_prev); i = coupled ? 1 - f : σ(z_i + w_ci c_prev); g = tanh(z_g); c = f c_prev + i g;
    /// o = σ(z_o + w_co c); h = o tanh(c). Peephole spans empty when disabled.
    /// </summary>
    public static void Forward(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> pi, ReadOnlySpan<float> pf, ReadOnlySpan<float> po, bool coupled,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        bool peep = !pi.IsEmpty;
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float cp = cPrev[so + j];
                float zf = z[zo + hidden + j] + (peep ? pf[j] * cp : 0f);
                float f = Activations.SigmoidScalar(zf);
                float i = coupled ? 1f - f : Activations.SigmoidScalar(z[zo + j] + (peep ? pi[j] * cp : 0f));
                float g = MathF.Tanh(z[zo + 2 * hidden + j]);
                float cn = f * cp + i * g;
                float o = Activations.SigmoidScalar(z[zo + 3 * hidden + j] + (peep ? po[j] * cn : 0f));
                gates[zo + j] = i; gates[zo + hidden + j] = f; gates[zo + 2 * hidden + j] = g; gates[zo + 3 * hidden + j] = o;
                c[so + j] = cn;
                h[so + j] = o * MathF.Tanh(cn);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>. dcNext is read and overwritten with dL/dc_prev. Peephole gradients are accumulated.
    /// <paramref name="inputGatePenalty"/> c adds the gradient of c · Σ i: c is added to dL/di (for coupled gates i = 1 - f, so it reaches z_f).
    /// </summary>
    public static void Backward(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> c,
        ReadOnlySpan<float> dh, Span<float> dcNext, ReadOnlySpan<float> pi, ReadOnlySpan<float> pf, ReadOnlySpan<float> po, bool coupled,
        Span<float> dz, Span<float> gPi, Span<float> gPf, Span<float> gPo, float inputGatePenalty = 0f)
    {
        bool peep = !pi.IsEmpty;
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float i = gates[zo + j], f = gates[zo + hidden + j], g = gates[zo + 2 * hidden + j], o = gates[zo + 3 * hidden + j];
                float cp = cPrev[so + j], cn = c[so + j];
                float tc = MathF.Tanh(cn);
                float dhv = dh[so + j];
                float dzo = dhv * tc * o * (1f - o);
                float dc = dcNext[so + j] + dhv * o * (1f - tc * tc) + (peep ? dzo * po[j] : 0f);
                float di = dc * g;
                if (inputGatePenalty != 0f) di += inputGatePenalty;
                float dzg = dc * i * (1f - g * g);
                float df = dc * cp;
                float dzi;
                if (coupled) { df -= di; dzi = 0f; }
                else dzi = di * i * (1f - i);
                float dzf = df * f * (1f - f);
                float dcp = dc * f;
                if (peep)
                {
                    dcp += dzf * pf[j] + (coupled ? 0f : dzi * pi[j]);
                    if (!coupled) gPi[j] += dzi * cp;
                    gPf[j] += dzf * cp;
                    gPo[j] += dzo * cn;
                }
                dz[zo + j] = dzi; dz[zo + hidden + j] = dzf; dz[zo + 2 * hidden + j] = dzg; dz[zo + 3 * hidden + j] = dzo;
                dcNext[so + j] = dcp;
            }
        }
    }
}
