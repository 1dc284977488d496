using MlNetLstm.Persistence.Format;

namespace MlNetLstm.Volatility.Neural;

/// <summary>
/// Model-file reader and writer of <see cref="CombinedVarianceForecaster"/> seed ensembles (kind
/// "MlNetLstm.CombinedVarianceForecaster"; layout in src/MlNetLstm/Persistence/FORMAT.md). It lives here, above both the
/// combination (in <c>MlNetLstm.Volatility</c>) and its <see cref="LstmVolatilityForecaster"/> members, so the combination
/// itself does not depend on this namespace.
/// </summary>
internal static class SeedEnsembleArchive
{
    /// <summary>Model-file kind.</summary>
    internal const string ArchiveKind = "MlNetLstm.CombinedVarianceForecaster";

    /// <summary>Most members a combination file may hold (<c>ModelSerializer.MaxCombinationMembers</c>).</summary>
    internal const int MaxStoredMembers = 1024;

    /// <summary>Layout version written (4; version 1 files, with the same entries, still load).</summary>
    internal const int ArchiveVersion = ArchiveReader.CurrentLayoutVersion;

    /// <summary>The combination as an archive (see <see cref="Persistence.ModelSerializer.ToArchive(CombinedVarianceForecaster)"/>).</summary>
    /// <param name="model">A combination whose members are all <see cref="LstmVolatilityForecaster"/>s.</param>
    internal static ModelArchive ToArchive(CombinedVarianceForecaster model)
    {
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.AddText("name", model.Name);
        b.AddScalar("member_count", model.Members.Count);
        for (int i = 0; i < model.Members.Count; i++)
        {
            if (model.Members[i] is not LstmVolatilityForecaster lstm)
                throw new NotSupportedException($"Member {i} of '{model.Name}' is a {model.Members[i].GetType().Name}; only combinations of LstmVolatilityForecaster members (seed ensembles) can be saved.");
            b.AddText($"member/{i}/model", Convert.ToBase64String(ModelFile.ToBytes(lstm.ToArchive())));
        }
        return b.Build();
    }

    /// <summary>Reads a combination of layout version 1 or 4 (the entries are the same; members carry their own versions).</summary>
    internal static CombinedVarianceForecaster FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArchiveReader.Layout(archive, ArchiveKind, 1, ArchiveVersion);
        var r = new ArchiveReader(archive);
        string name = r.Text("name", ModelFile.MaxNameBytes);
        if (string.IsNullOrWhiteSpace(name)) throw r.Error("name", "is empty.");
        int count = r.Int("member_count", 1, MaxStoredMembers);
        var members = new LstmVolatilityForecaster[count];
        for (int i = 0; i < count; i++)
        {
            string entry = $"member/{i}/model";
            byte[] bytes;
            try { bytes = Convert.FromBase64String(r.Text(entry, 1 << 30)); }
            catch (FormatException) { throw r.Error(entry, "is not base64."); }
            try { members[i] = LstmVolatilityForecaster.FromArchive(ModelFile.FromBytes(bytes)); }
            catch (InvalidDataException ex) { throw r.Error(entry, $"does not hold a valid LSTM volatility forecaster: {ex.Message}"); }
        }
        return new CombinedVarianceForecaster(name, members.Select(m => m.Name).ToArray(), members);
    }
}
