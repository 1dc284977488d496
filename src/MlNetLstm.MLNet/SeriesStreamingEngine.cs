using MlNetLstm.Features;
using MlNetLstm.Persistence;

namespace MlNetLstm.MLNet;

/// <summary>
/// Stateful row-at-a-time engine for an order-dependent MlNetLstm transformer, in the manner of ML.NET's
/// TimeSeriesPredictionEngine: <see cref="Predict"/> consumes the next observation and returns the transformer's
/// output for it (identical to the value the lazy cursor produces at that row); <see cref="CheckPoint(string)"/>
/// saves the state so a later engine resumes exactly where this one stopped. The state is the observation history
/// (replayed on restore), so a restored engine is bit-identical to an uninterrupted one. Not thread-safe.
/// </summary>
public sealed class SeriesStreamingEngine
{
    /// <summary>Archive kind of a checkpoint.</summary>
    public const string CheckpointKind = "mlnet-streaming-checkpoint";

    private readonly IOnlineFeature _feature;
    private readonly List<double> _history = new();

    /// <summary>Creates an engine in the initial state for a fitted featurizer or forecaster.</summary>
    /// <param name="transformer">The fitted transformer.</param>
    public SeriesStreamingEngine(SeriesTransformer transformer)
        => _feature = (transformer ?? throw new ArgumentNullException(nameof(transformer))).CreateOnlineFeature();

    /// <summary>Observations consumed so far.</summary>
    public int Count => _history.Count;

    /// <summary>Consumes the next observation and returns the output for it.</summary>
    /// <param name="value">The next value of the input column (finite).</param>
    /// <returns>The output column's value at this row.</returns>
    public double Predict(double value)
    {
        double y = _feature.Update(value);
        _history.Add(value);
        return y;
    }

    /// <summary>Saves the engine state to a file.</summary>
    /// <param name="path">Destination file.</param>
    public void CheckPoint(string path) => ModelFile.Save(path, ToArchive());

    /// <summary>Saves the engine state to a stream.</summary>
    /// <param name="stream">Destination stream.</param>
    public void CheckPoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ModelFile.ToBytes(ToArchive()));
    }

    /// <summary>Restores a state saved by <see cref="CheckPoint(string)"/> into this freshly created engine.</summary>
    /// <param name="path">The checkpoint file.</param>
    public void Restore(string path) => Restore(ModelFile.Load(path));

    /// <summary>Restores a state saved by <see cref="CheckPoint(Stream)"/> into this freshly created engine.</summary>
    /// <param name="stream">The checkpoint stream (read to its end).</param>
    public void Restore(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        Restore(ModelFile.FromBytes(ms.ToArray()));
    }

    private void Restore(ModelArchive a)
    {
        a.EnsureKind(CheckpointKind, 1);
        if (Count != 0) throw new InvalidOperationException("Restore into a freshly created engine (it has already consumed observations).");
        foreach (var x in a["history"].AsDoubles()) Predict(x);
    }

    private ModelArchive ToArchive()
        => new ModelArchiveBuilder(CheckpointKind, 1).Add("history", _history.ToArray(), _history.Count).Build();
}
