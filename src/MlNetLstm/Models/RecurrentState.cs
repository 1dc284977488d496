namespace MlNetLstm.Models;

/// <summary>
/// Immutable recurrent state of a batch: hidden state h [L*D, B, H] and, for LSTM, cell state c [L*D, B, H]
/// (PyTorch h_n / c_n layout: index l*D + d for layer l, direction d).
/// </summary>
public sealed class RecurrentState
{
    private readonly float[] _h, _c;

    /// <summary>Creates a state from copies of <paramref name="hidden"/> and <paramref name="cell"/>.</summary>
    /// <param name="layersTimesDirections">L*D.</param>
    /// <param name="batch">B.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="hidden">h [L*D, B, H].</param>
    /// <param name="cell">c [L*D, B, H], or empty for GRU/RNN.</param>
    public RecurrentState(int layersTimesDirections, int batch, int hiddenSize, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        InputValidation.Positive(layersTimesDirections, nameof(layersTimesDirections));
        InputValidation.Positive(batch, nameof(batch));
        InputValidation.Positive(hiddenSize, nameof(hiddenSize));
        int n = layersTimesDirections * batch * hiddenSize;
        if (hidden.Length != n) throw new ArgumentException($"hidden has length {hidden.Length}, expected {n} = [L*D, B, H].", nameof(hidden));
        if (!cell.IsEmpty && cell.Length != n) throw new ArgumentException($"cell has length {cell.Length}, expected {n} = [L*D, B, H] or 0.", nameof(cell));
        InputValidation.Finite(hidden, nameof(hidden));
        InputValidation.Finite(cell, nameof(cell));
        LayersTimesDirections = layersTimesDirections; Batch = batch; HiddenSize = hiddenSize;
        _h = hidden.ToArray(); _c = cell.ToArray();
    }

    /// <summary>L*D.</summary>
    public int LayersTimesDirections { get; }
    /// <summary>Batch rows B.</summary>
    public int Batch { get; }
    /// <summary>Hidden units H.</summary>
    public int HiddenSize { get; }
    /// <summary>h [L*D, B, H].</summary>
    public ReadOnlySpan<float> Hidden => _h;
    /// <summary>c [L*D, B, H]; empty for GRU and RNN.</summary>
    public ReadOnlySpan<float> Cell => _c;
}
