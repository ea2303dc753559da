using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace HostileProbes.Harness;

/// <summary>
/// Runs each category in a process of its own and watches it: a probe that does not finish within its watchdog, or
/// whose process grows past <see cref="Rules.ExhaustionBytes"/>, is stopped by killing that process, recorded as a hang
/// or exhaustion, and the category goes on in a fresh process from the next probe. A process that dies in a probe is
/// recorded the same way (killed for memory: exhaustion; any other crash: a raw failure).
/// </summary>
internal static class Supervisor
{
    public static List<ProbeResult> RunCategory(string category, Action<string> log)
    {
        var probes = Catalog.Probes(category);
        var results = new List<ProbeResult>();
        int next = 0;
        while (next < probes.Count)
        {
            next = RunFrom(category, next, probes, results, log);
        }

        return results;
    }

    private static int RunFrom(string category, int from, IReadOnlyList<Probe> probes, List<ProbeResult> results, Action<string> log)
    {
        using var process = Process.Start(SelfProcess.StartInfo(new[] { "category", category, from.ToString(CultureInfo.InvariantCulture) }))!;
        var lines = new BlockingCollection<string>();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                lines.CompleteAdding();
            }
            else
            {
                lines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    if (errors.Length < 20_000)
                    {
                        errors.AppendLine(e.Data);
                    }
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        int current = -1;
        var began = Stopwatch.StartNew();
        double allowed = 0;
        long baseline = 0, peak = 0;
        var other = new StringBuilder();
        while (true)
        {
            if (lines.TryTake(out var line, 20))
            {
                if (line.StartsWith(Wire.Begin, StringComparison.Ordinal))
                {
                    var parts = line[Wire.Begin.Length..].Split(' ', 3);
                    current = int.Parse(parts[0], CultureInfo.InvariantCulture);
                    allowed = double.Parse(parts[1], CultureInfo.InvariantCulture);
                    baseline = ResidentMemory.Of(process.Id);
                    peak = baseline;
                    other.Clear();
                    began.Restart();
                }
                else if (line.StartsWith(Wire.Result, StringComparison.Ordinal))
                {
                    var result = Wire.Decode(line);
                    results.Add(result);
                    if (result.IsDefect || result.Outcome == Outcome.Unclear)
                    {
                        log($"  [{result.Outcome}{(result.OverBudget ? ", over budget" : "")}] {result.Name}: {First(result.Detail)}");
                    }

                    current = -1;
                }
                else if (line == Wire.Done)
                {
                    process.WaitForExit();
                    return probes.Count;
                }
                else if (other.Length < 4000)
                {
                    other.AppendLine(line);
                }

                continue;
            }

            if (lines.IsCompleted)
            {
                process.WaitForExit();
                if (current < 0)
                {
                    // Died between probes, or could not start: nothing to blame a probe for.
                    throw new InvalidOperationException($"the {category} process ended (exit code {process.ExitCode}) outside a probe:\n{other}{errors}");
                }

                // Killed for memory by the kernel: SIGKILL (137); any other death inside a probe is a crash.
                var outcome = process.ExitCode == 137 ? Outcome.Exhaustion : Outcome.Raw;
                Record(results, probes[current], current, outcome, began.Elapsed.TotalSeconds, peak - baseline,
                    $"the probe's process died (exit code {process.ExitCode}): {Tail(other + errors.ToString())}", log);
                return current + 1;
            }

            if (current >= 0)
            {
                long rss = ResidentMemory.Of(process.Id);
                peak = Math.Max(peak, rss);
                string? stop = began.Elapsed.TotalSeconds > allowed ? $"still running after {allowed:0} s (its watchdog)"
                    : rss - baseline > Rules.ExhaustionBytes ? $"its process grew by {(rss - baseline) >> 20} MiB (to {rss >> 20} MiB) and was stopped"
                    : null;
                if (stop is not null)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    var outcome = stop.StartsWith("still", StringComparison.Ordinal) ? Outcome.Hang : Outcome.Exhaustion;
                    Record(results, probes[current], current, outcome, began.Elapsed.TotalSeconds, peak - baseline, stop, log);
                    return current + 1;
                }
            }
        }
    }

    private static void Record(List<ProbeResult> results, Probe probe, int index, Outcome outcome, double seconds, long growth, string detail, Action<string> log)
    {
        // The process is gone, and with it its count of managed allocations: -1 says unknown.
        var result = new ProbeResult(index, probe.Category, probe.Name, outcome, detail, null, true, probe.Budgeted, seconds, growth, -1, probe.Reproduction);
        results.Add(result);
        log($"  [{outcome}] {probe.Name}: {First(detail)}");
    }

    private static string First(string text)
    {
        var line = text.Split('\n')[0];
        return line.Length <= 300 ? line : line[..300] + "...";
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "..." + text[^2000..];
}
