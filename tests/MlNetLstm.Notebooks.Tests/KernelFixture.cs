using System.Collections.Concurrent;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>
/// Shared by the notebook and README tests: packs the repository into one temporary feed per test run and runs each
/// notebook once (the structural and the number-pinning tests read the same run).
/// </summary>
public sealed class KernelFixture : IDisposable
{
    private readonly Lazy<PackageFeed> _feed = new(() => PackageFeed.Create(Repository.Root));
    private readonly ConcurrentDictionary<string, Lazy<Task<NotebookRun>>> _runs = new();

    /// <summary>The feed of this run (packed on first use).</summary>
    public PackageFeed Feed => _feed.Value;

    /// <summary>Whether MLNETLSTM_WRITE_NOTEBOOK_OUTPUTS=1: the notebook runs store their outputs in the .ipynb files.</summary>
    public static bool WriteOutputs => Environment.GetEnvironmentVariable("MLNETLSTM_WRITE_NOTEBOOK_OUTPUTS") == "1";

    /// <summary>Runs notebooks/<paramref name="name"/> on the real kernel (once per test run).</summary>
    public Task<NotebookRun> Run(string name) => _runs.GetOrAdd(name, n => new Lazy<Task<NotebookRun>>(() =>
        NotebookRunner.RunAsync(Path.Combine(Repository.Root, "notebooks", n), [Feed.Prelude], WriteOutputs, null, Feed.OutputReplacements))).Value;

    public void Dispose()
    {
        // Run the finalizers of what the notebooks left (SkiaSharp objects bind P/Invokes there) while the test host can
        // still report it: a native library that cannot be found then fails this run instead of crashing a later one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (_feed.IsValueCreated) _feed.Value.Dispose();
    }
}

[CollectionDefinition("kernel")]
public sealed class KernelCollection : ICollectionFixture<KernelFixture>;
