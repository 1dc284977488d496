using MlNetLstm.Persistence;

namespace MlNetLstm.Models;

public sealed partial class RecurrentNetwork
{
    /// <summary>Archive kind written by <see cref="ToArchive"/>.</summary>
    public const string ArchiveKind = "MlNetLstm.RecurrentNetwork";

    /// <summary>Layout version of the archive entries (4: enums by name; version 1 files, with int32 enums, still load).</summary>
    public const int ArchiveVersion = ModelKinds.CurrentVersion;

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
    /// <see cref="RegimeForgetModifier"/> ("regime") and <see cref="LeverageForgetModifier"/> ("regime-leverage") need none.</param>
    /// <exception cref="InvalidDataException">Wrong kind, missing entries or inconsistent shapes.</exception>
    public static RecurrentNetwork FromArchive(ModelArchive archive, Func<string, int, IForgetGateModifier>? modifierFactory = null)
    {
        // The strict reader validates every entry (types, shapes, ranges) before allocating anything.
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, ArchiveVersion);
        return ReadFrom(new ArchiveReader(archive), version, modifierFactory);
    }

    internal void WriteTo(ModelArchiveBuilder b, string prefix)
    {
        var s = Spec;
        b.AddText(prefix + "spec/cell", s.Cell.ToString());
        b.AddScalar(prefix + "spec/input", s.InputSize);
        b.AddScalar(prefix + "spec/hidden", s.HiddenSize);
        b.AddScalar(prefix + "spec/layers", s.Layers);
        b.AddScalar(prefix + "spec/bidirectional", s.Bidirectional ? 1 : 0);
        b.AddScalar(prefix + "spec/peepholes", s.Peepholes ? 1 : 0);
        b.AddScalar(prefix + "spec/coupled", s.CoupledGates ? 1 : 0);
        b.AddScalar(prefix + "spec/output", s.OutputSize);
        b.AddText(prefix + "spec/head_mode", s.HeadMode.ToString());
        b.AddText(prefix + "spec/modifier", s.ForgetGateModifier?.Name ?? "");
        b.AddScalar(prefix + "spec/modifier_extra", s.ExtraInputSize);
        b.AddScalar(prefix + "spec/modifier_initial_beta", s.ForgetGateModifier switch
        {
            RegimeForgetModifier r => r.InitialBeta,
            LeverageForgetModifier l => l.InitialBeta,
            _ => 0.0,
        });
        foreach (var v in Layout.Views) b.Add(prefix + "param/" + v.Name, _p.AsSpan(v.Offset, v.Length), v.Shape.ToArray());
    }

    /// <summary>
    /// Reads the entries written by <see cref="WriteTo"/> under the reader's prefix, in the layout of <paramref name="layoutVersion"/>
    /// (the version of the archive that embeds the block: enums are int32 before version 4 and names from version 4 on).
    /// </summary>
    internal static RecurrentNetwork ReadFrom(ArchiveReader r, int layoutVersion, Func<string, int, IForgetGateModifier>? modifierFactory)
    {
        ArchiveReader s = r.Sub("spec/");
        CellType cell = s.Enum<CellType>("cell", layoutVersion);
        int input = s.Int("input", 1), hidden = s.Int("hidden", 1), layers = s.Int("layers", 1), output = s.Int("output", 0);
        bool bidirectional = s.Bool("bidirectional"), peepholes = s.Bool("peepholes"), coupled = s.Bool("coupled");
        HeadMode head = s.Enum<HeadMode>("head_mode", layoutVersion);
        string modName = s.Text("modifier", ModelFile.MaxNameBytes);
        int extra = s.Int("modifier_extra", 0);
        double beta = s.Real("modifier_initial_beta");

        // Bound every size by the number of values the file actually holds before anything is sized from them.
        long budget = r.TotalElements;
        // Computed in double: the stored sizes can be anything up to int.MaxValue, and their products overflow a long.
        double g = RecurrentCell.For(cell).GateCount, d = bidirectional ? 2 : 1, h = hidden;
        double need = layers * d * (g * h * h + 2 * g * h) + d * g * h * input + (layers - 1.0) * d * g * h * d * h
            + (double)output * d * h + output + (peepholes ? layers * d * 3 * h : 0) + (modName.Length > 0 ? layers * d * h * extra : 0);
        // (The slack keeps the specific per-entry shape errors for small inconsistencies; the layout itself allocates nothing big.)
        if (need > 2 * budget + 65536)
            throw r.Error($"the stored spec (cell {cell}, input {input}, hidden {hidden}, layers {layers}, output {output}) needs {need:0} parameters but the file holds only {budget} values.");

        IForgetGateModifier? modifier = null;
        if (modName.Length > 0)
        {
            try
            {
                if (modifierFactory != null) modifier = modifierFactory(modName, extra);
                else if (modName == "regime") modifier = new RegimeForgetModifier(extra, (float)beta);
                else if (modName == LeverageForgetModifier.ModifierName) modifier = new LeverageForgetModifier(extra, (float)beta);
                else throw r.Error($"the network uses forget-gate modifier '{modName}': pass a modifierFactory that creates it.");
            }
            catch (ArgumentException e)
            {
                throw r.Error($"forget-gate modifier '{modName}' with {extra} extra inputs and initial beta {beta} cannot be created: {e.Message}");
            }
            if (modifier is null || modifier.Name != modName || modifier.ExtraInputSize != extra)
                throw r.Error($"the modifier factory did not create modifier '{modName}' with {extra} extra inputs.");
        }
        else if (extra != 0) throw r.Error($"modifier_extra is {extra} but the network has no forget-gate modifier.");

        RecurrentNetworkSpec spec;
        ParameterLayout layout;
        try
        {
            spec = new RecurrentNetworkSpec
            {
                Cell = cell, InputSize = input, HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional,
                Peepholes = peepholes, CoupledGates = coupled, OutputSize = output, HeadMode = head, ForgetGateModifier = modifier,
            };
            spec.Validate();
            layout = CreateLayout(spec);
        }
        catch (ArgumentException e)
        {
            throw r.Error("the stored network spec is invalid: " + e.Message);
        }

        ArchiveReader p = r.Sub("param/");
        var dict = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (ParameterView v in layout.Views) dict[v.Name] = p.Singles(v.Name, v.Shape);
        string prefix = r.FullName("param/");
        int stored = r.Archive.Entries.Count(e => e.Name.StartsWith(prefix, StringComparison.Ordinal));
        if (stored != layout.Views.Count)
        {
            string unexpected = r.Archive.Entries.Select(e => e.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Select(n => n[prefix.Length..]).First(n => !layout.Contains(n));
            throw r.Error($"holds parameter '{unexpected}', which a network with the stored spec does not have.");
        }
        try
        {
            return FromStateDict(spec, dict);
        }
        catch (ArgumentException e)
        {
            throw r.Error("the stored parameters are invalid: " + e.Message);
        }
    }
}
