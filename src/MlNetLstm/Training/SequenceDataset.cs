using MlNetLstm.Models;

namespace MlNetLstm.Training;

/// <summary>
/// Immutable supervised sequence data: inputs [N, T, I]; targets [N, K] (one per sequence, for a last-step head) or
/// [N, T, K] (per step, for an every-step head); optional forget-gate-modifier inputs [N, T, E]. All row-major, copied, finite.
/// The training loop reads it as an <see cref="ISequenceBatchSource"/>; the built-in losses (<see cref="DatasetLoss"/>) read its targets.
/// </summary>
public sealed class SequenceDataset : ISequenceBatchSource
{
    private readonly float[] _x, _y, _e;

    /// <summary>Creates a dataset (arrays are copied and checked for NaN/infinity).</summary>
    /// <param name="inputs">[N, T, I].</param>
    /// <param name="count">N &gt; 0.</param>
    /// <param name="steps">T &gt; 0.</param>
    /// <param name="inputSize">I &gt; 0.</param>
    /// <param name="targets">[N, K] or [N, T, K].</param>
    /// <param name="targetSize">K &gt; 0.</param>
    /// <param name="targetsPerStep">True for [N, T, K] targets.</param>
    /// <param name="extraInputs">Modifier inputs [N, T, E], or null.</param>
    /// <param name="extraSize">E (0 without extra inputs).</param>
    public SequenceDataset(ReadOnlySpan<float> inputs, int count, int steps, int inputSize, ReadOnlySpan<float> targets, int targetSize,
        bool targetsPerStep = false, float[]? extraInputs = null, int extraSize = 0)
    {
        InputValidation.Positive(count, nameof(count));
        InputValidation.Positive(steps, nameof(steps));
        InputValidation.Positive(inputSize, nameof(inputSize));
        InputValidation.Positive(targetSize, nameof(targetSize));
        InputValidation.Sequence(inputs, count, steps, inputSize, nameof(inputs));
        InputValidation.Sequence(targets, count, targetsPerStep ? steps : 1, targetSize, nameof(targets));
        if (extraSize < 0) throw new ArgumentOutOfRangeException(nameof(extraSize), extraSize, "Must be non-negative.");
        if (extraSize > 0)
        {
            if (extraInputs is null) throw new ArgumentNullException(nameof(extraInputs), "extraInputs is required when extraSize > 0.");
            InputValidation.Sequence(extraInputs, count, steps, extraSize, nameof(extraInputs));
        }
        else if (extraInputs is { Length: > 0 }) throw new ArgumentException("extraInputs given but extraSize is 0.", nameof(extraSize));
        Count = count; Steps = steps; InputSize = inputSize; TargetSize = targetSize; TargetsPerStep = targetsPerStep; ExtraSize = extraSize;
        _x = inputs.ToArray(); _y = targets.ToArray(); _e = extraSize > 0 ? (float[])extraInputs!.Clone() : [];
    }

    /// <summary>N.</summary>
    public int Count { get; }
    /// <summary>T.</summary>
    public int Steps { get; }
    /// <summary>I.</summary>
    public int InputSize { get; }
    /// <summary>K.</summary>
    public int TargetSize { get; }
    /// <summary>True for per-step targets [N, T, K].</summary>
    public bool TargetsPerStep { get; }
    /// <summary>E.</summary>
    public int ExtraSize { get; }
    /// <summary>Inputs [N, T, I].</summary>
    public ReadOnlySpan<float> Inputs => _x;
    /// <summary>Targets [N, K] or [N, T, K].</summary>
    public ReadOnlySpan<float> Targets => _y;
    /// <summary>Extra inputs [N, T, E] (empty when E = 0).</summary>
    public ReadOnlySpan<float> ExtraInputs => _e;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless this data set fits a model with the given input width, extra-input width,
    /// head size and head mode under <paramref name="loss"/>; <paramref name="model"/> names the model in messages ("network",
    /// "model") and <paramref name="modelParam"/> is the model's argument name.
    /// </summary>
    internal void EnsureFits(string model, string modelParam, int inputSize, int extraSize, string extraUse, int outputSize, HeadMode headMode,
        Loss loss, string paramName)
    {
        if (InputSize != inputSize)
            throw new ArgumentException($"{paramName} has {InputSize} input features, the {model} expects {inputSize}.", paramName);
        if (ExtraSize != extraSize)
            throw new ArgumentException($"{paramName} has {ExtraSize} extra inputs, {extraUse} expects {extraSize}.", paramName);
        int need = Losses.OutputSizeFor(loss, TargetSize);
        if (outputSize != need)
            throw new ArgumentException($"The {model} head has {outputSize} outputs but {loss} with {TargetSize} targets needs {need}.", modelParam);
        if (TargetsPerStep != (headMode == HeadMode.EveryStep))
            throw new ArgumentException($"{paramName} has {(TargetsPerStep ? "per-step" : "per-sequence")} targets but the head mode is {headMode}.", paramName);
    }

    /// <summary>
    /// The training and validation sets of a run: <paramref name="validation"/> when given, else (with
    /// <paramref name="fraction"/> &gt; 0) the last round(Count · fraction) samples held out (at least one, leaving at least one).
    /// </summary>
    internal (SequenceDataset Train, SequenceDataset? Validation) WithValidation(SequenceDataset? validation, double fraction, string optionsParam)
    {
        if (validation != null || !(fraction > 0)) return (this, validation);
        int nVal = Math.Max(1, (int)Math.Round(Count * fraction));
        if (nVal >= Count)
            throw new ArgumentException($"ValidationFraction {fraction} leaves no training samples out of {Count}.", optionsParam);
        return (Slice(0, Count - nVal), Slice(Count - nVal, nVal));
    }

    ReadOnlySpan<float> ISequenceBatchSource.GetInputs(int sample, int firstStep, int steps) =>
        _x.AsSpan((sample * Steps + firstStep) * InputSize, steps * InputSize);

    ReadOnlySpan<float> ISequenceBatchSource.GetExtraInputs(int sample, int firstStep, int steps) =>
        ExtraSize == 0 ? default : _e.AsSpan((sample * Steps + firstStep) * ExtraSize, steps * ExtraSize);

    internal float[] InputArray => _x;
    internal float[] TargetArray => _y;
    internal float[] ExtraArray => _e;

    /// <summary>The samples [start, start + length) as a new dataset.</summary>
    /// <param name="start">First sample.</param>
    /// <param name="length">Number of samples, &gt; 0.</param>
    public SequenceDataset Slice(int start, int length)
    {
        if (start < 0 || length <= 0 || start + length > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, {start + length}) is not a non-empty range inside [0, {Count}).");
        int xs = Steps * InputSize, ys = (TargetsPerStep ? Steps : 1) * TargetSize, es = Steps * ExtraSize;
        return new SequenceDataset(_x.AsSpan(start * xs, length * xs), length, Steps, InputSize, _y.AsSpan(start * ys, length * ys), TargetSize,
            TargetsPerStep, ExtraSize > 0 ? _e.AsSpan(start * es, length * es).ToArray() : null, ExtraSize);
    }
}
