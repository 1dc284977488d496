using MlNetLstm.Features;
using MlNetLstm.Persistence;

namespace MlNetLstm.MLNet;

/// <summary>
/// Stateful row-at-a-time engine for an order-dependent MlNetLstm transformer, in the manner of ML.NET's
/// TimeSeriesPredictionEngine: <see cref="Predict(double)"/> consumes the next observation and returns the transformer's
/// output for it (identical to the value the lazy cursor produces at that row); <see cref="CheckPoint(string)"/>
/// saves the state so a later engine resumes exactly where this one stopped. The state is the observation history
/// (replayed on restore), so a restored engine is bit-identical to an uninterrupted one. Not thread-safe.
/// </summary>
public sealed class SeriesStreamingEngine
{
    /// <summary>Archive kind of a checkpoint.</summary>
    public const string CheckpointKind = "mlnet-streaming-checkpoint";

    private readonly IOnlineFeature _feature;
    private readonly int _exogenousCount;
    private readonly List<double> _history = new();
    private readonly List<double> _exogenousHistory = new();

    /// <summary>Creates an engine in the initial state for a fitted featurizer or forecaster.</summary>
    /// <param name="transformer">The fitted transformer.</param>
    public SeriesStreamingEngine(SeriesTransformer transformer)
    {
        _feature = (transformer ?? throw new ArgumentNullException(nameof(transformer))).CreateOnlineFeature();
        _exogenousCount = transformer.ExogenousColumnNames.Count;
    }

    /// <summary>Observations consumed so far.</summary>
    public int Count => _history.Count;

    /// <summary>Consumes the next observation and returns the output for it.</summary>
    /// <param name="value">The next value of the input column (finite).</param>
    /// <returns>The output column's value at this row.</returns>
    /// <exception cref="InvalidOperationException">The transformer reads exogenous columns (use the overload that takes them).</exception>
    public double Predict(double value)
    {
        if (_exogenousCount > 0)
            throw new InvalidOperationException($"The transformer reads {_exogenousCount} exogenous column(s); call Predict(value, exogenous).");
        double y = _feature.Update(value);
        _history.Add(value);
        return y;
    }

    /// <summary>Consumes the next observation with the exogenous values of the same row and returns the output for it.</summary>
    /// <param name="value">The next value of the input column (finite).</param>
    /// <param name="exogenous">The row's values of <see cref="SeriesTransformer.ExogenousColumnNames"/>, in that order (finite).</param>
    /// <returns>The output column's value at this row.</returns>
    public double Predict(double value, ReadOnlySpan<double> exogenous)
    {
        if (exogenous.Length != _exogenousCount)
            throw new ArgumentException($"{exogenous.Length} exogenous value(s) given; the transformer reads {_exogenousCount}.", nameof(exogenous));
        if (_exogenousCount == 0) return Predict(value);
        for (int j = 0; j < exogenous.Length; j++)
            if (!double.IsFinite(exogenous[j])) throw new ArgumentException($"exogenous[{j}] = {exogenous[j]} is not finite.", nameof(exogenous));
        double y = ((IExogenousOnlineFeature)_feature).Update(value, exogenous);
        _history.Add(value);
        foreach (double v in exogenous) _exogenousHistory.Add(v);
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
        double[] history = a["history"].AsDoubles();
        if (_exogenousCount == 0)
        {
            foreach (var x in history) Predict(x);
            return;
        }

        double[] exogenous = a.Contains("exogenous") ? a["exogenous"].AsDoubles()
            : throw new InvalidDataException("The checkpoint has no exogenous history but the transformer reads exogenous columns.");
        if (exogenous.Length != history.Length * _exogenousCount)
            throw new InvalidDataException($"The checkpoint's exogenous history has {exogenous.Length} values; {history.Length} rows x {_exogenousCount} columns expected.");
        for (int t = 0; t < history.Length; t++) Predict(history[t], exogenous.AsSpan(t * _exogenousCount, _exogenousCount));
    }

    private ModelArchive ToArchive()
    {
        var b = new ModelArchiveBuilder(CheckpointKind, 1).Add("history", _history.ToArray(), _history.Count);
        if (_exogenousCount > 0) b.Add("exogenous", _exogenousHistory.ToArray(), _history.Count, _exogenousCount);
        return b.Build();
    }
}
