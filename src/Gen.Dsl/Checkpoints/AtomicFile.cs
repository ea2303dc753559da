using System;
using System.IO;

namespace Gen.Dsl;

/// <summary>
/// Replaces a file all at once: the new content goes to a temporary file in the same folder, is flushed to the disk,
/// and is then renamed over the target (rename(2) replaces atomically). A failure or a crash at any point before the
/// rename leaves the previous file as it was. A crash leaves its temporary file behind; the next write to the same
/// target removes it (<see cref="StaleTemporaries"/>).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content.</param>
    /// <param name="wrap">For tests: wraps the temporary file's stream (to fail part-way, as a full disk would).</param>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> (not the temporary file) and the cause, and any previous file is unchanged.</exception>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrap = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} names no file.", nameof(path));
        var name = Path.GetFileName(full);
        if (Directory.Exists(full))
        {
            throw new IOException($"{full}: cannot be written: it is a directory.");
        }

        StaleTemporaries.Remove(folder, name);
        // Same folder, so the rename never crosses file systems; the leading dot hides it, the name says whose it is.
        var temp = Path.Combine(folder, StaleTemporaries.Name(name, Environment.ProcessId, Guid.NewGuid()));
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                var target = wrap?.Invoke(file) ?? file;
                write(target);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cause names the temporary file, which is gone by the time anyone reads this: name the target instead.
            throw new IOException($"{full}: cannot be written ({e.Message.Replace(temp, full, StringComparison.Ordinal)}); any previous file there is unchanged.", e);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless (the next write removes it); the error that brought us here matters more.
        }
    }
}
