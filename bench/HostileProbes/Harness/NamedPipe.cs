using System;
using System.IO;
using System.Runtime.InteropServices;

namespace HostileProbes.Harness;

/// <summary>FIFOs for the probes: opening one for reading waits for a writer, which none of these will ever have.</summary>
internal static class NamedPipe
{
    /// <summary>Makes a FIFO of mode 0600 at <paramref name="path"/> and returns the path.</summary>
    public static string Make(string path)
    {
        if (MakeFifo(path, Convert.ToUInt32("600", 8)) != 0)
        {
            throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return path;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
