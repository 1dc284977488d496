using MlNetLstm.Models;
using MlNetLstm.Models.Attention;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Models;

/// <summary>
/// <see cref="LocalWindowAttention"/>: forward pass against an independent naive double-precision reference (keys and
/// values computed directly from z = e + P, not by the model's linearity shortcut), analytic gradients against central
/// finite differences of that reference (eps 1e-6), locality and causality, determinism, learning inside the window and
/// argument validation.
/// </summary>
public class LocalWindowAttentionTests
{
    private const int I = 3;

    public static IEnumerable<object[]> Variants() => new[]
    {
        // heads, feed-forward width, window, steps, every-step head
        new object[] { 1, 0, 3, 6, false }, new object[] { 1, 5, 3, 6, true }, new object[] { 2, 0, 4, 7, true },
        new object[] { 2, 6, 4, 7, false }, new object[] { 1, 5, 9, 5, true }, new object[] { 4, 3, 2, 5, true },
        new object[] { 2, 4, 1, 4, false },
    };

    private static LocalWindowAttentionSpec Spec(int heads, int ffn, int window, bool everyStep, int model = 4, int outputs = 2) => new()
    {
        InputSize = I, ModelSize = model, Heads = heads, FeedForwardSize = ffn, WindowSize = window, OutputSize = outputs,
        HeadMode = everyStep ? HeadMode.EveryStep : HeadMode.LastStep,
    };

    /// <summary>Naive reference: the formulas of the class summary, one step and one offset at a time, in double precision.</summary>
    private static double[] Reference(LocalWindowAttentionSpec spec, double[] p, double[] x, int batch, int steps)
    {
        var L = LocalWindowAttention.CreateLayout(spec);
        int D = spec.ModelSize, W = spec.WindowSize, Nh = spec.Heads, Dk = D / Nh, F = spec.FeedForwardSize, O = spec.OutputSize;
        double[] Lin(string w, string? b, double[] v, int rows, int cols)
        {
            var y = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                double s = b is null ? 0 : p[L[b].Offset + r];
                for (int c = 0; c < cols; c++) s += p[L[w].Offset + r * cols + c] * v[c];
                y[r] = s;
            }
            return y;
        }
        bool every = spec.HeadMode == HeadMode.EveryStep;
        var output = new List<double>();
        for (int b = 0; b < batch; b++)
        {
            var e = new double[steps][];
            for (int s = 0; s < steps; s++) e[s] = Lin("input.weight", "input.bias", x.Skip((b * steps + s) * I).Take(I).ToArray(), D, I);
            for (int t = every ? 0 : steps - 1; t < steps; t++)
            {
                int n = Math.Min(W, t + 1);
                var z = new double[n][];
                for (int j = 0; j < n; j++) z[j] = e[t - j].Select((v, d) => v + p[L["position"].Offset + j * D + d]).ToArray();
                var q = Lin("query.weight", "query.bias", z[0], D, D);
                var k = z.Select(zj => Lin("key.weight", null, zj, D, D)).ToArray();
                var v = z.Select(zj => Lin("value.weight", null, zj, D, D)).ToArray();
                var o = new double[D];
                for (int h = 0; h < Nh; h++)
                {
                    var sc = new double[n];
                    for (int j = 0; j < n; j++)
                    {
                        for (int d = h * Dk; d < (h + 1) * Dk; d++) sc[j] += q[d] * k[j][d];
                        sc[j] /= Math.Sqrt(Dk);
                    }
                    double mx = sc.Max(), zs = sc.Sum(s => Math.Exp(s - mx));
                    for (int j = 0; j < n; j++)
                        for (int d = h * Dk; d < (h + 1) * Dk; d++) o[d] += Math.Exp(sc[j] - mx) / zs * v[j][d];
                }
                var wo = Lin("attention_output.weight", "attention_output.bias", o, D, D);
                var u = e[t].Select((ev, d) => ev + wo[d]).ToArray();
                var m = u;
                if (F > 0)
                {
                    var r = Lin("feed_forward1.weight", "feed_forward1.bias", u, F, D).Select(a => Math.Max(a, 0)).ToArray();
                    var f2 = Lin("feed_forward2.weight", "feed_forward2.bias", r, D, F);
                    m = u.Select((uv, d) => uv + f2[d]).ToArray();
                }
                output.AddRange(Lin("head.weight", "head.bias", m, O, D));
            }
        }
        return output.ToArray();
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Forward_matches_the_reference_and_gradients_match_double_precision_finite_differences(int heads, int ffn, int window, int steps, bool everyStep)
    {
        const int B = 2;
        var spec = Spec(heads, ffn, window, everyStep);
        var p = GradientCheckTests.Random(LocalWindowAttention.CreateLayout(spec).TotalLength, 1, 0.7f);
        var model = LocalWindowAttention.FromParameters(spec, p);
        var x = GradientCheckTests.Random(B * steps * I, 2);
        var y = model.Forward(x, B, steps);
        var pd = p.Select(v => (double)v).ToArray();
        var xd = x.Select(v => (double)v).ToArray();
        var reference = Reference(spec, pd, xd, B, steps);
        y.Values.Length.Should().Be(reference.Length).And.Be(B * (everyStep ? steps : 1) * spec.OutputSize);
        for (int k = 0; k < reference.Length; k++) y.Values[k].Should().BeApproximately((float)reference[k], 1e-5f, $"output {k}");

        var probe = GradientCheckTests.Random(reference.Length, 3);
        double Loss(double[] theta, double[] input) => Reference(spec, theta, input, B, steps).Select((v, k) => v * probe[k]).Sum();
        var grads = model.ComputeGradients(x, B, steps, probe);
        FiniteDifferences.Check(pd, th => Loss(th, xd), k => grads.Parameters[k], 1e-5, 1e-5, k => $"dL/dθ[{k}] ({ViewName(model.Layout, k)})")
            .Should().BeGreaterThan(pd.Length / 2, "most parameters influence the output");
        FiniteDifferences.Check(xd, xs => Loss(pd, xs), k => grads.Inputs[k], 1e-5, 1e-5, k => $"dL/dx[{k}]");
    }

    [Theory]
    [InlineData(2, 5, 4, 9, true)]
    [InlineData(1, 0, 3, 6, false)]
    public void Double_precision_backward_matches_finite_differences_of_the_models_own_forward_to_1e_8(int heads, int ffn, int window, int steps, bool everyStep)
    {
        var spec = Spec(heads, ffn, window, everyStep, model: 6);
        var topo = new AttentionTopology(spec);
        var theta = GradientCheckTests.Random(topo.Layout.TotalLength, 11, 0.8f).Select(v => (double)v).ToArray();
        var x = GradientCheckTests.Random(steps * I, 12);
        var dy = GradientCheckTests.Random((everyStep ? steps : 1) * spec.OutputSize, 13).Select(v => (double)v).ToArray();
        var g = LocalWindowAttention.GradientDouble(topo, theta, x, steps, dy, new double[steps * I]);
        double L(double[] th) => LocalWindowAttention.ForwardDouble(topo, th, x, steps).Select((v, k) => v * dy[k]).Sum();
        FiniteDifferences.Check(theta, L, k => g[k], 1e-8, 1e-7, k => $"θ[{k}] ({ViewName(topo.Layout, k)})")
            .Should().BeGreaterThan(theta.Length / 2, "most parameters influence the output");
    }

    private static string ViewName(ParameterLayout layout, int index) =>
        layout.Views.First(v => index >= v.Offset && index < v.Offset + v.Length).Name;

    [Fact]
    public void An_input_outside_the_window_cannot_change_the_output_one_inside_does()
    {
        const int T = 12, W = 4;
        var spec = Spec(2, 6, W, everyStep: true, model: 8, outputs: 3);
        var model = LocalWindowAttention.Create(spec, 3);
        var x = GradientCheckTests.Random(T * I, 4);
        var y0 = model.Forward(x, 1, T).Values.ToArray();
        for (int s = 0; s < T; s++)
        {
            var x1 = (float[])x.Clone();
            x1[s * I + 1] += 0.7f;
            var y1 = model.Forward(x1, 1, T).Values.ToArray();
            for (int t = 0; t < T; t++)
            {
                bool visible = s <= t && s > t - W;
                var before = y0.AsSpan(t * 3, 3).ToArray();
                var after = y1.AsSpan(t * 3, 3).ToArray();
                if (visible) after.Should().NotEqual(before, $"step {s} is inside the window of step {t}");
                else after.Should().Equal(before, $"step {s} is outside the window of step {t} (bitwise)");
            }
        }
        // Last-step head: only the last W steps matter, and the gradient says so too.
        var last = LocalWindowAttention.Create(spec with { HeadMode = HeadMode.LastStep }, 3);
        var g = last.ComputeGradients(x, 1, T, new float[] { 1f, -1f, 0.5f }).Inputs;
        for (int s = 0; s < T; s++)
        {
            double norm = Math.Abs(g[s * I]) + Math.Abs(g[s * I + 1]) + Math.Abs(g[s * I + 2]);
            if (s < T - W) norm.Should().Be(0, $"step {s} is outside the last window");
            else norm.Should().BeGreaterThan(0, $"step {s} is inside the last window");
        }
    }

    [Fact]
    public void Attention_weights_are_distributions_over_the_available_window()
    {
        const int T = 5, W = 3;
        var model = LocalWindowAttention.Create(Spec(2, 0, W, everyStep: true), 5);
        var output = model.Forward(GradientCheckTests.Random(2 * T * I, 6), 2, T, captureAttention: true);
        output.HasAttention.Should().BeTrue();
        output.AttentionWeights.Length.Should().Be(2 * T * 2 * W);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < 2; h++)
                {
                    double sum = 0;
                    for (int j = 0; j < W; j++)
                    {
                        float a = output.Attention(b, t, h, j);
                        if (j > t) a.Should().Be(0, "offsets before the sequence start get no weight");
                        else a.Should().BeGreaterThan(0);
                        sum += a;
                    }
                    sum.Should().BeApproximately(1, 1e-6);
                }
        model.Forward(new float[T * I], 1, T).HasAttention.Should().BeFalse();
        FluentActions.Invoking(() => model.Forward(new float[T * I], 1, T).Attention(0, 0, 0, 0)).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => output.Attention(0, 0, 0, W)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "offset");
    }

    /// <summary>Cue (one of <paramref name="symbols"/>) at step 0, random distractor symbols, query flag at step delay; target: the cue.</summary>
    private static SequenceDataset Recall(int count, int delay, int symbols, int seed)
    {
        var r = new Random(seed);
        int T = delay + 1, In = 2 * symbols + 1;
        var x = new float[count * T * In];
        var y = new float[count * symbols];
        for (int n = 0; n < count; n++)
        {
            int s = r.Next(symbols);
            x[n * T * In + s] = 1f;
            for (int t = 1; t < T - 1; t++) x[(n * T + t) * In + symbols + r.Next(symbols)] = 1f;
            x[(n * T + T - 1) * In + 2 * symbols] = 1f;
            y[n * symbols + s] = 1f;
        }
        return new SequenceDataset(x, count, T, In, y, symbols);
    }

    private static double Accuracy(LocalWindowAttention model, SequenceDataset data) =>
        MlNetLstm.Tests.Training.LearningTasks.ArgmaxAccuracy(model.Forward(data.Inputs, data.Count, data.Steps).Values, data);

    [Fact]
    public void Learns_recall_inside_the_window_and_stays_at_chance_beyond_it()
    {
        const int Delay = 6, K = 4;
        var train = Recall(512, Delay, K, 1);
        var test = Recall(400, Delay, K, 2);
        var options = new TrainingOptions { Epochs = 15, BatchSize = 32, LearningRate = 1e-2f, LossFunction = Loss.SoftmaxCrossEntropy, Seed = 3 };
        var spec = new LocalWindowAttentionSpec { InputSize = 2 * K + 1, ModelSize = 16, WindowSize = Delay + 2, OutputSize = K };
        var inside = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec, 4), train, options);
        inside.Report.StopReason.Should().Be(StopReason.Completed);
        inside.Report.TrainingLoss[^1].Should().BeLessThan(0.1 * inside.Report.TrainingLoss[0]);
        Accuracy(inside.Model, test).Should().BeGreaterThan(0.95, "the cue is inside the window");
        var beyond = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec with { WindowSize = Delay }, 4), train, options);
        Accuracy(beyond.Model, test).Should().BeLessThan(0.4, "the cue is one step beyond the window (chance 0.25)");
        LocalWindowAttentionTrainer.Evaluate(inside.Model, test, Loss.SoftmaxCrossEntropy)
            .Should().BeLessThan(LocalWindowAttentionTrainer.Evaluate(beyond.Model, test, Loss.SoftmaxCrossEntropy));
    }

    [Fact]
    public void Same_seed_same_model_and_results_do_not_depend_on_the_thread_count()
    {
        var spec = new LocalWindowAttentionSpec { InputSize = 9, ModelSize = 8, WindowSize = 5, Heads = 2, OutputSize = 4 };
        LocalWindowAttention.Create(spec, 7).Parameters.ToArray().Should().Equal(LocalWindowAttention.Create(spec, 7).Parameters.ToArray());
        LocalWindowAttention.Create(spec, 8).Parameters.ToArray().Should().NotEqual(LocalWindowAttention.Create(spec, 7).Parameters.ToArray());
        var data = Recall(100, 4, 4, 5);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 20, ChunkSize = 4, LossFunction = Loss.SoftmaxCrossEntropy, Seed = 9, ValidationFraction = 0.2 };
        var a = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec, 7), data, options with { Threads = 1 });
        var b = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec, 7), data, options with { Threads = 2 });
        var c = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec, 7), data, options with { Threads = 2 });
        a.Model.Parameters.ToArray().Should().Equal(b.Model.Parameters.ToArray());
        b.Model.Parameters.ToArray().Should().Equal(c.Model.Parameters.ToArray());
        a.Report.TrainingLoss.Should().Equal(b.Report.TrainingLoss);
        a.Report.ValidationLoss.Should().HaveCount(3);
        a.Report.OptimizerSteps.Should().Be(3 * 4);
        var d = LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(spec, 7), data, options with { Seed = 10 });
        d.Model.Parameters.ToArray().Should().NotEqual(a.Model.Parameters.ToArray(), "another shuffling seed");
    }

    [Fact]
    public void Trains_per_step_targets_with_mse_and_does_not_modify_its_input_model()
    {
        // y_t = x_{t-2} (a copy task within a window of 4).
        const int N = 200, T = 8;
        var r = new Random(1);
        var x = new float[N * T]; var y = new float[N * T];
        for (int n = 0; n < N; n++)
            for (int t = 0; t < T; t++) x[n * T + t] = r.NextSingle() * 2 - 1;
        for (int n = 0; n < N; n++)
            for (int t = 2; t < T; t++) y[n * T + t] = x[n * T + t - 2];
        var data = new SequenceDataset(x, N, T, 1, y, 1, targetsPerStep: true);
        var spec = new LocalWindowAttentionSpec { InputSize = 1, ModelSize = 8, WindowSize = 4, OutputSize = 1, HeadMode = HeadMode.EveryStep };
        var initial = LocalWindowAttention.Create(spec, 2);
        var before = initial.Parameters.ToArray();
        var result = LocalWindowAttentionTrainer.Train(initial, data, new TrainingOptions { Epochs = 30, LearningRate = 1e-2f, Seed = 1 });
        initial.Parameters.ToArray().Should().Equal(before);
        result.Report.TrainingLoss[^1].Should().BeLessThan(0.1 * result.Report.TrainingLoss[0]);
        LocalWindowAttentionTrainer.Evaluate(result.Model, data).Should().BeLessThan(0.05);
    }

    [Fact]
    public void Bad_arguments_throw_exceptions_naming_the_argument()
    {
        var ok = new LocalWindowAttentionSpec { InputSize = 3, OutputSize = 2 };
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { InputSize = 0 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "InputSize");
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { ModelSize = 0 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "ModelSize");
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { WindowSize = 0 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "WindowSize");
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { Heads = 3 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Heads").WithMessage("*divide ModelSize*");
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { FeedForwardSize = -1 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "FeedForwardSize");
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { OutputSize = 0 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "OutputSize");
        FluentActions.Invoking(() => LocalWindowAttention.Create(ok with { HeadMode = (HeadMode)7 }, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "HeadMode");
        FluentActions.Invoking(() => LocalWindowAttention.Create(null!, 1)).Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "spec");
        FluentActions.Invoking(() => LocalWindowAttention.FromParameters(ok, new float[3]))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "parameters").WithMessage("*length 3*");
        var model = LocalWindowAttention.Create(ok, 1);
        var nan = model.Parameters.ToArray(); nan[5] = float.NaN;
        FluentActions.Invoking(() => LocalWindowAttention.FromParameters(ok, nan))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "parameters").WithMessage("*index 5*");
        FluentActions.Invoking(() => model.Forward(new float[7], 1, 2)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "inputs");
        FluentActions.Invoking(() => model.Forward(new float[0], 0, 2)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "batch");
        FluentActions.Invoking(() => model.Forward(new float[0], 1, 0)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "steps");
        var x = new float[6]; x[4] = float.PositiveInfinity;
        FluentActions.Invoking(() => model.Forward(x, 1, 2)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "inputs").WithMessage("*step 1, feature 1*");
        FluentActions.Invoking(() => model.ComputeGradients(new float[6], 1, 2, new float[3]))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "outputGradient");
        FluentActions.Invoking(() => model.ComputeGradients(new float[6], 1, 2, new[] { 1f, float.NaN }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "outputGradient");
        FluentActions.Invoking(() => model.GetParameter("nope")).Should().Throw<KeyNotFoundException>();
        model.GetParameter("position").Should().HaveCount(LocalWindowAttentionSpec.DefaultWindowSize * LocalWindowAttentionSpec.DefaultModelSize);

        var data = new SequenceDataset(new float[4 * 5 * 3], 4, 5, 3, new float[4 * 2], 2);
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(null!, data)).Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "model");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(model, null!)).Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "data");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(model, data, new TrainingOptions { Epochs = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Epochs");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(model, data, new TrainingOptions { TruncatedBpttSteps = 2 }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options").WithMessage("*TruncatedBpttSteps*");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(model, data, new TrainingOptions { LossFunction = Loss.GaussianNll }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "model").WithMessage("*needs 4*");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(ok with { InputSize = 2 }, 1), data))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "data").WithMessage("*3 input features*");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(LocalWindowAttention.Create(ok with { HeadMode = HeadMode.EveryStep }, 1), data))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "data").WithMessage("*per-sequence*");
        var extra = new SequenceDataset(new float[4 * 5 * 3], 4, 5, 3, new float[4 * 2], 2, extraInputs: new float[4 * 5], extraSize: 1);
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(model, extra)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "data");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Train(model, data, validation: extra))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "validation");
        FluentActions.Invoking(() => LocalWindowAttentionTrainer.Evaluate(model, data, threads: -1))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "threads");
    }
}
