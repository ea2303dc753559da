using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Gen.Runtime;

/// <summary>
/// What a path names — a regular file, a directory, a pipe, a device — asked before the path is opened. Opening a FIFO
/// for reading waits for a writer (forever, if none comes), and a device such as <c>/dev/zero</c> never ends, so a
/// reader of checkpoints or data files must refuse anything but a regular file before it opens it. .NET exposes no file type on Unix, so
/// this asks <c>stat(2)</c> through the runtime's own native shim (the one <see cref="File"/> uses), whose status
/// record starts with two 32-bit fields, flags and mode, on every Unix .NET supports.
/// </summary>
public static class FileKind
{
    // The runtime shim's portable file-type bits (pal_io.h), the same values on every Unix.
    private const int TypeMask = 0xF000;
    private const int Fifo = 0x1000;
    private const int CharacterDevice = 0x2000;
    private const int Directory = 0x4000;
    private const int BlockDevice = 0x6000;
    private const int Regular = 0x8000;
    private const int SymbolicLink = 0xA000;
    private const int Socket = 0xC000;

    /// <summary>
    /// Null when <paramref name="path"/> names a regular file (following symbolic links), or nothing, or its type cannot be asked (opening it then says why);
    /// otherwise what it is instead, in words ("a directory", "a FIFO (named pipe)").
    /// </summary>
    /// <param name="path">The path to ask about.</param>
    public static string? NotRegular(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (System.IO.Directory.Exists(path))
        {
            return "a directory";
        }

        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        int mode;
        try
        {
            // Generously sized: the shim's record has grown at its end over the years, never at its start.
            var status = new byte[512];
            if (Stat(path, status) != 0)
            {
                // Missing, or not ours to look at: opening it reports which, in the usual words.
                return null;
            }

            mode = BitConverter.ToInt32(status, 4);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A runtime without the shim: open the file as before; the reader's own bounds still hold.
            return null;
        }

        return (mode & TypeMask) switch
        {
            Regular => null,
            Directory => "a directory",
            Fifo => "a FIFO (named pipe)",
            CharacterDevice => "a character device",
            BlockDevice => "a block device",
            Socket => "a socket",
            SymbolicLink => "a symbolic link",
            var other => $"a file of type 0x{other:X4}",
        };
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}
