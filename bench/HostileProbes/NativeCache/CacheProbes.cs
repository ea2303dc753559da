using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using HostileProbes.Harness;

namespace HostileProbes.NativeCache;

/// <summary>
/// Category 6: the per-user cache of the patched native library, made hostile before a fresh process first loads Gen
/// (the runtime loads once per process, so each probe is a child process, started the way the library's own tests start
/// theirs). The load must work from a safe place, or fail with the documented <c>GenRuntimeException</c> naming the
/// folders; it must never load from, or write into, a folder another user owns, can write to, or has redirected.
/// </summary>
internal static class CacheProbes
{
    public const string Category = "native-cache";

    public const string Description =
        "A fresh process (this program, `runtime`) loads Gen's native runtime (on this Debian 12 machine, a copy of `libLibTorchSharp.so` patched " +
        "and cached per user) with `GEN_CACHE_DIR` and `TMPDIR` set to: a cache below a regular file or on /proc (unwritable even by root), a regular " +
        "file, a folder writable by everyone, a folder below one writable by everyone, a folder owned by `nobody`, a cache whose `native` folder is a " +
        "symbolic link elsewhere, a cached library that is a symbolic link to another file, garbage, or owned by `nobody`; and with the cache " +
        "unwritable, a planted `$TMPDIR/gen-root` that is a symbolic link, owned by `nobody` or writable by everyone, and a `TMPDIR` writable by " +
        "everyone without the sticky bit; and 4 processes starting at once on an empty cache. Unsafe: the library was loaded from (or written " +
        "into) a folder or file the probe planted.";

    private const string Glue = "libLibTorchSharp.so";

    /// <summary>Where the cached copy lies below a cache root (native/KEY/libLibTorchSharp.so), learnt from one clean load; null where the runtime loads unpatched.</summary>
    private static readonly Lazy<string?> CachedCopy = new(() =>
    {
        var root = WorkFolder.Fresh("cache-learn");
        var run = Child(Env(root, WorkFolder.Fresh("tmp")));
        var glue = run.Glue;
        return glue is null || !glue.StartsWith(root + "/", StringComparison.Ordinal) ? null : Path.GetRelativePath(root, glue);
    });

    public static IReadOnlyList<Probe> All() => new[]
    {
        Case("GEN_CACHE_DIR below a regular file (cannot be created)", s =>
        {
            File.WriteAllText(Path.Combine(s.Folder, "a-file"), "");
            s.Cache = Path.Combine(s.Folder, "a-file", "cache");
        }, "File.WriteAllText(\"a-file\", \"\"); GEN_CACHE_DIR=a-file/cache"),
        Case("GEN_CACHE_DIR on a read-only file system (/proc)", s => s.Cache = "/proc/gen-cache", "GEN_CACHE_DIR=/proc/gen-cache"),
        Case("GEN_CACHE_DIR a regular file", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            File.WriteAllText(s.Cache, "not a folder");
        }, "File.WriteAllText(\"cache\", \"not a folder\"); GEN_CACHE_DIR=cache"),
        Case("GEN_CACHE_DIR writable by everyone (0777)", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            Directory.CreateDirectory(s.Cache);
            File.SetUnixFileMode(s.Cache, (UnixFileMode)Convert.ToInt32("777", 8));
            s.Forbidden.Add(s.Cache);
        }, "mkdir -m 0777 cache; GEN_CACHE_DIR=cache"),
        Case("GEN_CACHE_DIR below a folder writable by everyone", s =>
        {
            var open = Path.Combine(s.Folder, "open");
            Directory.CreateDirectory(open);
            File.SetUnixFileMode(open, (UnixFileMode)Convert.ToInt32("777", 8));
            s.Cache = Path.Combine(open, "cache");
            s.Forbidden.Add(open);
        }, "mkdir -m 0777 open; GEN_CACHE_DIR=open/cache"),
        Case("GEN_CACHE_DIR owned by nobody", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            Directory.CreateDirectory(s.Cache);
            FileOwner.GiveToNobody(s.Cache);
            s.Forbidden.Add(s.Cache);
        }, "mkdir cache; chown nobody cache; GEN_CACHE_DIR=cache"),
        Case("GEN_CACHE_DIR/native a symbolic link to another folder", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            Directory.CreateDirectory(s.Cache);
            Directory.CreateSymbolicLink(Path.Combine(s.Cache, "native"), s.Elsewhere);
            s.Forbidden.Add(s.Elsewhere);
        }, "mkdir cache elsewhere; ln -s ../elsewhere cache/native; GEN_CACHE_DIR=cache"),
        Case("the cached library a symbolic link to another file", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            var target = PlantCopyPath(s.Cache);
            File.CreateSymbolicLink(target, s.Precious);
        }, "GEN_CACHE_DIR=cache, where cache/native/KEY/libLibTorchSharp.so is a symbolic link to another user's file"),
        Case("the cached library garbage", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            File.WriteAllText(PlantCopyPath(s.Cache), "garbage");
        }, "GEN_CACHE_DIR=cache, where cache/native/KEY/libLibTorchSharp.so holds \"garbage\""),
        Case("the cached library owned by nobody", s =>
        {
            s.Cache = Path.Combine(s.Folder, "cache");
            var target = PlantCopyPath(s.Cache);
            Child(Env(s.Cache, s.Temp));
            FileOwner.GiveToNobody(target);
            s.MustBeOwn = target;
        }, "GEN_CACHE_DIR=cache after one load, then chown nobody cache/native/KEY/libLibTorchSharp.so"),
        Case("cache unwritable, $TMPDIR/gen-root a symbolic link to another folder", s =>
        {
            Unwritable(s);
            Directory.CreateSymbolicLink(Path.Combine(s.Temp, $"gen-{Environment.UserName}"), s.Elsewhere);
            s.Forbidden.Add(s.Elsewhere);
        }, $"GEN_CACHE_DIR=a-file/cache (unwritable); ln -s elsewhere $TMPDIR/gen-{Environment.UserName}"),
        Case("cache unwritable, $TMPDIR/gen-root owned by nobody", s =>
        {
            Unwritable(s);
            var planted = Path.Combine(s.Temp, $"gen-{Environment.UserName}");
            Directory.CreateDirectory(planted, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            FileOwner.GiveToNobody(planted);
            s.Forbidden.Add(planted);
        }, $"GEN_CACHE_DIR=a-file/cache (unwritable); mkdir -m 0700 $TMPDIR/gen-{Environment.UserName}; chown nobody $TMPDIR/gen-{Environment.UserName}"),
        Case("cache unwritable, $TMPDIR/gen-root writable by everyone", s =>
        {
            Unwritable(s);
            var planted = Path.Combine(s.Temp, $"gen-{Environment.UserName}");
            Directory.CreateDirectory(planted);
            File.SetUnixFileMode(planted, (UnixFileMode)Convert.ToInt32("777", 8));
            s.Forbidden.Add(planted);
        }, $"GEN_CACHE_DIR=a-file/cache (unwritable); mkdir -m 0777 $TMPDIR/gen-{Environment.UserName}"),
        Case("cache unwritable, TMPDIR writable by everyone and not sticky", s =>
        {
            Unwritable(s);
            File.SetUnixFileMode(s.Temp, (UnixFileMode)Convert.ToInt32("777", 8));
            s.Forbidden.Add(s.Temp);
        }, "GEN_CACHE_DIR=a-file/cache (unwritable); TMPDIR=a folder of mode 0777"),
        Probe.Of(Category, "4 processes at once on an empty cache", Race,
            "// GEN_CACHE_DIR=an empty folder; four processes that call GenRuntime.EnsureLoaded() started at once: all must load, leaving one file and no temporaries",
            budgeted: false, timeoutSeconds: 90),
    };

    private static Probe Case(string name, Action<Scene> plant, string setup) => Probe.Of(
        Category,
        name,
        () =>
        {
            var scene = new Scene();
            plant(scene);
            return Judge(scene, Child(Env(scene.Cache!, scene.Temp)));
        },
        $"// {setup}\n// then, in a fresh process with that environment (TMPDIR a private folder unless said otherwise):\nGenRuntime.EnsureLoaded();",
        budgeted: false,
        timeoutSeconds: 60);

    /// <summary>A probe's folders: the cache it names, its own TMPDIR, another folder and a file that must stay untouched, and places the library must not use.</summary>
    private sealed class Scene
    {
        public Scene()
        {
            Folder = WorkFolder.Fresh("cache");
            Temp = Path.Combine(Folder, "tmp");
            Directory.CreateDirectory(Temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Elsewhere = Path.Combine(Folder, "elsewhere");
            Directory.CreateDirectory(Elsewhere);
            Precious = Path.Combine(Folder, "precious");
            File.WriteAllText(Precious, "another user's file");
        }

        public string Folder { get; }

        public string Temp { get; }

        public string Elsewhere { get; }

        public string Precious { get; }

        public string? Cache { get; set; }

        public string? MustBeOwn { get; set; }

        public List<string> Forbidden { get; } = new();
    }

    private static void Unwritable(Scene s)
    {
        File.WriteAllText(Path.Combine(s.Folder, "a-file"), "");
        s.Cache = Path.Combine(s.Folder, "a-file", "cache");
    }

    // The cached copy's path below a fresh cache root, its folders made private as the library makes them.
    private static string PlantCopyPath(string cache)
    {
        var relative = CachedCopy.Value ?? throw new InvalidOperationException("the runtime loads unpatched here: no cached copy to plant");
        var target = Path.Combine(cache, relative);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(cache);
        Directory.CreateDirectory(Path.Combine(cache, "native"), mode);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!, mode);
        return target;
    }

    private static Dictionary<string, string> Env(string cache, string temp) => new() { ["GEN_CACHE_DIR"] = cache, ["TMPDIR"] = temp + "/" };

    private sealed record Run(int Code, string Output, bool TimedOut)
    {
        public string? Glue => Output.Split('\n').FirstOrDefault(l => l.StartsWith("sum=", StringComparison.Ordinal)) is { } line && line.IndexOf("glue=", StringComparison.Ordinal) is int at and >= 0
            ? line[(at + 5)..].Trim() is { Length: > 0 } g ? g : null
            : null;

        public bool Patched => Output.Contains("kind=Patched", StringComparison.Ordinal);
    }

    private static Run Child(Dictionary<string, string> environment)
    {
        // When its own load fails, TorchSharp (not Gen) copies every native library of its packages into cpu/ beside
        // the application, about 500 MB: noted, and removed so that one probe does not leave it for the next.
        var consolidated = Path.Combine(AppContext.BaseDirectory, "cpu");
        bool existed = Directory.Exists(consolidated);
        var (code, output, timedOut) = SelfProcess.Run(new[] { "runtime" }, environment, TimeSpan.FromSeconds(45));
        if (!existed && Directory.Exists(consolidated))
        {
            long bytes = Directory.GetFiles(consolidated).Sum(f => new FileInfo(f).Length);
            Directory.Delete(consolidated, recursive: true);
            output = $"[TorchSharp's own fallback copied {bytes / 1e6:0} MB of native libraries into {consolidated} while the load failed] " + output;
        }

        return new Run(code, output, timedOut);
    }

    private static Verdict Judge(Scene s, Run run)
    {
        if (run.TimedOut)
        {
            return new Verdict(Outcome.Hang, $"the process did not finish in 45 s: {Tail(run.Output)}");
        }

        var touched = Directory.EnumerateFileSystemEntries(s.Elsewhere).Any() ? $"{s.Elsewhere} now holds files" : null;
        touched ??= File.ReadAllText(s.Precious) != "another user's file" ? $"{s.Precious} was overwritten" : null;
        if (run.Code == 3)
        {
            // TorchSharp prints its own trace of the failed load first; Gen's error is the line the child prints last.
            var message = string.Join(" ", run.Output.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal) || l.StartsWith("[TorchSharp", StringComparison.Ordinal)));
            bool clear = message.Contains("is not a safe place", StringComparison.Ordinal) || message.Contains(s.Temp, StringComparison.Ordinal);
            var note = message.StartsWith("[TorchSharp", StringComparison.Ordinal)
                ? "When the native load fails, TorchSharp 0.107 itself (not Gen) copies the native libraries of its packages, about 500 MB, into cpu/ beside the application before Gen reports the failure."
                : null;
            return touched is not null
                ? new Verdict(Outcome.Unsafe, $"{touched}; then: {Tail(message)}")
                : new Verdict(clear ? Outcome.Clear : Outcome.Unclear, Tail(message), "Gen.Runtime.GenRuntimeException", Refusal: true, note);
        }

        if (run.Code != 0)
        {
            return new Verdict(Outcome.Raw, $"exit code {run.Code}: {Tail(run.Output)}", Refusal: true);
        }

        if (touched is not null)
        {
            return new Verdict(Outcome.Unsafe, $"{touched}; loaded {run.Glue}");
        }

        if (!run.Patched)
        {
            return Verdict.Handled($"the runtime loads unpatched here, so no cache is used: {run.Output.Trim()}");
        }

        var glue = run.Glue!;
        if (s.Forbidden.Any(f => glue.StartsWith(f + "/", StringComparison.Ordinal)))
        {
            return new Verdict(Outcome.Unsafe, $"loaded {glue}, inside a planted folder");
        }

        if (Unsafe(glue) is { } why)
        {
            return new Verdict(Outcome.Unsafe, $"loaded {glue}: {why}");
        }

        if (s.MustBeOwn is { } own && FileOwner.Of(own) != 0)
        {
            return new Verdict(Outcome.Unsafe, $"loaded {glue}, and {own} is still owned by uid {FileOwner.Of(own)}");
        }

        return Verdict.Handled($"loaded from {glue}");
    }

    // The loaded file and the two folders that hold it must be real (no links), this user's, and closed to others.
    private static string? Unsafe(string glue)
    {
        if (new FileInfo(glue).LinkTarget is not null)
        {
            return "the file is a symbolic link";
        }

        if (FileOwner.Of(glue) is uint owner && owner != 0)
        {
            return $"the file belongs to uid {owner}";
        }

        var key = Path.GetDirectoryName(glue)!;
        foreach (var dir in new[] { key, Path.GetDirectoryName(key)! })
        {
            if (new DirectoryInfo(dir).LinkTarget is not null)
            {
                return $"{dir} is a symbolic link";
            }

            if (FileOwner.Of(dir) is uint o && o != 0)
            {
                return $"{dir} belongs to uid {o}";
            }

            var mode = File.GetUnixFileMode(dir);
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                return $"{dir} is writable by others";
            }
        }

        return null;
    }

    private static Verdict Race()
    {
        var cache = WorkFolder.Fresh("cache-race");
        var temp = WorkFolder.Fresh("tmp");
        var runs = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Child(Env(cache, temp))))).GetAwaiter().GetResult();
        if (runs.Any(r => r.TimedOut))
        {
            return new Verdict(Outcome.Hang, "a process did not finish in 45 s");
        }

        var failed = runs.FirstOrDefault(r => r.Code != 0);
        if (failed is not null)
        {
            return new Verdict(failed.Code == 3 ? Outcome.Unclear : Outcome.Raw, $"a process failed with exit code {failed.Code}: {Tail(failed.Output)}", Refusal: true);
        }

        var files = Directory.GetFiles(cache, "*", SearchOption.AllDirectories);
        if (!runs[0].Patched)
        {
            return Verdict.Handled($"the runtime loads unpatched here; files in the cache: {files.Length}");
        }

        var glues = runs.Select(r => r.Glue).Distinct().ToArray();
        return files.Length == 1 && glues.Length == 1 && glues[0] == files[0]
            ? Verdict.Handled($"all 4 loaded {files[0]}; no temporaries left")
            : new Verdict(Outcome.Exhaustion, $"the cache holds {files.Length} files after 4 loads ({string.Join(", ", files.Select(Path.GetFileName))}); loaded: {string.Join(", ", glues)}");
    }

    private static string Tail(string text) => text.Length <= 1500 ? text.Trim() : "..." + text[^1500..].Trim();
}
