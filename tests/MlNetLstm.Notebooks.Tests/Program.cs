namespace MlNetLstm.Notebooks.Tests;

/// <summary>
/// Command-line entry: runs notebooks headless on the real kernel, the same way the tests do.
/// <code>dotnet run --project tests/MlNetLstm.Notebooks.Tests -- notebooks/02-volatility-modeling.ipynb [--write] [--feed DIR]</code>
/// Without <c>--feed</c> the repository's packages are packed into a temporary feed under a version unique to the run;
/// <c>--write</c> stores the outputs in the notebook file. Exit code 0 when every notebook ran, 1 otherwise.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        bool write = args.Contains("--write");
        string? feedDir = null;
        var notebooks = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--write") continue;
            if (args[i] == "--feed" && i + 1 < args.Length) { feedDir = Path.GetFullPath(args[++i]); continue; }
            if (args[i] is "-h" or "--help")
            {
                Console.WriteLine("usage: dotnet run --project tests/MlNetLstm.Notebooks.Tests -- NOTEBOOK.ipynb... [--write] [--feed DIR]");
                return 0;
            }
            notebooks.Add(Path.GetFullPath(args[i]));
        }
        if (notebooks.Count == 0)
        {
            Console.Error.WriteLine("usage: dotnet run --project tests/MlNetLstm.Notebooks.Tests -- NOTEBOOK.ipynb... [--write] [--feed DIR]");
            return 2;
        }
        foreach (string nb in notebooks)
            if (!File.Exists(nb)) { Console.Error.WriteLine($"no such notebook: {nb}"); return 2; }

        PackageFeed? feed = null;
        try
        {
            string prelude;
            IReadOnlyDictionary<string, string>? replacements = null;
            if (feedDir is null)
            {
                Console.WriteLine($"packing {Repository.Root} into a temporary feed...");
                feed = PackageFeed.Create(Repository.Root, Console.Out);
                Console.WriteLine($"feed {feed.Directory}: {string.Join(", ", feed.Packages)} {feed.Version}");
                prelude = feed.Prelude;
                replacements = feed.OutputReplacements;
            }
            else
            {
                prelude = $"#i \"nuget: {feedDir}\"";
            }
            int failed = 0;
            foreach (string nb in notebooks)
            {
                Console.WriteLine($"{Path.GetFileName(nb)}:");
                try
                {
                    NotebookRun run = await NotebookRunner.RunAsync(nb, [prelude], write, Console.Out, replacements);
                    Console.WriteLine($"  ok: {run.Cells.Count} code cells in {run.Elapsed.TotalSeconds:F1} s{(write ? ", outputs written" : "")}");
                }
                catch (NotebookFailedException ex)
                {
                    failed++;
                    Console.Error.WriteLine(ex.Message);
                }
            }
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            feed?.Dispose();
        }
    }
}
