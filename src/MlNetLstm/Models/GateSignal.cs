namespace MlNetLstm.Models;

/// <summary>Per-step signals recorded by <see cref="GateTelemetry"/> and the streaming engine.</summary>
public enum GateSignal
{
    /// <summary>LSTM input gate i = σ(z_i) (1 - f for coupled gates).</summary>
    InputGate,
    /// <summary>LSTM forget gate f = σ(z_f), including the forget-gate modifier term.</summary>
    ForgetGate,
    /// <summary>LSTM cell candidate g = tanh(z_g).</summary>
    CellCandidate,
    /// <summary>LSTM output gate o.</summary>
    OutputGate,
    /// <summary>LSTM cell state c_t.</summary>
    CellState,
    /// <summary>Hidden state h_t (every cell type).</summary>
    Hidden,
    /// <summary>The forget-gate modifier's additive term m_t on z_f (LSTM with a modifier only).</summary>
    ForgetModifierTerm,
    /// <summary>GRU reset gate r.</summary>
    ResetGate,
    /// <summary>GRU update gate z (called u in the kernels).</summary>
    UpdateGate,
    /// <summary>GRU candidate n.</summary>
    NewGate,
}
