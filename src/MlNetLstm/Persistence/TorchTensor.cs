using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Persistence;

/// <summary>A dense float32 tensor of a PyTorch state_dict: shape and row-major (contiguous) values.</summary>
public sealed class TorchTensor
{
    private readonly int[] _shape;
    private readonly float[] _data;

    /// <summary>Creates a tensor (both arrays are copied).</summary>
    /// <param name="shape">Dimensions (rank 0..8, each non-negative).</param>
    /// <param name="data">Row-major values; length = product of <paramref name="shape"/>.</param>
    public TorchTensor(IReadOnlyList<int> shape, ReadOnlySpan<float> data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count > ModelFile.MaxRank) throw new ArgumentException($"Rank {shape.Count} exceeds {ModelFile.MaxRank}.", nameof(shape));
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension {d}.", nameof(shape));
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException("The tensor has too many elements.", nameof(shape));
        }
        if (n != data.Length) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {n} elements but data has {data.Length}.", nameof(data));
        _shape = shape.ToArray();
        _data = data.ToArray();
        _count = _data.Length;
    }

    internal TorchTensor(int[] shape, float[] data, bool trusted) : this(shape, data, 0, data.Length, trusted) { }

    /// <summary>A view of <paramref name="count"/> contiguous values of a shared storage, starting at <paramref name="offset"/> (as torch.load shares storages).</summary>
    internal TorchTensor(int[] shape, float[] storage, int offset, int count, bool trusted)
    {
        _ = trusted;
        _shape = shape;
        _data = storage;
        _offset = offset;
        _count = count;
    }

    private readonly int _offset;
    private readonly int _count;

    /// <summary>Dimensions.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Row-major values (tensors read from one file may share one storage, as with torch.load; the span is read-only).</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(_offset, _count);

    /// <summary>The values as an array of exactly their length (the storage itself when the view covers all of it, else a copy).</summary>
    internal float[] DataArray => _offset == 0 && _count == _data.Length ? _data : _data.AsSpan(_offset, _count).ToArray();
}
