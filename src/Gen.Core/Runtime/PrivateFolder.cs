using System;
using System.IO;

namespace Gen.Runtime;

/// <summary>
/// Folders that no other user can change, for native libraries that this process will load: a library written where
/// another user can replace it (a folder of theirs, a symbolic link they planted, a folder anyone may write to) would
/// run their code in this process.
/// </summary>
internal static class PrivateFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Creates <paramref name="path"/> with mode 0700 unless it exists (mkdir applies the mode as it creates, so there is
    /// no moment when the folder is open to others), then requires that it be a real folder (not a symbolic link), owned
    /// by this user and writable by no one else.
    /// </summary>
    /// <exception cref="GenRuntimeException">The folder fails one of these; the message names it and says which.</exception>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public static void Require(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!UnixFileStatus.Read(path, followLinks: false).Exists)
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }

        var status = UnixFileStatus.Read(path, followLinks: false);
        var problem = !status.Exists ? "it vanished just after it was created"
            : status.IsSymbolicLink ? "it is a symbolic link, which whoever made it can point elsewhere"
            : !status.IsDirectory ? "it is not a folder"
            : Unsafe(status);
        if (problem != null)
        {
            throw Refused(path, problem);
        }
    }

    /// <summary>
    /// Requires that no other user can rename or replace <paramref name="path"/> or anything on the way to it: the
    /// folder (after following symbolic links, which are the owner's choice) and each folder above it must be owned by
    /// this user or by root and be writable by no one else, unless it is sticky like /tmp (where no one may rename what
    /// another owns). The folder must exist.
    /// </summary>
    /// <exception cref="GenRuntimeException">A folder fails; the message names it and says why.</exception>
    public static void RequireTrusted(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var resolved = Directory.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        for (var folder = resolved; folder != null; folder = Path.GetDirectoryName(folder))
        {
            var status = UnixFileStatus.Read(folder, followLinks: true);
            if (!status.Exists || !status.IsDirectory)
            {
                throw Refused(folder, "it is not a folder");
            }

            var sticky = (status.Mode & UnixFileMode.StickyBit) != 0;
            if (status.OwnerId != 0 && status.OwnerId != UnixFileStatus.CurrentUserId)
            {
                throw Refused(folder, $"it belongs to another user (uid {status.OwnerId}; this process runs as uid {UnixFileStatus.CurrentUserId})");
            }

            if (!sticky && (status.Mode & WritableByOthers) != 0)
            {
                throw Refused(folder, $"others may write to it (mode {Octal(status.Mode)}) and so rename what is in it");
            }
        }
    }

    private static string? Unsafe(UnixFileStatus status) =>
        status.OwnerId != UnixFileStatus.CurrentUserId
            ? $"it belongs to another user (uid {status.OwnerId}; this process runs as uid {UnixFileStatus.CurrentUserId})"
            : (status.Mode & WritableByOthers) != 0
                ? $"others may write to it (mode {Octal(status.Mode)})"
                : null;

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static GenRuntimeException Refused(string path, string why) =>
        new($"{path} is not a safe place for a native library that this process will load: {why}.");
}
