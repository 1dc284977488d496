using System.Diagnostics;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>
/// A temporary NuGet feed holding the repository's packages (MlNetLstm.Kernels, MlNetLstm and, when it is packable,
/// MlNetLstm.MLNet), packed by <c>dotnet pack</c> under a version unique to this run, so that neither the global packages
/// folder nor the kernel's own restore can serve an earlier build. The version is a stable one above every published
/// 0.x (<c>0.1.0-</c> prereleases would not be picked by a versionless <c>#r "nuget: MlNetLstm"</c>).
/// </summary>
public sealed class PackageFeed : IDisposable
{
    /// <summary>The packable library projects, relative to the repository root.</summary>
    public static readonly string[] Projects =
    [
        "src/MlNetLstm.Kernels/MlNetLstm.Kernels.csproj",
        "src/MlNetLstm/MlNetLstm.csproj",
        "src/MlNetLstm.MLNet/MlNetLstm.MLNet.csproj",
    ];

    private PackageFeed(string directory, string version, IReadOnlyList<string> packages)
    {
        Directory = directory;
        Version = version;
        Packages = packages;
    }

    /// <summary>The feed folder (absolute path).</summary>
    public string Directory { get; }

    /// <summary>The package version of this run.</summary>
    public string Version { get; }

    /// <summary>The ids of the packages in the feed.</summary>
    public IReadOnlyList<string> Packages { get; }

    /// <summary>The prelude a kernel gets before a notebook's first cell: the feed as a package source.</summary>
    public string Prelude => $"#i \"nuget: {Directory}\"";

    /// <summary>
    /// What the notebooks' stored outputs show instead of this run's feed folder and version (the kernel's restore
    /// report names both), so that regenerated notebooks differ only where results do.
    /// </summary>
    public IReadOnlyDictionary<string, string> OutputReplacements => new Dictionary<string, string>
    {
        [Directory] = "(local feed)",
        [Version] = "(local build)",
    };

    /// <summary>
    /// Packs the repository at <paramref name="repositoryRoot"/> into a new temporary folder. The version is
    /// 0.1.&lt;minutes since 2026-01-01&gt;&lt;seconds&gt;.&lt;process id&gt;: unique per run and above the repository's 0.1.0.
    /// </summary>
    public static PackageFeed Create(string repositoryRoot, TextWriter? log = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnetlstm-feed-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        TimeSpan since = DateTime.UtcNow - new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string version = $"0.1.{(long)since.TotalSeconds}.{Environment.ProcessId}";
        var packed = new List<string>();
        foreach (string project in Projects)
        {
            string path = Path.Combine(repositoryRoot, project);
            if (!File.Exists(path)) continue;
            Run(repositoryRoot, log, "pack", path, "-c", "Release", "-o", dir, "-p:PackageVersion=" + version, "--nologo", "-v:q", "-clp:ErrorsOnly");
        }
        foreach (string nupkg in System.IO.Directory.GetFiles(dir, "*.nupkg"))
        {
            string name = Path.GetFileNameWithoutExtension(nupkg);
            packed.Add(name[..^(version.Length + 1)]);
        }
        if (!packed.Contains("MlNetLstm")) throw new InvalidOperationException($"dotnet pack produced no MlNetLstm package in {dir}");
        return new PackageFeed(dir, version, packed);
    }

    private static void Run(string workingDirectory, TextWriter? log, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        log?.WriteLine($"dotnet {string.Join(' ', args)}: exit {p.ExitCode} in {sw.Elapsed.TotalSeconds:F1} s");
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed (exit {p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    /// <summary>
    /// Deletes the feed and this run's versions from the global packages folder (the kernel's restore puts them there;
    /// they would otherwise pile up, one set per run).
    /// </summary>
    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        string global = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in Packages)
        {
            string versionDir = Path.Combine(global, id.ToLowerInvariant(), Version.ToLowerInvariant());
            try { if (System.IO.Directory.Exists(versionDir)) System.IO.Directory.Delete(versionDir, recursive: true); } catch (IOException) { }
        }
    }
}
