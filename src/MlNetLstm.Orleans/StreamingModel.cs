using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Orleans;

/// <summary>
/// A fitted model with its streaming state, O(1) per observation: a GARCH-family fit (<see cref="ArchForecastStream"/>), one
/// LSTM forecaster (<see cref="LstmVolatilityStream"/>) or a seed ensemble of them (the geometric mean of the members'
/// forecasts, as <see cref="CombinedVarianceForecaster"/> combines them). The model bytes are the library's own versioned,
/// checksummed model file (<see cref="ModelFile.ToBytes"/>).
/// </summary>
internal sealed class StreamingModel
{
    private readonly ArchForecastStream? _arch;
    private readonly LstmVolatilityStream[]? _lstm;

    private StreamingModel(object model, byte[] bytes)
    {
        Bytes = bytes;
        switch (model)
        {
            case ArchVarianceForecaster a: _arch = new ArchForecastStream(a.Fit); break;
            case StoredArchFit s: _arch = new ArchForecastStream(s.Result); break;
            case LstmVolatilityForecaster l: _lstm = [new LstmVolatilityStream(l)]; break;
            case CombinedVarianceForecaster c when c.Members.All(m => m is LstmVolatilityForecaster):
                _lstm = c.Members.Cast<LstmVolatilityForecaster>().Select(m => new LstmVolatilityStream(m)).ToArray();
                break;
            default:
                throw new NotSupportedException($"A {model.GetType().Name} has no O(1) stream; instrument grains run garch, gjr, lstm or lstm-regime (one network or a seed ensemble).");
        }
    }

    /// <summary>Models a grain can stream.</summary>
    public static readonly IReadOnlyList<string> StreamableModels = ["lstm-regime", "lstm", "garch", "gjr"];

    /// <summary>The model file (library format).</summary>
    public byte[] Bytes { get; }

    /// <summary>Returns consumed by the stream.</summary>
    public long Count => _arch?.Count ?? _lstm![0].Count;

    /// <summary>Fits <paramref name="spec"/>'s single model on <paramref name="window"/> and starts its stream there.</summary>
    public static StreamingModel Fit(ModelSpec spec, ReadOnlySpan<double> window)
    {
        string name = spec.Models[0];
        object fitted = spec.Create(name).Fit(window);
        var archive = fitted switch
        {
            ArchVarianceForecaster a => ModelSerializer.ToArchive(a.Fit),
            LstmVolatilityForecaster l => ModelSerializer.ToArchive(l),
            CombinedVarianceForecaster c => ModelSerializer.ToArchive(c),
            _ => throw new NotSupportedException($"Model '{name}' has no O(1) stream; use one of {string.Join(", ", StreamableModels)}."),
        };
        var m = new StreamingModel(fitted, ModelFile.ToBytes(archive));
        foreach (double r in window) m.Update(r);
        return m;
    }

    /// <summary>Reads a model file and restores the stream state written by <see cref="GetState"/>.</summary>
    public static StreamingModel Load(byte[] bytes, double[] state)
    {
        var m = new StreamingModel(ModelSerializer.FromArchive(ModelFile.FromBytes(bytes)), bytes);
        m.SetState(state);
        return m;
    }

    /// <summary>Consumes the next return.</summary>
    public void Update(double r)
    {
        if (_arch is not null) _arch.Update(r);
        else foreach (var s in _lstm!) s.Update(r);
    }

    /// <summary>Variance forecasts for the next <paramref name="horizon"/> returns.</summary>
    public double[] Forecast(int horizon)
    {
        var result = new double[horizon];
        if (_arch is not null)
        {
            _arch.Forecast(result);
            return result;
        }
        var one = new double[horizon];
        foreach (var s in _lstm!)
        {
            s.Forecast(one);
            for (int k = 0; k < horizon; k++) result[k] += Math.Log(one[k]);
        }
        for (int k = 0; k < horizon; k++) result[k] = Math.Exp(result[k] / _lstm.Length);
        return result;
    }

    /// <summary>The stream state as numbers: [members, length of member 1, member 1's state, ...].</summary>
    public double[] GetState()
    {
        var parts = _arch is not null ? [_arch.GetState()] : _lstm!.Select(s => s.GetState()).ToArray();
        var all = new List<double> { parts.Length };
        foreach (var p in parts) { all.Add(p.Length); all.AddRange(p); }
        return [.. all];
    }

    private void SetState(double[] state)
    {
        int members = _arch is not null ? 1 : _lstm!.Length;
        if (state.Length < 1 || state[0] != members) throw new InvalidDataException($"The stored stream state is for {(state.Length < 1 ? 0 : state[0])} model(s); the stored model has {members}.");
        int pos = 1;
        for (int j = 0; j < members; j++)
        {
            int len = (int)state[pos++];
            var part = state.AsSpan(pos, len);
            if (_arch is not null) _arch.SetState(part); else _lstm![j].SetState(part);
            pos += len;
        }
    }
}
