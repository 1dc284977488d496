using System.Text.RegularExpressions;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>
/// Every ```csharp block of README.md, notebooks/README.md and examples/README.md runs as written on the real
/// .NET Interactive kernel against the packed packages, from the folder of its README. The test supplies only what a
/// user's project or notebook would: the package feed and the package references (MlNetLstm; MlNetLstm.MLNet when the
/// block uses ML.NET).
/// </summary>
[Collection("kernel")]
[Trait("Category", "Notebooks")]
public partial class ReadmeCodeBlockTests(KernelFixture kernel)
{
    public static readonly string[] Readmes = ["README.md", "notebooks/README.md", "examples/README.md"];

    /// <summary>The C# blocks of one Markdown file, each with its 1-based starting line.</summary>
    public static IEnumerable<(int Line, string Code)> CSharpBlocks(string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!CSharpFence().IsMatch(lines[i])) continue;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            if (end == lines.Length) throw new FormatException($"unclosed ```csharp block at line {i + 1}");
            yield return (start, string.Join("\n", lines[start..end]));
            i = end;
        }
    }

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string readme in Readmes)
        {
            string path = Path.Combine(Repository.Root, readme);
            if (!File.Exists(path)) continue;
            foreach (var (line, _) in CSharpBlocks(File.ReadAllText(path))) data.Add(readme, line);
        }
        return data;
    }

    [Fact]
    public void The_extractor_finds_the_quickstart_and_only_csharp_blocks()
    {
        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(Repository.Root, "README.md"))).ToList();
        blocks.Should().Contain(b => b.Code.Contains("LstmForecaster.Fit"));
        blocks.Should().NotContain(b => b.Code.Contains("dotnet test"), "bash blocks are not C#");
        CSharpBlocks("x\n```csharp\nint a = 1;\n```\n```bash\nls\n```\n```cs\nint b = 2;\n```\n").Select(b => b.Code).Should().Equal("int a = 1;", "int b = 2;");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task Code_block_runs_as_written(string readme, int line)
    {
        string path = Path.Combine(Repository.Root, readme);
        string code = CSharpBlocks(File.ReadAllText(path)).Single(b => b.Line == line).Code;
        var prelude = new List<string> { kernel.Feed.Prelude, "#r \"nuget: MlNetLstm\"" };
        if (code.Contains("Microsoft.ML", StringComparison.Ordinal) || code.Contains("MLContext", StringComparison.Ordinal))
            prelude.Add("#r \"nuget: MlNetLstm.MLNet\"");
        IReadOnlyList<CellRun> run = await NotebookRunner.RunCodeAsync($"{readme} line {line}", Path.GetDirectoryName(path)!, prelude, [code]);
        run.Should().ContainSingle();
    }

    [GeneratedRegex(@"^\s*```\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CSharpFence();
}
