namespace MlNetLstm.Models;

/// <summary>A named view into a flat parameter buffer: <c>buffer[Offset .. Offset + Length)</c> holds a row-major tensor of <see cref="Shape"/>.</summary>
/// <param name="Name">PyTorch state_dict name, for example "weight_ih_l0" or "head.weight".</param>
/// <param name="Offset">Start in the flat buffer.</param>
/// <param name="Shape">Tensor shape (row-major).</param>
public sealed record ParameterView(string Name, int Offset, IReadOnlyList<int> Shape)
{
    /// <summary>Number of elements, the product of <see cref="Shape"/>.</summary>
    public int Length
    {
        get
        {
            int n = 1;
            foreach (int s in Shape) n *= s;
            return n;
        }
    }
}
