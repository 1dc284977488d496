using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MlNetLstm.Tests.Persistence;

/// <summary>Locates tests/data/persistence from the source tree (works from any build output folder).</summary>
internal static class PersistenceTestData
{
    public static string Root([CallerFilePath] string sourceFile = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!);
        while (dir != null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "data", "persistence"))) dir = dir.Parent;
        if (dir == null) throw new DirectoryNotFoundException("tests/data/persistence not found above " + sourceFile);
        return Path.Combine(dir.FullName, "tests", "data", "persistence");
    }

    public static string File(params string[] parts) => Path.Combine([Root(), .. parts]);

    public static string RepoFile(string relative) => Path.GetFullPath(Path.Combine(Root(), "..", "..", "..", relative));

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
