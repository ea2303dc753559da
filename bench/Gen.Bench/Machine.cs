using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Bench;

/// <summary>Where and how a result was produced: machine, threads, commit, date and command.</summary>
/// <param name="Date">UTC time at the start of the run.</param>
/// <param name="Cpu">The CPU model (/proc/cpuinfo).</param>
/// <param name="Cores">Logical processors available to the process.</param>
/// <param name="Threads">torch's intra-op threads, set for Gen and the baseline alike.</param>
/// <param name="OmpNumThreads">OMP_NUM_THREADS as set in the environment, or null.</param>
/// <param name="LoadAverageAtStart">/proc/loadavg at the start (1, 5, 15 minutes), or null.</param>
/// <param name="Commit">The commit measured.</param>
/// <param name="Command">The command line.</param>
/// <param name="Software">.NET, TorchSharp and the native runtime.</param>
internal sealed record Machine(DateTime Date, string Cpu, int Cores, int Threads, string? OmpNumThreads, string? LoadAverageAtStart, string Commit, string Command, string Software)
{
    /// <summary>Describes this process; <paramref name="commit"/> overrides the one read from git.</summary>
    public static Machine Describe(string[] args, string? commit)
    {
        GenRuntime.EnsureLoaded();
        var software = $"{RuntimeInformation.FrameworkDescription}, TorchSharp {typeof(torch).Assembly.GetName().Version}, native runtime {GenRuntime.Status.Kind}, {RuntimeInformation.OSDescription}";
        return new Machine(DateTime.UtcNow, CpuModel(), Environment.ProcessorCount, torch.get_num_threads(),
            Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), LoadAverage(), commit ?? GitCommit(), CommandLine(args), software);
    }

    /// <summary>The repository root (the folder with Gen.sln above the working directory or the program), or the working directory.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Gen.sln")))
                {
                    return d.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }

    /// <summary>/proc/loadavg's three averages, or null where there is none.</summary>
    public static string? LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(" ", File.ReadAllText(path).Split(' ').Take(3)) : null;
    }

    /// <summary>The fields as a JSON object.</summary>
    public Dictionary<string, object?> ToJson(string? loadAverageAtEnd) => new()
    {
        ["date"] = Date.ToString("yyyy-MM-dd HH:mm 'UTC'"),
        ["cpu"] = Cpu,
        ["cores"] = Cores,
        ["torch_threads"] = Threads,
        ["omp_num_threads"] = OmpNumThreads,
        ["load_average_start"] = LoadAverageAtStart,
        ["load_average_end"] = loadAverageAtEnd,
        ["commit"] = Commit,
        ["command"] = Command,
        ["software"] = Software,
    };

    private static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    // The checked-out commit, marked when tracked files differ from it; "unknown" without git.
    private static string GitCommit()
    {
        string? Git(string arguments)
        {
            try
            {
                var psi = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot() };
                using var p = Process.Start(psi)!;
                string output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 ? output : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        var head = Git("rev-parse HEAD");
        if (head is null)
        {
            return "unknown";
        }

        return string.IsNullOrEmpty(Git("status --porcelain --untracked-files=no")) ? head : head + " (with uncommitted changes)";
    }

    // How the program was started, relative to the repository root where it lies under it.
    private static string CommandLine(string[] args)
    {
        var root = RepositoryRoot();
        string Relative(string path) => path.StartsWith(root, StringComparison.Ordinal) ? Path.GetRelativePath(root, path) : path;
        var host = Environment.ProcessPath ?? "Gen.Bench";
        var program = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? $"dotnet {Relative(Environment.GetCommandLineArgs()[0])}"
            : Relative(host);
        var quoted = args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a);
        return string.Join(" ", quoted.Prepend(program));
    }
}
