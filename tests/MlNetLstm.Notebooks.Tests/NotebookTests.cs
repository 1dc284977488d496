using System.Text.Json.Nodes;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>
/// Executes every notebook under notebooks/ (see <see cref="NotebookRunner"/>). A notebook that throws fails the suite.
/// Set MLNETLSTM_WRITE_NOTEBOOK_OUTPUTS=1 to store the regenerated outputs in the .ipynb files.
/// </summary>
[Trait("Category", "Notebooks")]
public class NotebookTests
{
    public static string RepositoryRoot => FindRoot();

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        {
            var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("MlNetLstm.sln not found above " + source);
        }
    }

    /// <summary>
    /// Every notebook except the ML.NET ones (file name contains "mlnet"): those need the ML.NET adapter, which
    /// default builds do not have; they run, with the same runner, in the adapter's test project (MlNetNotebookTests in
    /// tests/MlNetLstm.MLNet.Tests) when the adapter is switched on.
    /// </summary>
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(RepositoryRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            if (!Path.GetFileName(path).Contains("mlnet", StringComparison.OrdinalIgnoreCase)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_a_dotnet_interactive_csharp_notebook_with_the_package_reference_first(string name)
    {
        JsonObject nb = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "notebooks", name)))!.AsObject();
        ((string?)nb["metadata"]!["kernelspec"]!["name"]).Should().Be(".net-csharp");
        JsonNode first = nb["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == "code")!;
        NotebookRunner.Source(first).Should().Contain("#r \"nuget: MlNetLstm");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_top_to_bottom(string name)
    {
        NotebookRun run = await NotebookRunner.RunAsync(Path.Combine(RepositoryRoot, "notebooks", name));
        run.CellOutputs.Should().NotBeEmpty();
        run.CellOutputs.SelectMany(o => o).Should().NotBeEmpty("a notebook should show results");
        if (Environment.GetEnvironmentVariable("MLNETLSTM_WRITE_NOTEBOOK_OUTPUTS") == "1")
            NotebookRunner.WriteOutputs(run);
    }
}
