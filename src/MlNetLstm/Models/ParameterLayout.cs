namespace MlNetLstm.Models;

/// <summary>
/// Immutable list of named parameter views over one flat float buffer, in PyTorch state_dict order
/// (per layer, per direction: weight_ih, weight_hh, bias_ih, bias_hh, then peepholes and modifier parameters; head last).
/// </summary>
public sealed class ParameterLayout
{
    private readonly ParameterView[] _views;
    private readonly Dictionary<string, ParameterView> _byName;

    internal ParameterLayout(IEnumerable<(string Name, int[] Shape)> entries)
    {
        var list = new List<ParameterView>();
        int offset = 0;
        long total = 0;
        foreach (var (name, shape) in entries)
        {
            // Counted in 64 bits: a layout whose parameters do not fit in one array is refused, never wrapped.
            long length = 1;
            foreach (int s in shape) length *= s;
            total += length;
            if (length > Array.MaxLength || total > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(entries),
                    $"The parameters ('{name}' has shape [{string.Join(", ", shape)}], {length:N0} values; {total:N0} so far) do not fit in one array of at most {Array.MaxLength:N0} values. Use smaller sizes.");
            var v = new ParameterView(name, offset, Array.AsReadOnly(shape));
            list.Add(v);
            offset += (int)length;
        }
        _views = list.ToArray();
        _byName = _views.ToDictionary(v => v.Name, StringComparer.Ordinal);
        TotalLength = offset;
    }

    /// <summary>Total number of parameters (length of the flat buffer).</summary>
    public int TotalLength { get; }

    /// <summary>All views in buffer order.</summary>
    public IReadOnlyList<ParameterView> Views => _views;

    /// <summary>Returns the view called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public ParameterView this[string name] =>
        _byName.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"No parameter named '{name}'. Known: {string.Join(", ", _byName.Keys)}.");

    /// <summary>True when a parameter called <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);
}
