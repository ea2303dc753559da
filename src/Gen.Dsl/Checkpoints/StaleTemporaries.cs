using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Gen.Dsl;

/// <summary>
/// The temporary files of <see cref="AtomicFile"/>, <c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c>, and the removal of
/// those a killed writer left behind. A temporary file is stale when its writer is gone: no process has its pid, or
/// the process that has it started after the file was last written (the pid was reused). It must also be
/// <see cref="MinimumAge"/> old: a writer on another machine that shares the folder has a pid that means nothing
/// here, and it keeps its file's time fresh while it writes.
/// </summary>
internal static class StaleTemporaries
{
    /// <summary>How long a temporary file must have gone unwritten before it may be removed.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(10);

    private const string Suffix = ".tmp";

    /// <summary>The temporary file name for a write of <paramref name="target"/> (a file name, no folder).</summary>
    public static string Name(string target, int pid, Guid id) => $".{target}.{pid.ToString(CultureInfo.InvariantCulture)}.{id:N}{Suffix}";

    /// <summary>
    /// Removes the stale temporary files of writes to <paramref name="target"/> in <paramref name="folder"/>; others
    /// (another target's, a live writer's, or anything not named as ours) are left alone. Best effort: a file that
    /// cannot be inspected or removed is left for next time.
    /// </summary>
    /// <param name="folder">The target's folder.</param>
    /// <param name="target">The target's file name.</param>
    /// <param name="minimumAge">How long unwritten a file must be (<see cref="MinimumAge"/>; tests pass less).</param>
    /// <returns>How many files were removed.</returns>
    public static int Remove(string folder, string target, TimeSpan? minimumAge = null)
    {
        var age = minimumAge ?? MinimumAge;
        var prefix = $".{target}.";
        int removed = 0;
        try
        {
            // A name with wildcard characters cannot be a search pattern; then every file is looked at.
            var pattern = target.AsSpan().IndexOfAny('*', '?') >= 0 ? "*" : prefix + "*" + Suffix;
            foreach (var file in Directory.EnumerateFiles(folder, pattern))
            {
                if (WriterOf(Path.GetFileName(file), prefix) is { } pid && IsStale(file, pid, age))
                {
                    try
                    {
                        File.Delete(file);
                        removed++;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Removed by someone else meanwhile, or not ours to remove.
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be listed: the write itself will say what is wrong.
        }

        return removed;
    }

    /// <summary>The pid in a temporary file name of the target whose names start with <paramref name="prefix"/>; null for any other name.</summary>
    private static int? WriterOf(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = name[prefix.Length..^Suffix.Length].Split('.');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && parts[1].Length == 32 && Guid.TryParseExact(parts[1], "N", out _)
            ? pid
            : null;
    }

    private static bool IsStale(string file, int pid, TimeSpan minimumAge)
    {
        var written = File.GetLastWriteTimeUtc(file);
        return DateTime.UtcNow - written >= minimumAge && !Alive(pid, written);
    }

    /// <summary>Whether process <paramref name="pid"/> exists and started before <paramref name="writtenUtc"/>; true when that cannot be told.</summary>
    private static bool Alive(int pid, DateTime writtenUtc)
    {
        Process process;
        try
        {
            process = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return false;
        }

        using (process)
        {
            try
            {
                return process.StartTime.ToUniversalTime() <= writtenUtc;
            }
            catch (InvalidOperationException)
            {
                return false; // it exited meanwhile
            }
            catch (Exception e) when (e is Win32Exception or NotSupportedException)
            {
                return true; // another user's process, whose start cannot be read: keep its file
            }
        }
    }
}
