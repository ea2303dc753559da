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

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
