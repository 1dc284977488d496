using MlNetLstm.Kernels;

namespace MlNetLstm.Kernels.Tests;

/// <summary>
/// The public API must run exactly the path KernelInfo.ActiveIsa names: its output is compared bit for bit with the
/// internal method of that path (or with the scalar reference when the active level is Scalar).
/// </summary>
public class DispatchTests
{
    private static string ActivePath => KernelInfo.ActiveIsa switch
    {
        IsaLevel.Avx512 => "Avx512",
        IsaLevel.Avx2Fma => "Avx2Fma",
        IsaLevel.Vector256 => "Vector256",
        IsaLevel.Vector128 => "Vector128",
        _ => "Scalar",
    };

    [Fact]
    public void ActivationsUseTheActivePath()
    {
        float[] x = TestData.Uniform(11, 203, -9f, 9f);
        float[] pub = new float[x.Length], direct = new float[x.Length];
        Activations.Sigmoid(x, pub);
        Activations.Sigmoid(KernelInfo.ActiveIsa, x, direct);
        Check.BitwiseEqual(direct, pub, "sigmoid");
        Activations.Tanh(x, pub);
        Activations.Tanh(KernelInfo.ActiveIsa, x, direct);
        Check.BitwiseEqual(direct, pub, "tanh");
    }

    [Fact]
    public void GemmGemvAndLstmUseTheActivePath()
    {
        float[] a = TestData.Uniform(1, 70 * 90), b = TestData.Uniform(2, 90 * 130);
        float[] c1 = new float[70 * 130], c2 = new float[70 * 130];
        Gemm.Multiply(false, true, 70, 130, 90, 1f, a, 90, b, 90, 0f, c1, 130);
        GemmTests.Of(ActivePath)(false, true, 70, 130, 90, 1f, a, 90, b, 90, 0f, c2, 130);
        Check.BitwiseEqual(c2, c1, "gemm");

        float[] w = TestData.Uniform(3, 40 * 77), xv = TestData.Uniform(4, 40);
        float[] y1 = new float[77], y2 = new float[77];
        Gemv.MultiplyTransposedAdd(w, 40, 77, xv, y1);
        Gemv.MultiplyTransposedAdd(KernelInfo.ActiveIsa, w, 40, 77, xv, y2);
        Check.BitwiseEqual(y2, y1, "gemv");

        int hd = 37, batch = 3;
        float[] z = TestData.Uniform(5, 4 * hd * batch, -3f, 3f), cp = TestData.Uniform(6, hd * batch);
        float[] g1 = new float[z.Length], g2 = new float[z.Length], cc1 = new float[cp.Length], cc2 = new float[cp.Length], h1 = new float[cp.Length], h2 = new float[cp.Length];
        LstmPointwise.Forward(batch, hd, z, cp, g1, cc1, h1);
        LstmPointwise.Forward(KernelInfo.ActiveIsa, batch, hd, z, cp, g2, cc2, h2);
        Check.BitwiseEqual(g2, g1, "lstm gates");
        Check.BitwiseEqual(h2, h1, "lstm h");
    }
}
