using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MlNetLstm.Persistence.Format;

/// <summary>
/// Atomic file replacement shared by <see cref="ModelFile.Save"/>, <see cref="Training.TrainingCheckpoint"/> and
/// <see cref="Persistence.TorchStateDict.Write(string, IEnumerable{KeyValuePair{string, TorchTensor}}, string)"/>: the bytes go to a temporary
/// file <c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c> in the target folder (write-through, flushed to disk), which is renamed over
/// the target; the folder is then flushed too (on Unix), so the rename itself survives a power loss. Before writing, temporary
/// files of earlier saves to the same path whose process is no longer running (saves that were killed) are deleted.
/// </summary>
internal static class AtomicFile
{
    private static int _directorySyncs;

    /// <summary>Number of successful folder flushes in this process (observed by the tests).</summary>
    public static int DirectorySyncCount => Volatile.Read(ref _directorySyncs);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Folder '{dir}' for file '{path}' does not exist.");
        string name = Path.GetFileName(full);
        RemoveStaleTemporaries(dir, name);
        string temp = Path.Combine(dir, $".{name}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.WriteThrough))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        SyncDirectory(dir);
    }

    /// <summary>
    /// Deletes <c>.&lt;name&gt;.&lt;pid&gt;.&lt;32 hex&gt;.tmp</c> files in <paramref name="dir"/> whose pid is not a running process.
    /// Files of running processes (which may still be writing) and every other file are left alone; a file that cannot be deleted
    /// (removed meanwhile, no permission) is skipped: it is never read, and the save itself does not depend on it.
    /// </summary>
    internal static void RemoveStaleTemporaries(string dir, string name)
    {
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, "*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string file in candidates)
        {
            string f = Path.GetFileName(file);
            if (!f.StartsWith(prefix, StringComparison.Ordinal) || !f.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            string[] rest = f[prefix.Length..^4].Split('.');
            if (rest.Length != 2 || rest[1].Length != 32 || !rest[1].All(char.IsAsciiHexDigit)) continue;
            if (!int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsRunning(pid)) continue;
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
        catch (InvalidOperationException) { return false; }
        catch (Exception) { return true; } // cannot tell (for example no permission): keep the file
    }

    /// <summary>
    /// Flushes a folder's entries (the rename) to disk: open(2) + fsync(2) on Unix. On Windows the rename is journaled by NTFS
    /// and there is no portable folder flush, so this does nothing; nor on a platform without a C library. File systems that cannot
    /// flush a folder (EINVAL) are accepted.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be opened or flushed (the message names it).</exception>
    internal static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd;
        // "libc" is resolved by the runtime to the C library (libc.so.6 on glibc Linux, libSystem on macOS). A platform without
        // one cannot flush a folder at all; the file itself is already flushed and renamed, so the save stands.
        try { fd = Native.open(dir, 0 /* O_RDONLY */); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return; }
        if (fd < 0)
            throw new IOException($"Cannot open folder '{dir}' to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != 22 /* EINVAL: the file system does not support it */)
                    throw new IOException($"Flushing folder '{dir}' to disk failed (errno {errno}).");
            }
        }
        finally { _ = Native.close(fd); }
        Interlocked.Increment(ref _directorySyncs);
    }

    private static class Native
    {
#pragma warning disable SYSLIB1054, CA2101 // plain DllImport: no source generator needed for three libc calls
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        internal static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        internal static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        internal static extern int close(int fd);
#pragma warning restore SYSLIB1054, CA2101
    }
}
