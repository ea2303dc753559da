using System;
using System.IO;

namespace Gen.Core.Tests.Data.Support;

/// <summary>
/// Finds the full data sets for the tests that need them: GEN_DATA_DIR, else the shared/data folder beside the
/// repository (../shared/data from the repository root). The suite passes without either; those tests skip.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string?> LazyDirectory = new(Find);

    /// <summary>The data directory, or null when there is none.</summary>
    public static string? Directory => LazyDirectory.Value;

    /// <summary>The path of a data file (compressed or not) under the data directory, or null when it is absent.</summary>
    /// <param name="relativePath">For example "mnist/t10k-images-idx3-ubyte".</param>
    public static string? File(string relativePath)
    {
        if (Directory is null)
        {
            return null;
        }

        foreach (var candidate in new[] { relativePath + ".gz", relativePath })
        {
            var path = Path.Combine(Directory, candidate);
            if (System.IO.File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static string? Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("GEN_DATA_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return System.IO.Directory.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Gen.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return System.IO.Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}
