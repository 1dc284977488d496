using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Transforms.TimeSeries;
using MlNetLstm.MLNet;
using MlNetLstm.Notebooks.Tests;

namespace MlNetLstm.MLNet.Tests;

/// <summary>
/// Executes the ML.NET notebooks (notebooks/*mlnet*.ipynb, which tests/MlNetLstm.Notebooks.Tests skips) with the same
/// runner, adding the adapter and ML.NET to the references. Set MLNETLSTM_WRITE_NOTEBOOK_OUTPUTS=1 to store the
/// regenerated outputs in the .ipynb files.
/// </summary>
[Trait("Category", "Notebooks")]
public class MlNetNotebookTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MlNetLstm.sln not found above " + source);
    }

    /// <summary>What an ML.NET notebook's <c>#r "nuget: MlNetLstm.MLNet"</c> brings: the adapter and ML.NET.</summary>
    private static readonly Assembly[] MlNetReferences =
    [
        typeof(MlNetLstmModel).Assembly,                       // MlNetLstm.MLNet
        typeof(MLContext).Assembly,                            // Microsoft.ML.Data
        typeof(IDataView).Assembly,                            // Microsoft.ML.DataView
        typeof(Microsoft.ML.Runtime.IHostEnvironment).Assembly, // Microsoft.ML.Core
        typeof(Microsoft.ML.Transforms.CustomMappingFactory<,>).Assembly, // Microsoft.ML.Transforms
        typeof(SsaForecastingEstimator).Assembly,              // Microsoft.ML.TimeSeries
    ];

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            if (Path.GetFileName(path).Contains("mlnet", StringComparison.OrdinalIgnoreCase)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void There_is_an_MLNet_notebook() => Notebooks().Should().NotBeEmpty();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_a_dotnet_interactive_csharp_notebook_with_the_adapter_package_reference_first(string name)
    {
        var nb = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name)))!.AsObject();
        ((string?)nb["metadata"]!["kernelspec"]!["name"]).Should().Be(".net-csharp");
        var first = nb["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == "code")!;
        NotebookRunner.Source(first).Should().Contain("#r \"nuget: MlNetLstm.MLNet");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_top_to_bottom(string name)
    {
        NotebookRun run = await NotebookRunner.RunAsync(Path.Combine(Root, "notebooks", name), MlNetReferences);
        run.CellOutputs.Should().NotBeEmpty();
        run.CellOutputs.SelectMany(o => o).Should().NotBeEmpty("a notebook should show results");
        if (Environment.GetEnvironmentVariable("MLNETLSTM_WRITE_NOTEBOOK_OUTPUTS") == "1")
            NotebookRunner.WriteOutputs(run);
    }
}
