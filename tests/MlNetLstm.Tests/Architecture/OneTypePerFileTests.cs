using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace MlNetLstm.Tests.Architecture;

/// <summary>
/// One public top-level type per file, named after the type, in the core library and the Orleans host (src/ARCHITECTURE.md).
/// The ML.NET adapter keeps each estimator beside its transformer, as ML.NET does, and is not checked.
/// </summary>
public partial class OneTypePerFileTests
{
    [GeneratedRegex(@"^public (?:sealed |static |abstract |readonly |partial )*(?:class|record struct|record|enum|interface|struct) (\w+)", RegexOptions.Multiline)]
    private static partial Regex PublicTopLevelType();

    private static string Src([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src");
    }

    /// <summary>Files of <paramref name="project"/> holding more than one public top-level type, or one not named after its file.</summary>
    internal static List<string> Offenders(IEnumerable<(string Path, string Text)> files)
    {
        var bad = new List<string>();
        foreach (var (path, text) in files)
        {
            var names = PublicTopLevelType().Matches(text).Select(m => m.Groups[1].Value).ToList();
            if (names.Count > 1) bad.Add($"{path}: {string.Join(", ", names)}");
            else if (names.Count == 1 && names[0] != Path.GetFileName(path).Split('.')[0]) bad.Add($"{path}: {names[0]} is not named after its file");
        }
        return bad;
    }

    [Theory]
    [InlineData("MlNetLstm")]
    [InlineData("MlNetLstm.Orleans")]
    public void Each_public_type_has_its_own_file(string project)
    {
        string root = Path.Combine(Src(), project);
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(root, f), File.ReadAllText(f))).ToList();
        files.Should().NotBeEmpty();
        Offenders(files).Should().BeEmpty();
    }

    [Fact]
    public void Two_types_in_one_file_or_a_misnamed_file_are_found()
    {
        Offenders([("A.cs", "namespace X;\npublic sealed class A { }\npublic enum B { }\n")]).Should().ContainSingle().Which.Should().Contain("A, B");
        Offenders([("A.cs", "namespace X;\npublic readonly record struct C(int X);\n")]).Should().ContainSingle().Which.Should().Contain("C is not named");
        Offenders([("A.cs", "namespace X;\npublic static class A\n{\n    public enum Nested { }\n}\ninternal class Helper { }\n")]).Should().BeEmpty();
    }
}
