using MlNetLstm.Training;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// The training samples of <see cref="LstmVolatilityModel"/> as a batch source for the shared training loop: sample i is the
/// chunk of <c>steps</c> feature rows starting at row <c>starts[i]</c> of the feature series (chunks overlap by the burn-in).
/// Each epoch visits the chunks in a fresh seeded permutation of their original order (<see cref="Random.Shuffle{T}(Span{T})"/>
/// of the identity), the order the model has always used.
/// </summary>
internal sealed class VolatilityChunks(VolatilityFeatures features, int[] starts, int steps, bool withExtra) : ISequenceBatchSource
{
    public VolatilityFeatures Features => features;
    public int Start(int sample) => starts[sample];
    public int Count => starts.Length;
    public int Steps => steps;
    public int InputSize => features.InputSize;
    public int ExtraSize => withExtra ? 1 : 0;

    public ReadOnlySpan<float> GetInputs(int sample, int firstStep, int steps) =>
        features.Inputs.AsSpan((starts[sample] + firstStep) * features.InputSize, steps * features.InputSize);

    public ReadOnlySpan<float> GetExtraInputs(int sample, int firstStep, int steps) =>
        withExtra ? features.Extra.AsSpan(starts[sample] + firstStep, steps) : default;

    public void Shuffle(Span<int> order, Random random)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        random.Shuffle(order);
    }
}
