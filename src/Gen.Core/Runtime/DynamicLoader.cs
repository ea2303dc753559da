using System;
using System.Runtime.InteropServices;

namespace Gen.Runtime;

/// <summary>
/// Direct access to the POSIX dynamic loader, so that a failed load reports the loader's own message
/// (which <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> hides).
/// </summary>
internal static unsafe class DynamicLoader
{
    private const int RtldLazy = 0x1;
    private const int RtldNoLoad = 0x4;

    private static readonly delegate* unmanaged<byte*, int, IntPtr> Open;
    private static readonly delegate* unmanaged<IntPtr> Error;

    static DynamicLoader()
    {
        // glibc >= 2.34 has dlopen in libc.so.6; older glibc only in libdl.so.2 (still present as a stub on newer ones).
        IntPtr lib = IntPtr.Zero;
        foreach (var name in new[] { "libdl.so.2", "libc.so.6", "libc.so" })
        {
            if (NativeLibrary.TryLoad(name, out lib) && NativeLibrary.TryGetExport(lib, "dlopen", out _))
            {
                break;
            }

            lib = IntPtr.Zero;
        }

        if (lib != IntPtr.Zero)
        {
            Open = (delegate* unmanaged<byte*, int, IntPtr>)NativeLibrary.GetExport(lib, "dlopen");
            Error = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "dlerror");
        }
    }

    /// <summary>Whether dlopen could be found (false on non-POSIX systems).</summary>
    public static bool IsAvailable => Open != null;

    /// <summary>Returns the handle of an already loaded library (matched by path or soname), or zero.</summary>
    public static IntPtr TryGetLoaded(string nameOrPath) => TryOpen(nameOrPath, RtldLazy | RtldNoLoad, out _);

    /// <summary>Loads a library by full path; returns the handle or the loader's error message.</summary>
    public static IntPtr TryOpen(string path, out string? error) => TryOpen(path, RtldLazy, out error);

    private static IntPtr TryOpen(string path, int flags, out string? error)
    {
        error = null;
        if (!IsAvailable)
        {
            error = "dlopen is not available on this system";
            return IntPtr.Zero;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        IntPtr handle;
        fixed (byte* p = bytes)
        {
            Error(); // clear any stale message
            handle = Open(p, flags);
        }

        if (handle == IntPtr.Zero)
        {
            error = Marshal.PtrToStringUTF8(Error()) ?? "unknown dynamic loader error";
        }

        return handle;
    }
}
