using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetLstm.Cli.Reports;

/// <summary>The --out folder of <c>mlnetlstm backtest</c>: checked before any work, then given report.html and results.json.</summary>
internal static class BacktestOutput
{
    /// <summary>
    /// Checks --out before any work: it must be a folder that can be created and written (an existing file, a path under a
    /// file or an unwritable place is refused), so that a long run never ends without its report.
    /// </summary>
    internal static void PrepareOutput(string dir)
    {
        string full;
        try
        {
            full = Path.GetFullPath(dir);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"--out '{dir}' is not a valid path ({ex.Message}).");
        }
        if (File.Exists(full)) throw new ArgumentException($"--out '{dir}' is an existing file; give a folder (report.html and results.json are written into it).");
        foreach (string name in new[] { "report.html", "results.json" })
            if (Directory.Exists(Path.Combine(full, name))) throw new ArgumentException($"--out '{dir}' contains a folder named {name}; the report cannot be written there.");
        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".mlnetlstm-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ArgumentException($"--out '{dir}': the folder cannot be created or written ({ex.Message}).");
        }
    }

    /// <summary>Writes results.json (indented) and then report.html (rendered by <paramref name="renderHtml"/>) into <paramref name="outDir"/>.</summary>
    internal static void Write(string outDir, JsonObject json, Func<string> renderHtml)
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "results.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(outDir, "report.html"), renderHtml());
    }
}
