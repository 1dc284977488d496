namespace MlNetLstm.Kernels;

/// <summary>
/// Fused LSTM gate activations and cell update, forward and backward, over a batch.
/// Layout (PyTorch): each batch row of pre-activations z holds [i | f | g | o], each of length H.
/// Forward: i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o),
/// c = f * c_prev + i * g, h = o * tanh(c).
/// </summary>
public static partial class LstmPointwise
{
    /// <summary>
    /// Forward step for <paramref name="batch"/> rows of hidden size <paramref name="hidden"/>.
    /// </summary>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="z">Pre-activations [B, 4H] in gate order i, f, g, o.</param>
    /// <param name="cPrev">Previous cell state [B, H].</param>
    /// <param name="gates">Output activations [B, 4H] (i, f, g, o); may alias <paramref name="z"/>.</param>
    /// <param name="c">Output cell state [B, H].</param>
    /// <param name="h">Output hidden state [B, H].</param>
    public static void Forward(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
        => ForwardScalar(batch, hidden, z, cPrev, gates, c, h);

    /// <summary>
    /// Backward step. With dc_total = dcNext + dh * o * (1 - tanh(c)^2):
    /// dz_i = dc_total * g * i(1-i), dz_f = dc_total * c_prev * f(1-f), dz_g = dc_total * i * (1-g^2),
    /// dz_o = dh * tanh(c) * o(1-o), dcPrev = dc_total * f.
    /// </summary>
    /// <param name="batch">Batch rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="gates">Forward activations [B, 4H] (i, f, g, o).</param>
    /// <param name="cPrev">Previous cell state [B, H].</param>
    /// <param name="c">Cell state [B, H] produced by the forward step.</param>
    /// <param name="dh">Gradient of the loss with respect to h [B, H].</param>
    /// <param name="dcNext">Gradient flowing into c from the next step [B, H]; empty means zero.</param>
    /// <param name="dz">Output gradient with respect to the pre-activations [B, 4H].</param>
    /// <param name="dcPrev">Output gradient with respect to c_prev [B, H]; may alias <paramref name="dcNext"/>.</param>
    public static void Backward(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
        => BackwardScalar(batch, hidden, gates, cPrev, c, dh, dcNext, dz, dcPrev);

    internal static void ForwardScalar(int batch, int hidden, ReadOnlySpan<float> z, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float i = Activations.SigmoidScalar(z[zo + j]);
                float f = Activations.SigmoidScalar(z[zo + hidden + j]);
                float g = MathF.Tanh(z[zo + 2 * hidden + j]);
                float o = Activations.SigmoidScalar(z[zo + 3 * hidden + j]);
                float cn = f * cPrev[so + j] + i * g;
                gates[zo + j] = i; gates[zo + hidden + j] = f; gates[zo + 2 * hidden + j] = g; gates[zo + 3 * hidden + j] = o;
                c[so + j] = cn;
                h[so + j] = o * MathF.Tanh(cn);
            }
        }
    }

    internal static void BackwardScalar(int batch, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> c, ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dz, Span<float> dcPrev)
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            int zo = b * g4, so = b * hidden;
            for (int j = 0; j < hidden; j++)
            {
                float i = gates[zo + j], f = gates[zo + hidden + j], g = gates[zo + 2 * hidden + j], o = gates[zo + 3 * hidden + j];
                float tc = MathF.Tanh(c[so + j]);
                float dhv = dh[so + j];
                float dct = (dcNext.IsEmpty ? 0f : dcNext[so + j]) + dhv * o * (1f - tc * tc);
                dz[zo + j] = dct * g * i * (1f - i);
                dz[zo + hidden + j] = dct * cPrev[so + j] * f * (1f - f);
                dz[zo + 2 * hidden + j] = dct * i * (1f - g * g);
                dz[zo + 3 * hidden + j] = dhv * tc * o * (1f - o);
                dcPrev[so + j] = dct * f;
            }
        }
    }
}
