using System;
using System.IO;

namespace Gen.Core.Tests.Data.Support;

/// <summary>A fresh directory, deleted with its contents on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("gen-data-").FullName;

    /// <summary>Every file under the directory, as paths relative to it (hidden temporary files included).</summary>
    public string[] Files() =>
        Array.ConvertAll(Directory.GetFiles(Path, "*", SearchOption.AllDirectories), f => System.IO.Path.GetRelativePath(Path, f));

    /// <summary>Writes a file at a path relative to the directory, creating its folders; returns the full path.</summary>
    public string Write(string relativePath, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
