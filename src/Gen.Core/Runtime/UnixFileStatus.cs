using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Gen.Runtime;

/// <summary>
/// The owner, type and permission bits of a file on Linux, read with <c>statx</c> (which .NET does not expose: it
/// offers the mode but not the owner).
/// </summary>
/// <param name="Exists">Whether the path names anything.</param>
/// <param name="IsDirectory">Whether it is a directory (after following links, unless read with <c>followLinks: false</c>).</param>
/// <param name="IsSymbolicLink">Whether it is a symbolic link (only when read with <c>followLinks: false</c>).</param>
/// <param name="IsRegularFile">Whether it is a regular file.</param>
/// <param name="OwnerId">The owner's user id.</param>
/// <param name="Mode">The permission bits, set-id and sticky bits included.</param>
internal readonly record struct UnixFileStatus(bool Exists, bool IsDirectory, bool IsSymbolicLink, bool IsRegularFile, uint OwnerId, UnixFileMode Mode)
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const int TypeMask = 0xF000;
    private const int TypeDirectory = 0x4000;
    private const int TypeRegular = 0x8000;
    private const int TypeSymbolicLink = 0xA000;

    private static readonly unsafe delegate* unmanaged<int, byte*, int, uint, byte*, int> Statx;
    private static readonly unsafe delegate* unmanaged<uint> EffectiveUserId;

    static unsafe UnixFileStatus()
    {
        // statx is in glibc from 2.28 and in the kernel from 4.11; libtorch itself needs newer.
        if (OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc))
        {
            if (NativeLibrary.TryGetExport(libc, "statx", out var statx) && NativeLibrary.TryGetExport(libc, "geteuid", out var geteuid))
            {
                Statx = (delegate* unmanaged<int, byte*, int, uint, byte*, int>)statx;
                EffectiveUserId = (delegate* unmanaged<uint>)geteuid;
            }
        }
    }

    /// <summary>The effective user id of this process.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux with glibc 2.28 or later.</exception>
    public static unsafe uint CurrentUserId => EffectiveUserId != null ? EffectiveUserId() : throw Unsupported();

    /// <summary>Reads the status of <paramref name="path"/>; a path that does not exist gives <see cref="Exists"/> false.</summary>
    /// <param name="path">The file or directory.</param>
    /// <param name="followLinks">Whether a symbolic link is followed (stat) or described itself (lstat).</param>
    /// <exception cref="IOException">The status cannot be read (other than because the path does not exist).</exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux with glibc 2.28 or later.</exception>
    public static unsafe UnixFileStatus Read(string path, bool followLinks)
    {
        if (Statx == null)
        {
            throw Unsupported();
        }

        var name = Encoding.UTF8.GetBytes(path + "\0");
        var buffer = stackalloc byte[256]; // sizeof(struct statx)
        int result;
        fixed (byte* p = name)
        {
            result = Statx(AtCurrentDirectory, p, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, buffer);
        }

        if (result != 0)
        {
            var errno = Marshal.GetLastSystemError();
            // errno decides only the message: the runtime may have changed it on the way back from the call.
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return default;
            }

            throw new IOException($"{path}: cannot read its owner and permissions: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        // struct statx: stx_uid is the u32 at offset 20, stx_mode the u16 at offset 28 (the same on every architecture).
        var uid = *(uint*)(buffer + 20);
        int mode = *(ushort*)(buffer + 28);
        var type = mode & TypeMask;
        return new UnixFileStatus(true, type == TypeDirectory, type == TypeSymbolicLink, type == TypeRegular, uid, (UnixFileMode)(mode & 0xFFF));
    }

    private static PlatformNotSupportedException Unsupported() =>
        new("Reading a file's owner needs Linux with glibc 2.28 or later (statx).");
}
