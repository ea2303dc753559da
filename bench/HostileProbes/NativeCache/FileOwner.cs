using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HostileProbes.NativeCache;

/// <summary>Owner and type of a path without following a final symbolic link (lstat through the .NET runtime's own shim, whose status record starts with flags, mode, uid and gid).</summary>
internal static class FileOwner
{
    /// <summary>The owner's uid, or null when the path does not exist.</summary>
    public static uint? Of(string path)
    {
        var status = new byte[512];
        return LStat(path, status) == 0 ? System.BitConverter.ToUInt32(status, 8) : null;
    }

    /// <summary>Gives <paramref name="path"/> to the user <c>nobody</c> (65534), as another user's folder would be.</summary>
    public static void GiveToNobody(string path)
    {
        using var chown = Process.Start("chown", new[] { "65534:65534", path })!;
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new System.IO.IOException($"chown nobody {path} failed");
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}
