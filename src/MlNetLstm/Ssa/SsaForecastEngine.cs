using System.Runtime.InteropServices;

namespace MlNetLstm.Ssa;

/// <summary>
/// Mutable online SSA state: <see cref="Update"/> appends an observation and moves the forecast state without refitting;
/// with <see cref="SsaOptions.IsAdaptive"/> it also re-estimates the subspace, rank, recurrence and residual spread from
/// the last N observations (with the discount weights). Not thread-safe; use one engine per stream.
/// </summary>
public sealed class SsaForecastEngine
{
    private readonly SsaOptions _options;
    private readonly int _seriesLength;
    private readonly int _keep;
    private readonly List<double> _buffer;
    private SsaSubspace _subspace;

    internal SsaForecastEngine(SsaOptions options, int seriesLength, SsaSubspace subspace, double[] buffer, int observations)
    {
        _options = options;
        _seriesLength = seriesLength;
        _subspace = subspace;
        _keep = Math.Max(seriesLength, 2 * options.WindowSize - 2);
        _buffer = new List<double>(2 * _keep);
        _buffer.AddRange(buffer);
        ObservationCount = observations;
    }

    /// <summary>Observations seen (training plus updates).</summary>
    public int ObservationCount { get; private set; }

    /// <summary>Current rank (changes over time only when adaptive).</summary>
    public int Rank => _subspace.Rank;

    /// <summary>Appends an observation.</summary>
    /// <param name="x">The next observation (finite).</param>
    /// <exception cref="ArgumentException">Non-finite observation.</exception>
    public void Update(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"x is {x} at observation {ObservationCount}; observations must be finite.", nameof(x));
        _buffer.Add(x);
        if (_buffer.Count >= 2 * _keep) _buffer.RemoveRange(0, _buffer.Count - _keep);
        ObservationCount++;
        if (_options.IsAdaptive)
        {
            var span = CollectionsMarshal.AsSpan(_buffer);
            _subspace = SsaSubspace.Estimate(span[(span.Length - _seriesLength)..], _options);
        }
    }

    /// <summary>Forecasts from the current state.</summary>
    /// <param name="horizon">Steps ahead; null uses <see cref="SsaOptions.Horizon"/>.</param>
    /// <returns>The forecast with bounds.</returns>
    public SsaForecast Forecast(int? horizon = null)
    {
        var span = CollectionsMarshal.AsSpan(_buffer);
        return SsaForecaster.Build(_subspace, _options, span[(span.Length - Math.Min(span.Length, 2 * _options.WindowSize - 2))..], horizon ?? _options.Horizon);
    }

    /// <summary>Freezes the current state into an immutable <see cref="SsaForecaster"/>.</summary>
    /// <returns>The forecaster.</returns>
    public SsaForecaster Snapshot()
    {
        var span = CollectionsMarshal.AsSpan(_buffer);
        return new SsaForecaster(_options, _seriesLength, _subspace, span[(span.Length - _keep)..].ToArray()) { ObservationCount = ObservationCount };
    }
}
