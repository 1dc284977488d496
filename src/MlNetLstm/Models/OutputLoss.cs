namespace MlNetLstm.Models;

/// <summary>
/// A loss on a network output: reads <paramref name="output"/> (layout of <see cref="RecurrentOutput.Values"/>), writes dL/doutput
/// into <paramref name="outputGradient"/> (same length, zero on entry) and returns L.
/// </summary>
/// <param name="output">Network output.</param>
/// <param name="outputGradient">Destination of dL/doutput.</param>
public delegate double OutputLoss(ReadOnlySpan<float> output, Span<float> outputGradient);
