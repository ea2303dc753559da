using System;
using System.IO;
using Gen.Runtime;
using Xunit;

namespace Gen.Core.Tests.Runtime;

/// <summary>
/// Where libtorch is looked for: a configured folder, the host's folders, then the NuGet cache, whose newest
/// libtorch-cpu-linux-x64 a script or notebook host (which copies no native assets beside itself) relies on.
/// </summary>
public sealed class NativeLibraryLocatorTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gen-locator-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Folder(params string[] parts)
    {
        var path = Path.Combine(root, Path.Combine(parts));
        Directory.CreateDirectory(path);
        return path;
    }

    private string WithLibTorch(params string[] parts)
    {
        var folder = Folder(parts);
        File.WriteAllBytes(Path.Combine(folder, NativeLibraryLocator.TorchCpuFileName), Array.Empty<byte>());
        return folder;
    }

    [Fact]
    public void The_newest_libtorch_in_the_nuget_cache_is_found_when_the_host_has_none()
    {
        var nuget = Folder("packages");
        WithLibTorch("packages", "libtorch-cpu-linux-x64", "2.9.0", "runtimes", "linux-x64", "native");
        var newest = WithLibTorch("packages", "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
        Folder("packages", "libtorch-cpu-linux-x64", "2.11.0", "runtimes", "linux-x64", "native"); // no library in it
        var host = new[] { Folder("app"), Folder("app", "runtimes", "linux-x64", "native") };
        Assert.Equal(newest, NativeLibraryLocator.FindLibTorchFolder(host, nuget, configured: null));
    }

    [Fact]
    public void A_configured_folder_then_the_hosts_folders_come_before_the_cache()
    {
        var nuget = Folder("packages");
        WithLibTorch("packages", "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
        var app = WithLibTorch("app");
        Assert.Equal(app, NativeLibraryLocator.FindLibTorchFolder(new[] { Folder("empty"), app }, nuget, configured: null));
        Assert.Equal("/opt/libtorch/lib", NativeLibraryLocator.FindLibTorchFolder(new[] { app }, nuget, "/opt/libtorch/lib"));
        Assert.Null(NativeLibraryLocator.FindLibTorchFolder(new[] { Folder("empty") }, Folder("no-packages"), configured: null));
    }
}
