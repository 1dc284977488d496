using MlNetLstm.Persistence;

namespace MlNetLstm.Models;

public sealed partial class RecurrentNetwork
{
    /// <summary>Archive kind written by <see cref="ToArchive"/>.</summary>
    public const string ArchiveKind = "MlNetLstm.RecurrentNetwork";

    /// <summary>Layout version of the archive entries.</summary>
    public const int ArchiveVersion = 1;

    /// <summary>
    /// Writes the spec and every parameter (entries "spec/*" and "param/&lt;state_dict name&gt;" with their shapes) to a
    /// <see cref="ModelArchive"/> of kind <see cref="ArchiveKind"/>; save it with <see cref="ModelFile.Save"/>.
    /// </summary>
    public ModelArchive ToArchive()
    {
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        WriteTo(b, "");
        return b.Build();
    }

    /// <summary>Reads a network written by <see cref="ToArchive"/>.</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="modifierFactory">Creates custom forget-gate modifiers from (name, extra input size); the built-in
    /// <see cref="RegimeForgetModifier"/> ("regime") needs none.</param>
    /// <exception cref="InvalidDataException">Wrong kind, missing entries or inconsistent shapes.</exception>
    public static RecurrentNetwork FromArchive(ModelArchive archive, Func<string, int, IForgetGateModifier>? modifierFactory = null)
    {
        // The strict reader validates every entry (types, shapes, ranges) before allocating anything.
        return Persistence.ModelSerializer.ReadRecurrentNetwork(archive, modifierFactory);
    }

    internal void WriteTo(ModelArchiveBuilder b, string prefix)
    {
        var s = Spec;
        b.AddScalar(prefix + "spec/cell", (int)s.Cell);
        b.AddScalar(prefix + "spec/input", s.InputSize);
        b.AddScalar(prefix + "spec/hidden", s.HiddenSize);
        b.AddScalar(prefix + "spec/layers", s.Layers);
        b.AddScalar(prefix + "spec/bidirectional", s.Bidirectional ? 1 : 0);
        b.AddScalar(prefix + "spec/peepholes", s.Peepholes ? 1 : 0);
        b.AddScalar(prefix + "spec/coupled", s.CoupledGates ? 1 : 0);
        b.AddScalar(prefix + "spec/output", s.OutputSize);
        b.AddScalar(prefix + "spec/head_mode", (int)s.HeadMode);
        b.AddText(prefix + "spec/modifier", s.ForgetGateModifier?.Name ?? "");
        b.AddScalar(prefix + "spec/modifier_extra", s.ExtraInputSize);
        b.AddScalar(prefix + "spec/modifier_initial_beta", s.ForgetGateModifier is RegimeForgetModifier r ? r.InitialBeta : 0.0);
        foreach (var v in Layout.Views) b.Add(prefix + "param/" + v.Name, _p.AsSpan(v.Offset, v.Length), v.Shape.ToArray());
    }

}
