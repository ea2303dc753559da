using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace HostileProbes.Harness;

/// <summary>
/// <c>run [--out DIR] [--categories a,b] [--command TEXT] [--commit SHA]</c>: every category (or those named), each in a
/// supervised process, then the report: <c>DIR/hostile-probes.md</c> and <c>.json</c>.
/// </summary>
internal static class RunCommand
{
    public static int Run(string[] args)
    {
        string output = Option(args, "--out") ?? Path.Combine("bench", "results");
        var only = Option(args, "--categories")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        string command = Option(args, "--command") ?? "HostileProbes run " + string.Join(' ', args);
        var machine = Machine.Describe(Option(args, "--commit"));
        bool dirty = Machine.Dirty();

        // Every process of the run keeps its files in one folder, removed at the end (FIFOs, sockets, sparse files and all).
        var work = Directory.CreateTempSubdirectory("hostile-probes-").FullName;
        Environment.SetEnvironmentVariable(WorkFolder.Variable, work);
        var clock = Stopwatch.StartNew();
        var results = new List<ProbeResult>();
        try
        {
            foreach (var (name, title) in Catalog.Categories.Where(c => only is null || only.Contains(c.Name)))
            {
                var started = clock.Elapsed;
                Console.WriteLine($"{title}: {Catalog.Probes(name).Count} probes");
                var category = Supervisor.RunCategory(name, Console.WriteLine);
                results.AddRange(category);
                Console.WriteLine($"  done in {(clock.Elapsed - started).TotalSeconds:0.0} s: {Summary.Of(category)}");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        var report = new Report(machine, dirty, command, clock.Elapsed, results);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "hostile-probes.md"), report.Markdown());
        File.WriteAllText(Path.Combine(output, "hostile-probes.json"), report.Json());
        Console.WriteLine($"total: {Summary.Of(results)}; {clock.Elapsed.TotalMinutes:0.0} min; written to {output}/hostile-probes.md and .json");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
