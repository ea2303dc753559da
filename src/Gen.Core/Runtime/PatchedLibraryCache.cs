using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Gen.Runtime;

/// <summary>
/// Stores patched copies of native libraries in a per-user cache, keyed by the original's content and
/// the patch, written atomically so that concurrent first uses never see a half-written file.
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
    /// Returns the path of a copy of <paramref name="original"/> with <paramref name="weakVersions"/> marked
    /// weak, creating it if needed. The original file is never modified.
    /// </summary>
    public static string GetOrCreate(string original, IReadOnlyCollection<string> weakVersions, string cacheRoot)
    {
        var bytes = File.ReadAllBytes(original);
        var versions = weakVersions.OrderBy(v => v, StringComparer.Ordinal).ToArray();
        var key = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()[..32] + "-" +
                  Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", versions)))).ToLowerInvariant()[..8];
        var folder = Path.Combine(cacheRoot, "native", key);
        var target = Path.Combine(folder, Path.GetFileName(original));
        var patched = ElfVersionPatcher.WeakenVersions(bytes, versions);

        if (File.Exists(target) && SameContent(target, patched))
        {
            return target;
        }

        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(original)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
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

            // rename(2) replaces atomically: a concurrent reader sees either no file or a complete one.
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
