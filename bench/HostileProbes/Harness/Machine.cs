using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace HostileProbes.Harness;

/// <summary>What the report says about where and when it was made.</summary>
internal sealed record Machine(string Cpu, int Cores, string Os, string Kernel, string Memory, string Date, string Commit)
{
    public static Machine Describe(string? commit)
    {
        string cpu = Read("/proc/cpuinfo").Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        string os = Read("/etc/os-release").Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? Environment.OSVersion.ToString();
        string memory = Read("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) >> 20} GiB"
            : "unknown";
        return new Machine(cpu, Environment.ProcessorCount, os, Read("/proc/sys/kernel/osrelease").Trim(), memory,
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture), commit ?? Git("rev-parse HEAD"));
    }

    /// <summary>Whether tracked files differ from the commit.</summary>
    public static bool Dirty() => Git("status --porcelain --untracked-files=no").Length > 0;

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
