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

    /// <summary>Folders the host probes for native assets, then TorchSharp's own folder, then the NuGet cache's folder of the package.</summary>
    public static IEnumerable<string> CandidateFolders(Assembly torchSharp, string packageId, string packageVersion) =>
        HostFolders(torchSharp).Append(Path.Combine(NuGetRoot(), packageId, packageVersion, "runtimes", "linux-x64", "native"));

    /// <summary>Folders the host probes for native assets, then TorchSharp's own folder and the application's.</summary>
    public static IEnumerable<string> HostFolders(Assembly torchSharp)
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
    }

    /// <summary>The NuGet package cache: <c>NUGET_PACKAGES</c>, else ~/.nuget/packages.</summary>
    public static string NuGetRoot()
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return string.IsNullOrEmpty(nuget)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : nuget;
    }

    public static string TorchSharpVersion(Assembly torchSharp)
    {
        var v = torchSharp.GetName().Version ?? new Version(0, 0, 0);
        return $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
    }

    public static string? FindGlue(Assembly torchSharp) =>
        FirstContaining(CandidateFolders(torchSharp, "torchsharp", TorchSharpVersion(torchSharp)), GlueFileName);

    public static string? FindLibTorchFolder(Assembly torchSharp, string? configured) =>
        FindLibTorchFolder(HostFolders(torchSharp), NuGetRoot(), configured);

    /// <summary>
    /// The configured folder; else the first of <paramref name="hostFolders"/> that holds libtorch; else the newest
    /// libtorch-cpu-linux-x64 in the NuGet cache <paramref name="nugetRoot"/> (where a script or notebook host, which
    /// copies no native assets next to itself, finds the one TorchSharp-cpu brought).
    /// </summary>
    internal static string? FindLibTorchFolder(IEnumerable<string> hostFolders, string nugetRoot, string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        // The libtorch package's version is not TorchSharp's: take whichever libtorch-cpu-linux-x64 the cache holds
        // only after the folders the host itself probes.
        var found = FirstContaining(hostFolders, TorchCpuFileName);
        if (found != null)
        {
            return Path.GetDirectoryName(found);
        }

        var package = Path.Combine(nugetRoot, "libtorch-cpu-linux-x64");
        if (Directory.Exists(package))
        {
            foreach (var version in Directory.GetDirectories(package).OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(0, 0)))
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
