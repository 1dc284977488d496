using System.Diagnostics;
using System.Globalization;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>CPU time and memory of one process (a silo, or the in-process cluster with its client), at one moment.</summary>
/// <param name="CpuSeconds">User + system CPU time of the whole process since it started.</param>
/// <param name="ManagedBytes"><see cref="GC.GetTotalMemory(bool)"/> after full collections (live managed objects).</param>
/// <param name="RssBytes">Resident set size (VmRSS of /proc/self/status): managed heap, runtime, JIT code, native allocations.</param>
/// <param name="Threads">Thread-pool threads (each may hold thread-local scratch of the library's kernels, so memory grows with them too).</param>
internal sealed record ProcessStats(double CpuSeconds, long ManagedBytes, long RssBytes, int Threads)
{
    /// <summary>This process, after two full collections (so only live objects count as managed memory).</summary>
    public static ProcessStats OfThisProcess()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return new ProcessStats(self.TotalProcessorTime.TotalSeconds, managed, ReadRss(), ThreadPool.ThreadCount);
    }

    private static long ReadRss()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
            foreach (string line in File.ReadLines(Status))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return Environment.WorkingSet;
    }

    /// <summary>One line of the child silo's stdout protocol.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture, $"stats {CpuSeconds:R} {ManagedBytes} {RssBytes} {Threads}");

    /// <summary>
    /// CPU seconds of a PostgreSQL server: its postmaster (with the children it has reaped) and its live children (the backends),
    /// from /proc (clock ticks of 1/100 s).
    /// </summary>
    public static double ServerTreeCpuSeconds(int postmasterPid)
    {
        const double Tick = 0.01;
        double total = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // the process has exited
            // Fields after the command name (which may hold spaces, closed by the last ')'): state ppid ... utime(14) stime(15) cutime(16) cstime(17).
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            int ppid = int.Parse(f[1], CultureInfo.InvariantCulture);
            double Field(int n) => double.Parse(f[n - 3], CultureInfo.InvariantCulture);
            if (pid == postmasterPid) total += (Field(14) + Field(15) + Field(16) + Field(17)) * Tick;
            else if (ppid == postmasterPid) total += (Field(14) + Field(15)) * Tick;
        }
        return total;
    }

    /// <summary>Parses <see cref="ToLine"/>.</summary>
    public static ProcessStats Parse(string line)
    {
        string[] f = line.Split(' ');
        if (f.Length != 5 || f[0] != "stats") throw new FormatException($"Not a stats line: '{line}'.");
        return new ProcessStats(double.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture),
            long.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture));
    }
}
