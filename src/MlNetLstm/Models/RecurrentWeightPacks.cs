using MlNetLstm.Kernels;

namespace MlNetLstm.Models;

/// <summary>
/// W_hh of every layer-direction packed once for a whole mini-batch and shared read-only by the chunk workspaces that run it
/// in parallel (<see cref="RecurrentWorkspace.Forward"/> and <see cref="RecurrentWorkspace.Backward"/>), instead of each chunk
/// packing the same matrices again. A workspace uses these packs only when its batch equals <see cref="Rows"/> and the per-step
/// products take the packed path (H·G·H &gt; 8192, more than 4 rows); otherwise it packs for itself as before. The packed
/// products are bitwise those of the unpacked ones (<see cref="Gemm.Pack"/>), so sharing changes no result.
/// The owner re-packs after every change of the weights (<see cref="Pack"/>), never while a workspace reads them.
/// </summary>
internal sealed class RecurrentWeightPacks
{
    private readonly NetworkTopology _t;
    private readonly GemmPackedB?[] _forward, _backward;

    public RecurrentWeightPacks(NetworkTopology topology)
    {
        _t = topology;
        int ld = topology.Layers * topology.Directions;
        _forward = new GemmPackedB?[ld];
        _backward = new GemmPackedB?[ld];
    }

    /// <summary>Rows (chunk batch size) the packs were made for; 0 when nothing is packed.</summary>
    public int Rows { get; private set; }

    /// <summary>True when the last <see cref="Pack"/> also packed the backward operands.</summary>
    public bool HasBackward { get; private set; }

    /// <summary>True when a workspace's per-step recurrent products take the packed path for <paramref name="batch"/> rows (the workspace's own rule).</summary>
    public static bool PacksFor(NetworkTopology topology, int batch) => (long)topology.HiddenSize * topology.GateUnits > 8192 && batch > 4;

    /// <summary>
    /// Packs W_hh (forward: op(B) = W_hh^T [H, G·H]; with <paramref name="backward"/> also op(B) = W_hh [G·H, H]) of every
    /// layer-direction from <paramref name="p"/> for products of <paramref name="rows"/> rows, the jobs spread over up to
    /// <paramref name="threads"/> threads. Returns false (and packs nothing) when those products would not take the packed path.
    /// </summary>
    public bool Pack(float[] p, int rows, bool backward, int threads)
    {
        Rows = 0; HasBackward = false;
        if (!PacksFor(_t, rows)) return false;
        int ld = _forward.Length, jobs = backward ? 2 * ld : ld, H = _t.HiddenSize, GH = _t.GateUnits;
        void Job(int j)
        {
            int k = j % ld;
            ReadOnlySpan<float> whh = p.AsSpan(_t.Cells[k].Whh, GH * H);
            if (j < ld) _forward[k] = Gemm.Pack(true, GH, H, whh, H, _forward[k], rows);
            else _backward[k] = Gemm.Pack(false, H, GH, whh, H, _backward[k], rows);
        }
        if (threads <= 1 || jobs <= 1)
            for (int j = 0; j < jobs; j++) Job(j);
        else
            Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = threads }, Job);
        Rows = rows; HasBackward = backward;
        return true;
    }

    /// <summary>The forward pack of layer-direction <paramref name="k"/> (op(B) = W_hh^T).</summary>
    public GemmPackedB Forward(int k) => _forward[k]!;

    /// <summary>The backward pack of layer-direction <paramref name="k"/> (op(B) = W_hh); valid after a <see cref="Pack"/> with backward.</summary>
    public GemmPackedB Backward(int k) => _backward[k]!;
}
