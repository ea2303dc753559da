using System;
using System.IO;
using System.Threading;

namespace HostileProbes.Harness;

/// <summary>
/// Where probes put their files: a folder per process under <c>HOSTILE_PROBES_WORK</c> (a folder the <c>run</c> command
/// makes for the run and removes at its end), else under the temporary folder. Each probe gets a fresh sub-folder.
/// </summary>
internal static class WorkFolder
{
    public const string Variable = "HOSTILE_PROBES_WORK";
    private static int next;
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Environment.GetEnvironmentVariable(Variable) ?? Path.Combine(Path.GetTempPath(), "hostile-probes");
        var mine = Path.Combine(root, $"p{Environment.ProcessId}");
        Directory.CreateDirectory(mine);
        return mine;
    });

    /// <summary>This process's folder.</summary>
    public static string Process => Root.Value;

    /// <summary>A new, empty folder.</summary>
    public static string Fresh(string hint = "probe")
    {
        var dir = Path.Combine(Root.Value, $"{hint}-{Interlocked.Increment(ref next)}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
