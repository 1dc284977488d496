namespace MlNetLstm.Models.Attention;

/// <summary>
/// Immutable architecture of a <see cref="LocalWindowAttention"/> model: one causal, sliding-window self-attention block
/// (input projection, learned positional embedding over the window offsets, scaled dot-product attention with
/// <see cref="Heads"/> heads, residual connections, an optional ReLU feed-forward layer) and a dense head.
/// Step t sees only the inputs x_{t-w+1} .. x_t (w = <see cref="WindowSize"/>); anything older cannot influence y_t.
/// Defaults are the public constants below, defined once.
/// </summary>
public sealed record LocalWindowAttentionSpec
{
    /// <summary>Default model width D.</summary>
    public const int DefaultModelSize = 16;
    /// <summary>Default window length w (steps t-w+1 .. t are visible from step t).</summary>
    public const int DefaultWindowSize = 8;
    /// <summary>Default number of attention heads.</summary>
    public const int DefaultHeads = 1;
    /// <summary>Default width F of the position-wise feed-forward layer (0 disables it).</summary>
    public const int DefaultFeedForwardSize = 32;

    /// <summary>Input features per time step, I &gt; 0.</summary>
    public int InputSize { get; init; }

    /// <summary>Model width D &gt; 0 (embedding, query, key and value size); a multiple of <see cref="Heads"/>.</summary>
    public int ModelSize { get; init; } = DefaultModelSize;

    /// <summary>
    /// Window length w &gt; 0: step t attends to the steps t-j for offsets j = 0 .. min(w, t+1) - 1 (causal; the first w-1
    /// steps see a shorter window, nothing is padded). The positional embedding has one learned row per offset.
    /// </summary>
    public int WindowSize { get; init; } = DefaultWindowSize;

    /// <summary>Attention heads n_h &gt; 0; each head uses D / n_h of the query, key and value dimensions.</summary>
    public int Heads { get; init; } = DefaultHeads;

    /// <summary>Width F &gt;= 0 of the feed-forward layer m = u + W_2 relu(W_1 u + b_1) + b_2; 0 means m = u.</summary>
    public int FeedForwardSize { get; init; } = DefaultFeedForwardSize;

    /// <summary>Outputs O &gt; 0 of the dense head y = W_y m + b_y (K for MSE and cross-entropy, 2K for Gaussian NLL).</summary>
    public int OutputSize { get; init; }

    /// <summary>Where the head reads: the last step only (y [B, O]) or every step (y [B, T, O]). Default <see cref="HeadMode.LastStep"/>.</summary>
    public HeadMode HeadMode { get; init; } = HeadMode.LastStep;

    /// <summary>Dimensions per head, D / n_h.</summary>
    public int HeadSize => Heads > 0 ? ModelSize / Heads : 0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (InputSize <= 0) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "InputSize must be positive.");
        if (ModelSize <= 0) throw new ArgumentOutOfRangeException(nameof(ModelSize), ModelSize, "ModelSize must be positive.");
        if (WindowSize <= 0) throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize, "WindowSize must be positive.");
        if (Heads <= 0) throw new ArgumentOutOfRangeException(nameof(Heads), Heads, "Heads must be positive.");
        if (ModelSize % Heads != 0)
            throw new ArgumentOutOfRangeException(nameof(Heads), Heads, $"Heads must divide ModelSize ({ModelSize}).");
        if (FeedForwardSize < 0) throw new ArgumentOutOfRangeException(nameof(FeedForwardSize), FeedForwardSize, "FeedForwardSize must be 0 (none) or positive.");
        if (OutputSize <= 0) throw new ArgumentOutOfRangeException(nameof(OutputSize), OutputSize, "OutputSize must be positive.");
        if (!Enum.IsDefined(HeadMode)) throw new ArgumentOutOfRangeException(nameof(HeadMode), HeadMode, "Unknown head mode.");
    }
}
