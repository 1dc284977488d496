namespace MlNetLstm.Evaluation;

/// <summary>How the training window moves between forecast origins.</summary>
public enum WalkForwardWindow
{
    /// <summary>Fixed-length window of the most recent <see cref="WalkForwardOptions.TrainSize"/> returns.</summary>
    Rolling,

    /// <summary>All returns from the start of the sample up to the origin.</summary>
    Expanding,
}
