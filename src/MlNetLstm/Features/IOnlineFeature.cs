namespace MlNetLstm.Features;

/// <summary>
/// A stateful, streaming version of a batch feature: feed observations one at a time with <see cref="Update"/>.
/// Instances are not thread-safe (one instance per stream). Feeding the series through <see cref="Update"/>
/// gives the same values as the corresponding batch function.
/// </summary>
public interface IOnlineFeature
{
    /// <summary>Consumes the next observation and returns the feature value after it.</summary>
    /// <param name="x">The next observation (finite).</param>
    /// <returns>The current feature value.</returns>
    double Update(double x);

    /// <summary>Forgets all observations, returning to the freshly constructed state.</summary>
    void Reset();

    /// <summary>Number of observations consumed since construction or the last <see cref="Reset"/>.</summary>
    int Count { get; }

    /// <summary>True once the value no longer depends on warm-up conventions (see each implementation).</summary>
    bool IsReady { get; }
}
