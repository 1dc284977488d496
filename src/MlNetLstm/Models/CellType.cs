namespace MlNetLstm.Models;

/// <summary>The recurrent cell of a <see cref="RecurrentNetwork"/>.</summary>
public enum CellType
{
    /// <summary>Long short-term memory (PyTorch nn.LSTM; gate order i, f, g, o).</summary>
    Lstm = 0,
    /// <summary>Gated recurrent unit (PyTorch nn.GRU; gate order r, z, n).</summary>
    Gru = 1,
    /// <summary>Plain Elman RNN with tanh (PyTorch nn.RNN, nonlinearity "tanh"); the baseline.</summary>
    Rnn = 2,
}
