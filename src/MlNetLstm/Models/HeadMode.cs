namespace MlNetLstm.Models;

/// <summary>Where the dense (linear) head reads the recurrent output.</summary>
public enum HeadMode
{
    /// <summary>The head maps the top-layer output of the last time step: y [B, O].</summary>
    LastStep = 0,
    /// <summary>The head maps the top-layer output of every time step: y [B, T, O].</summary>
    EveryStep = 1,
}
