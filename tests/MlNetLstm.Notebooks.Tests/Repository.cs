using System.Runtime.CompilerServices;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>Locates the repository (the folder holding MlNetLstm.sln) from the working directory or this source file.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find([CallerFilePath] string source = "")
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? "" })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
            if (dir is not null) return dir.FullName;
        }
        throw new InvalidOperationException("MlNetLstm.sln not found above the working directory or " + source);
    }
}
