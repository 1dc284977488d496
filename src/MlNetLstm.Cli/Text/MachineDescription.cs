namespace MlNetLstm.Cli.Text;

/// <summary>The machine as named in the hardware line of reports.</summary>
internal static class MachineDescription
{
    /// <summary>The CPU model from /proc/cpuinfo, or the process architecture where there is none.</summary>
    internal static string CpuModel()
    {
        try
        {
            string? line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line?.Split(':', 2)[1].Trim() ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
