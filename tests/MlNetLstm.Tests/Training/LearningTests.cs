using MlNetLstm.Models;
using MlNetLstm.Training;

namespace MlNetLstm.Tests.Training;

/// <summary>
/// Learning capability of the gates, fixed seeds. The LSTM must solve tasks that need memory over 100 steps; a plain tanh RNN
/// of the same size, trained by the identical procedure, must fail them.
/// Procedure (both cells): up to 3 seeded restarts, stopping at the first whose VALIDATION loss meets the bar, otherwise keeping
/// the restart with the lowest validation loss; the reported metric is then measured on fresh TEST sequences never used in training
/// or selection. (Single runs of the LSTM recall task reach 100% in roughly 5 of 6 seeds; a restart covers an unlucky trajectory
/// when another instruction set changes the float rounding.)
/// </summary>
[Trait("Category", "Learning")]
public class LearningTests
{
    private const int Delay = 100, Symbols = 4, MaxRestarts = 3;

    private static RecurrentNetwork TrainWithRestarts(Func<int, RecurrentNetwork> create, SequenceDataset train, SequenceDataset validation,
        TrainingOptions options, double acceptValidationLoss, Loss loss = Loss.MeanSquaredError)
    {
        RecurrentNetwork? best = null;
        double bestLoss = double.PositiveInfinity;
        for (int restart = 0; restart < MaxRestarts; restart++)
        {
            var result = RecurrentTrainer.Train(create(restart), train, options with { Seed = options.Seed + restart });
            double v = RecurrentTrainer.Evaluate(result.Network, validation, loss);
            if (v < bestLoss) { bestLoss = v; best = result.Network; }
            if (v < acceptValidationLoss) break;
        }
        return best!;
    }

    private static (RecurrentNetwork Net, SequenceDataset Test) TrainRecall(CellType cell)
    {
        var train = LearningTasks.DelayedRecall(2048, Delay, Symbols, seed: 1);
        var validation = LearningTasks.DelayedRecall(256, Delay, Symbols, seed: 3);
        var test = LearningTasks.DelayedRecall(512, Delay, Symbols, seed: 2);
        // Forget-gate bias 8 (chrono-style): σ(8)^100 ≈ 0.97, so the gradient reaches step 0 from the start.
        var net = (int restart) => RecurrentNetwork.Create(
            new RecurrentNetworkSpec { Cell = cell, InputSize = Symbols + 1, HiddenSize = 32, OutputSize = Symbols }, 7 + restart, forgetGateBias: 8f);
        var options = new TrainingOptions { Epochs = 12, BatchSize = 32, LearningRate = 2e-3f, Schedule = LearningRateSchedule.Cosine, Seed = 7 };
        return (TrainWithRestarts(net, train, validation, options, acceptValidationLoss: 0.01), test);
    }

    [Fact]
    public void Lstm_recalls_a_symbol_after_100_blank_steps_with_test_accuracy_above_99_percent()
    {
        var (net, test) = TrainRecall(CellType.Lstm);
        LearningTasks.RecallAccuracy(net, test).Should().BeGreaterThan(0.99);
    }

    [Fact]
    public void Tanh_rnn_fails_delayed_recall_with_test_accuracy_below_40_percent_near_chance_25()
    {
        var (net, test) = TrainRecall(CellType.Rnn);
        LearningTasks.RecallAccuracy(net, test).Should().BeLessThan(0.40, "chance is 25% with 4 symbols");
    }

    private static double TrainAdding(CellType cell)
    {
        var train = LearningTasks.Adding(2048, 100, seed: 1);
        var validation = LearningTasks.Adding(256, 100, seed: 3);
        var test = LearningTasks.Adding(512, 100, seed: 2);
        var net = (int restart) => RecurrentNetwork.Create(
            new RecurrentNetworkSpec { Cell = cell, InputSize = 2, HiddenSize = 32, OutputSize = 1 }, 3 + restart);
        var options = new TrainingOptions { Epochs = 30, BatchSize = 32, LearningRate = 1e-2f, Seed = 1 };
        return RecurrentTrainer.Evaluate(TrainWithRestarts(net, train, validation, options, acceptValidationLoss: 0.005), test);
    }

    [Fact]
    public void Lstm_solves_the_adding_problem_at_T100_with_test_mse_below_0_01()
    {
        // Predicting the mean (1.0) gives MSE = 1/6 ≈ 0.167.
        TrainAdding(CellType.Lstm).Should().BeLessThan(0.01);
    }

    [Fact]
    public void Tanh_rnn_fails_the_adding_problem_at_T100_with_test_mse_above_0_05()
    {
        TrainAdding(CellType.Rnn).Should().BeGreaterThan(0.05);
    }
}
