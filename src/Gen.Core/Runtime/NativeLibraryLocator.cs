using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Gen.Runtime;

/// <summary>Finds TorchSharp's native glue library and a libtorch folder, the way the .NET host would.</summary>
internal static class NativeLibraryLocator
{
    public const string GlueFileName = "libLibTorchSharp.so";
    public const string TorchCpuFileName = "libtorch_cpu.so";

    /// <summary>Folders the host probes for native assets, then TorchSharp's own folder, then the NuGet cache.</summary>
    public static IEnumerable<string> CandidateFolders(Assembly torchSharp, string packageId, string packageVersion)
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string dirs)
        {
            foreach (var d in dirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return d;
            }
        }

        var here = Path.GetDirectoryName(torchSharp.Location);
        if (!string.IsNullOrEmpty(here))
        {
            yield return here;
            yield return Path.Combine(here, "runtimes", "linux-x64", "native");
        }

        yield return AppContext.BaseDirectory;
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(nuget))
        {
            nuget = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        yield return Path.Combine(nuget, packageId, packageVersion, "runtimes", "linux-x64", "native");
    }

    public static string TorchSharpVersion(Assembly torchSharp)
    {
        var v = torchSharp.GetName().Version ?? new Version(0, 0, 0);
        return $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
    }

    public static string? FindGlue(Assembly torchSharp) =>
        FirstContaining(CandidateFolders(torchSharp, "torchsharp", TorchSharpVersion(torchSharp)), GlueFileName);

    public static string? FindLibTorchFolder(Assembly torchSharp, string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        // The libtorch package's version is not TorchSharp's: take whichever libtorch-cpu-linux-x64 the cache holds
        // only after the folders the host itself probes.
        var folders = CandidateFolders(torchSharp, "libtorch-cpu-linux-x64", "_").ToList();
        var found = FirstContaining(folders.Take(folders.Count - 1), TorchCpuFileName);
        if (found != null)
        {
            return Path.GetDirectoryName(found);
        }

        var cacheRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(folders[^1]))));
        var package = cacheRoot is null ? null : Path.Combine(cacheRoot, "libtorch-cpu-linux-x64");
        if (package != null && Directory.Exists(package))
        {
            foreach (var version in Directory.GetDirectories(package).OrderByDescending(d => d, StringComparer.Ordinal))
            {
                var native = Path.Combine(version, "runtimes", "linux-x64", "native");
                if (File.Exists(Path.Combine(native, TorchCpuFileName)))
                {
                    return native;
                }
            }
        }

        return null;
    }

    private static string? FirstContaining(IEnumerable<string> folders, string file)
    {
        foreach (var folder in folders)
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path))
            {
                return Path.GetFullPath(path);
            }
        }

        return null;
    }
}
