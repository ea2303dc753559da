using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Gen.Runtime;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Runtime;

public class GenRuntimeTests
{
    // Whether the C++ runtime this process loaded defines the version TorchSharp 0.107 asks for.
    private static bool SystemHasMarkerVersion()
    {
        var libstdcxx = File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .FirstOrDefault(p => p != null && p.Contains("libstdc++.so", StringComparison.Ordinal));
        Assert.NotNull(libstdcxx);
        return System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(libstdcxx!)).Contains("GLIBCXX_3.4.32\0", StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_turns_off_background_garbage_collection_which_can_free_a_scalar_during_a_native_call()
    {
        // TorchSharp passes temporaries' native handles without keeping them alive; a background collection could
        // finalize one mid-call. After Gen loads, the default (concurrent) mode must have been replaced.
        GenRuntime.EnsureLoaded();
        Assert.NotEqual(System.Runtime.GCLatencyMode.Interactive, System.Runtime.GCSettings.LatencyMode);
    }

    [Fact]
    public void The_runtime_loads_and_computes()
    {
        GenRuntime.EnsureLoaded();
        GenRuntime.EnsureLoaded(); // idempotent
        using var x = torch.linspace(0, 1, 11, dtype: torch.float64);
        Assert.Equal(5.5, x.sum().item<double>(), 12);
    }

    [Fact]
    public void The_runtime_is_repaired_only_where_the_default_load_fails()
    {
        GenRuntime.EnsureLoaded();
        var status = GenRuntime.Status;
        if (SystemHasMarkerVersion())
        {
            Assert.Equal(NativeLoadKind.Default, status.Kind);
            Assert.Null(status.GluePath);
        }
        else
        {
            Assert.Equal(NativeLoadKind.Patched, status.Kind);
            Assert.Equal(new[] { "GLIBCXX_3.4.32" }, status.WeakenedVersions);
            var original = NativeLibraryLocator.FindGlue(typeof(torch).Assembly)!;
            Assert.NotEqual(Path.GetFullPath(original), Path.GetFullPath(status.GluePath!));
            // The original, under the NuGet cache or the application folder, is untouched.
            Assert.False(ElfVersionPatcher.ReadRequirements(File.ReadAllBytes(original)).Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak);
            Assert.True(ElfVersionPatcher.ReadRequirements(File.ReadAllBytes(status.GluePath!)).Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak);
        }
    }

    [Fact]
    public void The_cache_writes_once_and_reuses_the_file()
    {
        var original = NativeLibraryLocator.FindGlue(typeof(torch).Assembly)!;
        var root = Directory.CreateTempSubdirectory("gen-cache-test-").FullName;
        try
        {
            var first = PatchedLibraryCache.GetOrCreate(original, new[] { "GLIBCXX_3.4.32" }, root);
            var written = File.GetLastWriteTimeUtc(first);
            var second = PatchedLibraryCache.GetOrCreate(original, new[] { "GLIBCXX_3.4.32" }, root);
            Assert.Equal(first, second);
            Assert.Equal(written, File.GetLastWriteTimeUtc(second));

            // A damaged cache entry is replaced, not trusted.
            File.WriteAllText(first, "garbage");
            var third = PatchedLibraryCache.GetOrCreate(original, new[] { "GLIBCXX_3.4.32" }, root);
            Assert.Equal(File.ReadAllBytes(third), ElfVersionPatcher.WeakenVersions(File.ReadAllBytes(original), new[] { "GLIBCXX_3.4.32" }));
            Assert.Single(Directory.GetFiles(root, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_symbolic_link_at_the_cached_file_name_is_replaced_not_trusted_or_written_through()
    {
        var original = NativeLibraryLocator.FindGlue(typeof(torch).Assembly)!;
        var weak = new[] { "GLIBCXX_3.4.32" };
        var root = Directory.CreateTempSubdirectory("gen-cache-test-").FullName;
        try
        {
            var target = PatchedLibraryCache.GetOrCreate(original, weak, root);
            var patched = File.ReadAllBytes(target);

            // A link to a file with the right content today: reused, its owner could change what it points to tomorrow.
            var lookalike = Path.Combine(root, "lookalike.so");
            File.WriteAllBytes(lookalike, patched);
            File.Delete(target);
            File.CreateSymbolicLink(target, lookalike);
            Assert.Equal(target, PatchedLibraryCache.GetOrCreate(original, weak, root));
            Assert.Null(new FileInfo(target).LinkTarget);
            Assert.Equal(patched, File.ReadAllBytes(target));

            // A link to some other file: that file is left as it was.
            var precious = Path.Combine(root, "precious");
            File.WriteAllText(precious, "keep me");
            File.Delete(target);
            File.CreateSymbolicLink(target, precious);
            Assert.Equal(target, PatchedLibraryCache.GetOrCreate(original, weak, root));
            Assert.Null(new FileInfo(target).LinkTarget);
            Assert.Equal("keep me", File.ReadAllText(precious));
            Assert.Equal(patched, File.ReadAllBytes(lookalike));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_cached_copy_that_another_user_owns_is_replaced_not_reused()
    {
        // Its owner could rewrite it between the check of its content and the load; root can plant one to show it.
        if (!OperatingSystem.IsLinux() || UnixFileStatus.CurrentUserId != 0)
        {
            return;
        }

        var original = NativeLibraryLocator.FindGlue(typeof(torch).Assembly)!;
        var weak = new[] { "GLIBCXX_3.4.32" };
        var root = Directory.CreateTempSubdirectory("gen-cache-test-").FullName;
        try
        {
            var target = PatchedLibraryCache.GetOrCreate(original, weak, root);
            Chown(target, 12345);
            Assert.Equal(12345u, UnixFileStatus.Read(target, followLinks: false).OwnerId);

            Assert.Equal(target, PatchedLibraryCache.GetOrCreate(original, weak, root));

            Assert.Equal(0u, UnixFileStatus.Read(target, followLinks: false).OwnerId);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(Plant.SymbolicLink, "it is a symbolic link")]
    [InlineData(Plant.OpenToAll, "others may write to it (mode 0777)")]
    [InlineData(Plant.OtherOwner, "it belongs to another user (uid 12345; this process runs as uid ")]
    public void A_cache_folder_that_another_user_could_change_is_refused_by_name_and_reason(Plant plant, string reason)
    {
        var original = NativeLibraryLocator.FindGlue(typeof(torch).Assembly)!;
        var root = Directory.CreateTempSubdirectory("gen-cache-test-").FullName;
        try
        {
            var native = Path.Combine(root, "native");
            var elsewhere = Path.Combine(root, "elsewhere");
            if (!PlantFolder(plant, native, elsewhere))
            {
                return;
            }

            var e = Assert.Throws<GenRuntimeException>(() => PatchedLibraryCache.GetOrCreate(original, new[] { "GLIBCXX_3.4.32" }, root));

            Assert.StartsWith($"{native} is not a safe place for a native library that this process will load: {reason}", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
            Assert.Empty(Directory.GetFileSystemEntries(native));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(Plant.SymbolicLink)]
    [InlineData(Plant.OpenToAll)]
    [InlineData(Plant.OtherOwner)]
    public async Task With_the_cache_unwritable_a_planted_temporary_folder_is_refused_for_a_fresh_private_one(Plant plant)
    {
        // GEN_CACHE_DIR below a regular file cannot be created, even by root; TMPDIR holds what another user planted
        // at gen-USER, the per-user fallback's name.
        if (!OperatingSystem.IsLinux())
        {
            return; // the patched copy exists only on Linux
        }

        var tmp = Directory.CreateTempSubdirectory("gen-tmpdir-").FullName;
        try
        {
            var blocker = Path.Combine(tmp, "a-file");
            File.WriteAllText(blocker, string.Empty);
            var planted = Path.Combine(tmp, $"gen-{Environment.UserName}");
            var elsewhere = Path.Combine(tmp, "elsewhere");
            if (!PlantFolder(plant, planted, elsewhere))
            {
                return;
            }

            var (code, output) = await Probe(("GEN_CACHE_DIR", Path.Combine(blocker, "cache")), ("TMPDIR", tmp + "/"));

            Assert.True(code == 0, output);
            Assert.Contains("sum=45", output);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
            Assert.Empty(Directory.GetFileSystemEntries(planted));
            if (GenRuntime.Status.Kind == NativeLoadKind.Patched)
            {
                var glue = output[(output.IndexOf("glue=", StringComparison.Ordinal) + 5)..].Trim();
                Assert.StartsWith(Path.Combine(tmp, "gen-"), glue);
                Assert.False(glue.StartsWith(planted + "/", StringComparison.Ordinal), output);
                Assert.Null(new FileInfo(glue).LinkTarget);
                for (var folder = Path.GetDirectoryName(glue)!; folder != tmp; folder = Path.GetDirectoryName(folder)!)
                {
                    Assert.Null(new DirectoryInfo(folder).LinkTarget);
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
                }
            }
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    public enum Plant
    {
        SymbolicLink,
        OpenToAll,
        OtherOwner,
    }

    // Makes path what another user could have left there; false where this process cannot (chown needs root).
    private static bool PlantFolder(Plant plant, string path, string elsewhere)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        Directory.CreateDirectory(elsewhere);
        switch (plant)
        {
            case Plant.SymbolicLink:
                Directory.CreateSymbolicLink(path, elsewhere);
                return true;
            case Plant.OpenToAll:
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8));
                return true;
            default:
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                if (UnixFileStatus.CurrentUserId != 0)
                {
                    return false;
                }

                Chown(path, 12345);
                return true;
        }
    }

    private static void Chown(string path, int uid)
    {
        using var chown = Process.Start("chown", new[] { uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path });
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    // Runs the test assembly as a runtime probe (Program.cs) with the given environment; returns its exit code and output.
    private static async Task<(int Code, string Output)> Probe(params (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        psi.ArgumentList.Add(Program.ProbeRuntime);
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + stderr);
    }

    [Fact]
    public async Task A_libtorch_folder_that_is_not_one_is_named_in_the_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "gen-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var (code, output) = await Probe(("GEN_LIBTORCH_DIR", missing));
        Assert.True(code == 3, output);
        Assert.Contains($"GEN_LIBTORCH_DIR (or GenRuntime.LibTorchDirectory) is {missing}, which is not a folder", output);

        var empty = Directory.CreateTempSubdirectory("gen-empty-libtorch-").FullName;
        try
        {
            (code, output) = await Probe(("GEN_LIBTORCH_DIR", empty));
            Assert.True(code == 3, output);
            Assert.Contains($"is {empty}, which holds no libtorch_cpu.so", output);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public async Task Two_processes_starting_at_once_both_load_from_an_empty_cache()
    {
        var root = Directory.CreateTempSubdirectory("gen-cache-race-").FullName;
        try
        {
            var results = await Task.WhenAll(Probe(("GEN_CACHE_DIR", root)), Probe(("GEN_CACHE_DIR", root)));
            foreach (var (code, output) in results)
            {
                Assert.True(code == 0, output);
                Assert.Contains("sum=45", output);
            }

            var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
            if (GenRuntime.Status.Kind == NativeLoadKind.Patched)
            {
                var file = Assert.Single(files); // no temporary files left behind
                Assert.EndsWith("libLibTorchSharp.so", file);
                Assert.All(results, r => Assert.Contains(file, r.Output));
            }
            else
            {
                Assert.Empty(files);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
