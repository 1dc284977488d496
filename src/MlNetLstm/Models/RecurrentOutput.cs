namespace MlNetLstm.Models;

/// <summary>Immutable result of <see cref="RecurrentNetwork.Forward"/>.</summary>
public sealed class RecurrentOutput
{
    private readonly float[] _values;

    internal RecurrentOutput(float[] values, int batch, int rowsPerBatch, int width, RecurrentState finalState, GateTelemetry? telemetry)
    {
        _values = values; Batch = batch; RowsPerBatch = rowsPerBatch; Width = width; FinalState = finalState; Telemetry = telemetry;
    }

    /// <summary>Output [B, RowsPerBatch, Width] batch-major (RowsPerBatch = 1 for a last-step head, else T).</summary>
    public ReadOnlySpan<float> Values => _values;
    /// <summary>B.</summary>
    public int Batch { get; }
    /// <summary>1 for a last-step head, T otherwise.</summary>
    public int RowsPerBatch { get; }
    /// <summary>O with a head, else D*H.</summary>
    public int Width { get; }
    /// <summary>Final (h_n, c_n), PyTorch layout.</summary>
    public RecurrentState FinalState { get; }
    /// <summary>Gate telemetry when requested, else null.</summary>
    public GateTelemetry? Telemetry { get; }
}
