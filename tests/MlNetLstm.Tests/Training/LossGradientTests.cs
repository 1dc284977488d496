using MlNetLstm.Models;
using MlNetLstm.Tests.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// End-to-end gradient of the training losses (MSE, Gaussian NLL, softmax cross-entropy) through the dense head and the recurrent network:
/// dL/dy from <see cref="Losses.Sum"/>, backpropagated by the engine, against central finite differences of the
/// double-precision reference network composed with the double-precision loss formula.
/// </summary>
public class LossGradientTests
{
    private const int I = 3, H = 4, T = 5, B = 2;

    private static double RefLoss(Loss kind, double[] y, float[] targets, int rows, int K)
    {
        double s = 0;
        int W = Losses.OutputSizeFor(kind, K);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < K; k++)
            {
                double t = targets[r * K + k];
                if (kind == Loss.SoftmaxCrossEntropy)
                {
                    double z = 0;
                    for (int q = 0; q < K; q++) z += Math.Exp(y[r * W + q]);
                    s -= t * (y[r * W + k] - Math.Log(z));
                }
                else if (kind == Loss.MeanSquaredError) s += (y[r * W + k] - t) * (y[r * W + k] - t);
                else
                {
                    double mu = y[r * W + k], lv = y[r * W + K + k];
                    s += 0.5 * (lv + (t - mu) * (t - mu) * Math.Exp(-lv) + Math.Log(2 * Math.PI));
                }
            }
        return kind == Loss.SoftmaxCrossEntropy ? s / rows : s / (rows * K);
    }

    [Theory]
    [InlineData(Loss.MeanSquaredError, HeadMode.LastStep)]
    [InlineData(Loss.MeanSquaredError, HeadMode.EveryStep)]
    [InlineData(Loss.GaussianNll, HeadMode.LastStep)]
    [InlineData(Loss.GaussianNll, HeadMode.EveryStep)]
    [InlineData(Loss.SoftmaxCrossEntropy, HeadMode.LastStep)]
    [InlineData(Loss.SoftmaxCrossEntropy, HeadMode.EveryStep)]
    public void Loss_gradients_through_head_and_lstm_match_finite_differences(Loss kind, HeadMode mode)
    {
        const int K = 2;
        var spec = new RecurrentNetworkSpec { InputSize = I, HiddenSize = H, OutputSize = Losses.OutputSizeFor(kind, K), HeadMode = mode };
        var layout = RecurrentNetwork.CreateLayout(spec);
        var p = GradientCheckTests.Random(layout.TotalLength, 21, 0.6f);
        var net = RecurrentNetwork.FromParameters(spec, p);
        var x = GradientCheckTests.Random(B * T * I, 22);
        int rows = B * (mode == HeadMode.EveryStep ? T : 1);
        var targets = GradientCheckTests.Random(rows * K, 23, 1.5f);

        var y = net.Forward(x, B, T).Values.ToArray();
        var dy = new float[y.Length];
        int n = kind == Loss.SoftmaxCrossEntropy ? rows : rows * K;
        double loss = Losses.Sum(kind, y, targets, rows, K, 1f / n, dy) / n;
        var pd = p.Select(v => (double)v).ToArray();
        var xd = x.Select(v => (double)v).ToArray();
        RefLoss(kind, ReferenceNetwork.Forward(spec, layout, pd, xd, null, B, T), targets, rows, K).Should().BeApproximately(loss, 1e-5);

        var grads = net.ComputeGradients(x, B, T, dy);
        FiniteDifferences.Check(pd, th => RefLoss(kind, ReferenceNetwork.Forward(spec, layout, th, xd, null, B, T), targets, rows, K),
            k => grads.Parameters[k], 1e-5, 1e-3, k => $"{kind}/{mode}: d/d{GradientCheckTests.NameOf(layout, k)}")
            .Should().BeGreaterThan(0, "the loss depends on the parameters");
    }
}
