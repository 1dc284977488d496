using FluentAssertions;
using MlNetLstm.Cli.Commands;

namespace MlNetLstm.Tests.Cli;

/// <summary>The FLOP count `bench lstm` divides by the training time, against counts done by hand from the GEMMs RecurrentWorkspace runs.</summary>
public class BenchFlopsTests
{
    [Fact]
    public void One_layer_training_step_flops_match_a_hand_count()
    {
        // B 2, T 3, I 5, H 4 (4H = 16 gate columns), head of 1 output on the last step. Multiply-adds per GEMM (rows x cols x inner):
        //   forward  X W_ih^T: (T·B = 6) x 16 x 5 = 480;  h W_hh^T over the steps: 6 x 16 x 4 = 384;  head: 2 x 1 x 4 = 8
        //   backward dh_prev = dz W_hh: 6 x 4 x 16 = 384;  dW_hh = dz^T h: 16 x 4 x 6 = 384;  dW_ih = dz^T X: 16 x 5 x 6 = 480
        //            head dW: 1 x 4 x 2 = 8;  head dh: 2 x 4 x 1 = 8
        // 2136 multiply-adds = 4272 FLOPs.
        BenchCommand.TrainingFlops(batch: 2, seq: 3, input: 5, hidden: 4, layers: 1).Should().Be(4272);
    }

    [Fact]
    public void Second_layer_adds_its_own_products_and_the_input_gradient()
    {
        // Layer 0 as above without the head: 480 + 384 + 384 + 384 + 480 = 2112. Layer 1 (input = hidden = 4):
        //   forward 6x16x4 + 6x16x4 = 768; backward dh_prev 384, dW_hh 384, dW_ih 16x4x6 = 384, dX into layer 0 = dz W_ih: 6x4x16 = 384.
        // Head 24. Total 2112 + 768 + 1536 + 24 = 4440 multiply-adds = 8880 FLOPs.
        BenchCommand.TrainingFlops(batch: 2, seq: 3, input: 5, hidden: 4, layers: 2).Should().Be(8880);
    }

    [Fact]
    public void Hidden_256_is_about_103_mflop_per_sequence()
    {
        // Issue 16 quotes "about 104 MFLOP per sequence" at (64, 64, 8, 256): T·(16·H·I + 24·H²) = 64·(32,768 + 1,572,864) per sequence.
        double perSequence = BenchCommand.TrainingFlops(64, 64, 8, 256, 1) / 64;
        perSequence.Should().BeApproximately(64.0 * (16 * 256 * 8 + 24 * 256 * 256) + 6 * 256, 1e-6);
        (perSequence / 1e6).Should().BeInRange(102, 104);
    }
}
