using System;
using System.IO;

namespace HostileProbes.Harness;

/// <summary>
/// A process's resident memory from /proc. Linux keeps the peak (VmHWM) since the process started; writing "5" to
/// /proc/self/clear_refs resets it to the present size, so the peak after a probe is the probe's own.
/// </summary>
internal static class ResidentMemory
{
    /// <summary>Resets this process's peak to its present resident size; false where the kernel does not allow it.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>This process's resident size now, in bytes.</summary>
    public static long Current() => Read("self", "VmRSS:");

    /// <summary>This process's peak resident size since the last reset, in bytes.</summary>
    public static long Peak() => Read("self", "VmHWM:");

    /// <summary>The resident size of process <paramref name="pid"/>, in bytes; 0 once it is gone.</summary>
    public static long Of(int pid) => Read(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "VmRSS:");

    private static long Read(string process, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process has gone.
        }

        return 0;
    }
}
