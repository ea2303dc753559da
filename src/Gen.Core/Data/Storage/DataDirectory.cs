using System;
using System.IO;
using Gen.Runtime;

namespace Gen.Data;

/// <summary>
/// Where data sets live. The layout is one folder per data set, holding the files under their usual names,
/// gzip-compressed or not: <c>mnist/train-images-idx3-ubyte.gz</c>, <c>fashion-mnist/t10k-labels-idx1-ubyte.gz</c>,
/// <c>binarized-mnist/test-images-idx3-ubyte.gz</c>, and so on.
/// </summary>
public static class DataDirectory
{
    /// <summary>The environment variable that names the data directory when none is passed: <c>GEN_DATA_DIR</c>.</summary>
    public const string EnvironmentVariable = "GEN_DATA_DIR";

    /// <summary>
    /// The per-user default, <c>data</c> under Gen's cache: <c>$GEN_CACHE_DIR/data</c>, else
    /// <c>$XDG_CACHE_HOME/gen/data</c>, else <c>~/.cache/gen/data</c>.
    /// </summary>
    public static string UserCache => Path.Combine(PatchedLibraryCache.Root(), "data");

    /// <summary>
    /// The data directory: <paramref name="directory"/> when given, else <c>GEN_DATA_DIR</c> when set, else
    /// <see cref="UserCache"/>. The directory need not exist yet.
    /// </summary>
    /// <param name="directory">An explicit directory, or null.</param>
    public static string Resolve(string? directory = null) => ResolveWith(directory, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Resolve(string?)"/>, reading the environment through <paramref name="environment"/>.</summary>
    internal static string ResolveWith(string? directory, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(directory))
        {
            return Path.GetFullPath(directory);
        }

        var fromEnvironment = environment(EnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? UserCache : Path.GetFullPath(fromEnvironment);
    }
}
