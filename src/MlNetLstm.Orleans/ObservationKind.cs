namespace MlNetLstm.Orleans;

/// <summary>Whether an instrument's observations are prices (log returns are taken) or returns.</summary>
public enum ObservationKind
{
    /// <summary>Each observation is a return, in the units the model is fitted on (e.g. percent).</summary>
    Return,

    /// <summary>Each observation is a positive price; the grain turns consecutive prices into percent log returns, 100·ln(p_t / p_{t-1}).</summary>
    Price,
}
