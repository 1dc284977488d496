using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>
/// Keeps the native libraries of restored packages (e.g. ScottPlot's libSkiaSharp) resolvable for the life of the
/// process. The kernel's package manager registers a native-library resolver for its packages but removes it when the
/// kernel is disposed; the dotnet-interactive tool never disposes its kernel, a test run disposes one per notebook, and a
/// SkiaSharp finalizer that binds a P/Invoke after that would crash the test host with DllNotFoundException. This
/// resolver is the fallback: it looks in runtimes/&lt;rid&gt;/native of every package root any kernel restored.
/// </summary>
public static class NativeLibraryProbe
{
    private static readonly ConcurrentDictionary<string, byte> Roots = new(StringComparer.Ordinal);

    static NativeLibraryProbe() => AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;

    /// <summary>Adds package roots to probe (idempotent).</summary>
    public static void Add(IEnumerable<string> packageRoots)
    {
        foreach (string root in packageRoots)
            if (!string.IsNullOrEmpty(root)) Roots.TryAdd(root, 0);
    }

    private static IntPtr Resolve(Assembly assembly, string name)
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string[] files = OperatingSystem.IsWindows() ? [name, name + ".dll"]
            : OperatingSystem.IsMacOS() ? [name, "lib" + name + ".dylib", name + ".dylib"]
            : [name, "lib" + name + ".so", name + ".so"];
        foreach (string root in Roots.Keys)
        {
            foreach (string rid in new[] { RuntimeInformation.RuntimeIdentifier, $"{os}-{arch}" }.Distinct())
            {
                string dir = Path.Combine(root, "runtimes", rid, "native");
                if (!Directory.Exists(dir)) continue;
                foreach (string file in files)
                {
                    string path = Path.Combine(dir, file);
                    if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle)) return handle;
                }
            }
        }
        return IntPtr.Zero;
    }
}
