using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Gen.Runtime;

/// <summary>
/// Stores patched copies of native libraries in a per-user cache, keyed by the original's content and
/// the patch, written atomically so that concurrent first uses never see a half-written file. The folders that
/// hold a copy are private (mode 0700, this user's, no symbolic links), and a copy is only ever written to a new
/// file of its own and renamed into place, so no other user can substitute the library this process loads.
/// </summary>
internal static class PatchedLibraryCache
{
    /// <summary>The cache root: <c>GEN_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/gen</c>, else <c>~/.cache/gen</c>.</summary>
    public static string Root()
    {
        var explicitDir = Environment.GetEnvironmentVariable("GEN_CACHE_DIR");
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return explicitDir;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return Path.Combine(xdg, "gen");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gen");
    }

    /// <summary>
    /// Returns the path of a patched copy of <paramref name="original"/> (see <see cref="GetOrCreate"/>) in the first
    /// place that is safe and writable: the cache (<see cref="Root"/>), else <c>gen-USER</c> in the temporary folder,
    /// else a fresh private folder there (when that one is missing its mode, owner or is a planted symbolic link).
    /// </summary>
    /// <exception cref="GenRuntimeException">No place is both writable and safe; the message says why for each.</exception>
    public static string GetOrCreateAnywhere(string original, IReadOnlyCollection<string> weakVersions)
    {
        var problems = new List<string>();
        foreach (var root in new Func<string>[] { TrustedRoot, PerUserTemporaryRoot, FreshTemporaryRoot })
        {
            try
            {
                return GetOrCreate(original, weakVersions, root());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or GenRuntimeException or PlatformNotSupportedException)
            {
                problems.Add(e.Message);
            }
        }

        throw new GenRuntimeException(string.Join(" Then: ", problems));
    }

    /// <summary>
    /// Returns the path of a copy of <paramref name="original"/> with <paramref name="weakVersions"/> marked
    /// weak under <paramref name="cacheRoot"/>, creating it if needed. The original file is never modified.
    /// </summary>
    /// <exception cref="GenRuntimeException">A folder under the root is a symbolic link, another user's, or writable by others.</exception>
    public static string GetOrCreate(string original, IReadOnlyCollection<string> weakVersions, string cacheRoot)
    {
        var bytes = File.ReadAllBytes(original);
        var versions = weakVersions.OrderBy(v => v, StringComparer.Ordinal).ToArray();
        var key = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()[..32] + "-" +
                  Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", versions)))).ToLowerInvariant()[..8];
        var native = Path.Combine(cacheRoot, "native");
        var folder = Path.Combine(native, key);
        var target = Path.Combine(folder, Path.GetFileName(original));
        var patched = ElfVersionPatcher.WeakenVersions(bytes, versions);

        Directory.CreateDirectory(cacheRoot);
        PrivateFolder.Require(native);
        PrivateFolder.Require(folder);
        if (IsOwnRegularFile(target) && SameContent(target, patched))
        {
            return target;
        }

        var temp = Path.Combine(folder, $".{Path.GetFileName(original)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // CreateNew is O_CREAT|O_EXCL: it makes a new file and never opens one planted there, nor follows a link.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(patched);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                           UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                           UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            // rename(2) replaces atomically, and replaces a symbolic link at the target rather than writing through it:
            // a concurrent reader sees either no file or a complete one.
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return target;
    }

    // The configured cache, when it and every folder above it are safe from other users.
    private static string TrustedRoot()
    {
        var root = Root();
        Directory.CreateDirectory(root);
        PrivateFolder.RequireTrusted(root);
        return root;
    }

    // gen-USER in the temporary folder: private, or refused (another user may have made it first, or planted a link).
    private static string PerUserTemporaryRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), $"gen-{Environment.UserName}");
        PrivateFolder.RequireTrusted(Path.GetTempPath());
        PrivateFolder.Require(root);
        return root;
    }

    // A new folder that no one else can have made: mkdtemp creates it, mode 0700, under a name no one could predict.
    private static string FreshTemporaryRoot()
    {
        PrivateFolder.RequireTrusted(Path.GetTempPath());
        var root = Directory.CreateTempSubdirectory("gen-").FullName;
        PrivateFolder.Require(root);
        return root;
    }

    // A cached copy is reused only if it is a file of this user's, not a link that someone could point elsewhere later.
    private static bool IsOwnRegularFile(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path);
        }

        var status = UnixFileStatus.Read(path, followLinks: false);
        return status.IsRegularFile && status.OwnerId == UnixFileStatus.CurrentUserId;
    }

    private static bool SameContent(string path, byte[] expected)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Length == expected.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(expected);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
