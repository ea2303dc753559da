using System;
using System.Runtime;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Gen.Runtime;

/// <summary>
/// Makes TorchSharp's native runtime load on every x64 Linux, with no manual step.
/// </summary>
/// <remarks>
/// <para>Gen registers a fallback with the .NET loader when Gen.Core is first used. The fallback runs only
/// when TorchSharp's own load of <c>libLibTorchSharp.so</c> has already failed, so on systems where the
/// load works nothing is changed. When the failure is a missing symbol version that the library names but
/// never binds (TorchSharp 0.107 needs <c>GLIBCXX_3.4.32</c>, which GCC 12 runtimes such as Debian 12 and
/// Ubuntu 22.04 lack), Gen writes a copy with that requirement marked weak to a per-user cache
/// (<c>GEN_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/gen</c>, else <c>~/.cache/gen</c>) and loads the copy.
/// Nothing under the NuGet cache or the application folder is modified. The copy is kept only where no other user
/// can replace it: in folders of mode 0700 that are this user's and not symbolic links, below folders that only this
/// user or root can write to. When the cache is not writable or not safe, Gen uses <c>gen-USER</c> in the temporary
/// folder under the same rules, else a fresh private folder there; <see cref="Status"/> tells which file was loaded.</para>
/// <para>To use an installed libtorch (for example PyTorch's, for CUDA), set <c>GEN_LIBTORCH_DIR</c> or
/// <see cref="LibTorchDirectory"/> to its <c>lib</c> folder before the first TorchSharp call, and do not
/// reference a TorchSharp-cpu bundle in the same application. Gen loads that folder's libraries before TorchSharp
/// probes for them, so another libtorch in the system loader's path (a distribution's libtorch package, say) is not
/// bound in their place.</para>
/// <para>Code that calls TorchSharp directly before any Gen API should call <see cref="EnsureLoaded"/> first.</para>
/// </remarks>
public static class GenRuntime
{
    private static readonly object Gate = new();
    private static readonly Regex MissingVersion = new(@"version `([^']+)' not found", RegexOptions.CultureInvariant);
    private static readonly string[] LibTorchParts = { "libc10.so", "libtorch_cpu.so", "libtorch.so" };

    private static bool registered;
    private static volatile bool loaded;
    private static bool glueAttempted;
    private static IntPtr glueHandle;
    private static string? diagnosis;
    private static string? libTorchDirectory = Environment.GetEnvironmentVariable("GEN_LIBTORCH_DIR");
    private static NativeRuntimeStatus status = new(NativeLoadKind.NotLoaded, null, null, Array.Empty<string>());

    /// <summary>
    /// The <c>lib</c> folder of an installed libtorch to use instead of the one from a TorchSharp-cpu bundle;
    /// initially the value of the environment variable <c>GEN_LIBTORCH_DIR</c>. Set it before the first TorchSharp call.
    /// </summary>
    /// <exception cref="InvalidOperationException">TorchSharp is already loaded.</exception>
    public static string? LibTorchDirectory
    {
        get => libTorchDirectory;
        set
        {
            lock (Gate)
            {
                if (loaded || glueAttempted)
                {
                    throw new InvalidOperationException("GenRuntime.LibTorchDirectory must be set before TorchSharp is first used in this process.");
                }

                if (value != null && !File.Exists(Path.Combine(value, NativeLibraryLocator.TorchCpuFileName)))
                {
                    throw new ArgumentException($"'{value}' is not a libtorch lib folder: it has no {NativeLibraryLocator.TorchCpuFileName}.", nameof(value));
                }

                libTorchDirectory = value;
            }
        }
    }

    /// <summary>What Gen did to load the native runtime (valid after <see cref="EnsureLoaded"/>).</summary>
    public static NativeRuntimeStatus Status
    {
        get
        {
            lock (Gate)
            {
                return status;
            }
        }
    }

    /// <summary>
    /// Loads TorchSharp's native runtime now, repairing the load where needed. Idempotent and thread-safe;
    /// every Gen entry point calls it.
    /// </summary>
    /// <exception cref="GenRuntimeException">The runtime cannot be loaded; the message says why and what to do.</exception>
    public static void EnsureLoaded()
    {
        if (loaded)
        {
            return;
        }

        Register();
        PreloadLibTorch();
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            string? why;
            lock (Gate)
            {
                why = diagnosis;
            }

            throw new GenRuntimeException(
                "TorchSharp's native runtime could not be loaded. " + (why ?? Innermost(e).Message), e);
        }

        lock (Gate)
        {
            if (status.Kind == NativeLoadKind.NotLoaded)
            {
                status = status with { Kind = NativeLoadKind.Default };
            }

            loaded = true;
        }

        AvoidBackgroundCollections();
        ScalarQuarantine.Install();
        TensorQuarantine.Install();
    }

    /// <summary>
    /// Switches the process from concurrent to blocking garbage collection (<see cref="GCLatencyMode.Batch"/>) when it
    /// is in the default <see cref="GCLatencyMode.Interactive"/> mode. TorchSharp 0.107 reads the native handle of a
    /// temporary (an implicitly converted <c>Scalar</c>, for example the <c>1</c> in <c>x.add_(y)</c>, or a tensor nothing refers to any more) and then calls
    /// libtorch without keeping the managed object alive, so a collection during that call can free it. Blocking
    /// collections made it rarer (background ones run beside every thread), but a collection that another thread
    /// triggers still frees it; <see cref="ScalarQuarantine"/> and <see cref="TensorQuarantine"/> are what make it safe. An application that needs
    /// another latency mode can set <see cref="GCSettings.LatencyMode"/> after Gen has loaded.
    /// </summary>
    private static void AvoidBackgroundCollections()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.Interactive)
        {
            GCSettings.LatencyMode = GCLatencyMode.Batch;
        }
    }

    // Runs when any type of Gen.Core is first touched, so that the fallback is in place before Gen's first
    // TorchSharp call. It only registers callbacks and sets libgomp's spin count; it cannot fail.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The loader fallback must be registered before TorchSharp's static constructor runs.")]
    internal static void Register()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            registered = true;
        }

        // Before libtorch (and with it libgomp) is loaded, which reads it once.
        OpenMpWaiting.Apply();
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return;
        }

        var torchSharp = typeof(torch).Assembly;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (assembly, name) =>
            assembly == torchSharp ? Resolve(torchSharp, name) : IntPtr.Zero;
        try
        {
            // Once Gen has loaded a repaired copy, point TorchSharp's P/Invokes straight at it, so each first
            // call does not repeat a failing probe before reaching the fallback above.
            NativeLibrary.SetDllImportResolver(torchSharp, (name, assembly, _) =>
            {
                lock (Gate)
                {
                    return IsGlue(name) ? glueHandle : IntPtr.Zero;
                }
            });
        }
        catch (InvalidOperationException)
        {
            // The application set its own resolver for TorchSharp; the fallback event still works.
        }
    }

    private static IntPtr Resolve(Assembly torchSharp, string name)
    {
        if (IsGlue(name))
        {
            return LoadGlue(torchSharp);
        }

        // libtorch components that TorchSharp probes by name (torch_cpu, torch_cuda, c10 ...) from a configured folder.
        var dir = libTorchDirectory;
        if (dir != null)
        {
            var file = Path.Combine(dir, name.StartsWith("lib", StringComparison.Ordinal) ? name : $"lib{name}.so");
            if (File.Exists(file))
            {
                return DynamicLoader.TryOpen(file, out _);
            }
        }

        return IntPtr.Zero;
    }

    // TorchSharp's first probe asks the system loader for torch_cpu by bare name, before any fallback runs; on a
    // machine with another libtorch in the loader's path (Debian's libtorch-dev or python3-torch, say) that one would be
    // bound, and the glue would then fail on a missing symbol or, worse, run against another version. Loading the right
    // folder's libraries first makes every later request for them (by soname) resolve to these: the configured folder,
    // or, in a host that keeps no native assets beside itself (a script, F# Interactive, a notebook), the NuGet cache's
    // libtorch, which the fallback would take anyway. An application with libtorch in its own folders is left as it is.
    private static void PreloadLibTorch()
    {
        lock (Gate)
        {
            if (glueAttempted || !OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                return;
            }

            if (libTorchDirectory is not null && ConfiguredFolderProblem(libTorchDirectory) is { } problem)
            {
                diagnosis = problem;
                return;
            }

            var folder = libTorchDirectory ?? CachedLibTorchForHostsWithout(typeof(torch).Assembly);
            if (folder is not null && LoadLibTorchParts(folder) is { } error)
            {
                diagnosis = error;
            }
        }
    }

    // The NuGet cache's libtorch when the host's own folders hold none, else null.
    private static string? CachedLibTorchForHostsWithout(Assembly torchSharp)
    {
        var host = NativeLibraryLocator.HostFolders(torchSharp).ToList();
        return host.Any(f => File.Exists(Path.Combine(f, NativeLibraryLocator.TorchCpuFileName)))
            ? null
            : NativeLibraryLocator.FindLibTorchFolder(host, NativeLibraryLocator.NuGetRoot(), configured: null);
    }

    // Why a configured libtorch folder cannot be used, or null when it can: it must exist and hold libtorch_cpu.
    private static string? ConfiguredFolderProblem(string dir) =>
        !Directory.Exists(dir)
            ? $"GEN_LIBTORCH_DIR (or GenRuntime.LibTorchDirectory) is {dir}, which is not a folder; set it to the lib folder of an installed libtorch (PyTorch's torch/lib, for example), or unset it to use the TorchSharp-cpu package's."
            : !File.Exists(Path.Combine(dir, NativeLibraryLocator.TorchCpuFileName))
                ? $"GEN_LIBTORCH_DIR (or GenRuntime.LibTorchDirectory) is {dir}, which holds no {NativeLibraryLocator.TorchCpuFileName}; set it to the lib folder of an installed libtorch (PyTorch's torch/lib, for example), or unset it to use the TorchSharp-cpu package's."
                : null;

    // Loads libc10, libtorch_cpu and libtorch from libDir unless a library of that soname is already in the process;
    // returns what the dynamic loader said on failure, else null.
    private static string? LoadLibTorchParts(string libDir)
    {
        foreach (var part in LibTorchParts)
        {
            var path = Path.Combine(libDir, part);
            if (DynamicLoader.TryGetLoaded(part) != IntPtr.Zero || !File.Exists(path))
            {
                continue; // already in the process (matched by soname), or not part of this libtorch
            }

            if (DynamicLoader.TryOpen(path, out var partError) == IntPtr.Zero)
            {
                return $"Loading libtorch from {libDir} failed. The dynamic loader said: {partError}";
            }
        }

        return null;
    }

    private static bool IsGlue(string name) =>
        name is "LibTorchSharp" or "libLibTorchSharp" or "libLibTorchSharp.so" or "LibTorchSharp.so";

    private static IntPtr LoadGlue(Assembly torchSharp)
    {
        lock (Gate)
        {
            if (glueAttempted)
            {
                return glueHandle;
            }

            glueAttempted = true;
            glueHandle = LoadGlueLocked(torchSharp);
            return glueHandle;
        }
    }

    private static IntPtr LoadGlueLocked(Assembly torchSharp)
    {
        var glue = NativeLibraryLocator.FindGlue(torchSharp);
        if (glue == null)
        {
            diagnosis = $"{NativeLibraryLocator.GlueFileName} was not found beside TorchSharp.dll, in the application's native folders or in the NuGet cache. " +
                        "Reinstall the TorchSharp package.";
            return IntPtr.Zero;
        }

        if (!string.IsNullOrEmpty(libTorchDirectory) && ConfiguredFolderProblem(libTorchDirectory) is { } problem)
        {
            // Said here too (the preload may not have run): every later failure would otherwise be blamed on the glue.
            diagnosis = problem;
            return IntPtr.Zero;
        }

        var libDir = NativeLibraryLocator.FindLibTorchFolder(torchSharp, libTorchDirectory);
        if (libDir == null)
        {
            diagnosis = "No libtorch was found (no libtorch_cpu.so in the application's native folders or the NuGet cache). " +
                        "Add a package reference to TorchSharp-cpu for the CPU, or set GEN_LIBTORCH_DIR (or GenRuntime.LibTorchDirectory) " +
                        "to the lib folder of an installed libtorch, such as PyTorch's torch/lib for CUDA.";
            return IntPtr.Zero;
        }

        if (LoadLibTorchParts(libDir) is { } partError)
        {
            diagnosis = partError;
            return IntPtr.Zero;
        }

        var handle = DynamicLoader.TryOpen(glue, out var error);
        if (handle != IntPtr.Zero)
        {
            status = new NativeRuntimeStatus(NativeLoadKind.Redirected, glue, libDir, Array.Empty<string>());
            return handle;
        }

        // The loader names one missing version per attempt; weaken each in turn (the patcher refuses any
        // version that a relocation really uses).
        var weak = new List<string>();
        var loadedFrom = glue;
        for (int attempt = 0; attempt < 8 && handle == IntPtr.Zero; attempt++)
        {
            var match = error is null ? null : MissingVersion.Match(error);
            if (match is null || !match.Success || weak.Contains(match.Groups[1].Value))
            {
                diagnosis = $"Loading {loadedFrom} failed. The dynamic loader said: {error}";
                return IntPtr.Zero;
            }

            weak.Add(match.Groups[1].Value);
            try
            {
                loadedFrom = PatchedLibraryCache.GetOrCreateAnywhere(glue, weak);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or GenRuntimeException)
            {
                diagnosis = $"Loading {glue} failed ({error}), and a repaired copy could not be made: {e.Message}";
                return IntPtr.Zero;
            }

            handle = DynamicLoader.TryOpen(loadedFrom, out error);
        }

        if (handle == IntPtr.Zero)
        {
            diagnosis = $"Loading {loadedFrom} failed. The dynamic loader said: {error}";
            return IntPtr.Zero;
        }

        status = new NativeRuntimeStatus(NativeLoadKind.Patched, loadedFrom, libDir, weak.ToArray());
        return handle;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException != null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
