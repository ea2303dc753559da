using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Memory over a long training run of one case (Gen only): resident and peak resident memory of the process, and
/// the number of live TorchSharp tensors (<c>torch.Tensor.TotalCount</c>: created and not yet disposed), sampled
/// every so often. A leak of one tensor per step shows as a count that grows by the number of steps, whether or not
/// the collector later finalizes it.
/// </summary>
internal static class Memory
{
    /// <summary>One reading.</summary>
    /// <param name="Step">Training steps done.</param>
    /// <param name="ResidentBytes">Resident memory now (VmRSS).</param>
    /// <param name="PeakResidentBytes">Peak resident memory so far (VmHWM, <c>Process.PeakWorkingSet64</c>).</param>
    /// <param name="LiveTensors">Tensors created and not yet disposed, in the whole process.</param>
    public sealed record Sample(long Step, long ResidentBytes, long PeakResidentBytes, long LiveTensors);

    /// <summary>What one case measured.</summary>
    /// <param name="Case">The case.</param>
    /// <param name="Samples">Readings from the first (after warm-up) to the last step.</param>
    /// <param name="Warmup">Steps before the first reading.</param>
    /// <param name="Seconds">Wall time of the run.</param>
    /// <param name="HandWritten">Whether the hand-written twin ran instead of Gen.</param>
    public sealed record Result(SpeedCase Case, IReadOnlyList<Sample> Samples, int Warmup, double Seconds, bool HandWritten = false)
    {
        /// <summary>The first reading.</summary>
        public Sample First => Samples[0];

        /// <summary>The reading half-way (the closest to it).</summary>
        public Sample Middle => Samples.MinBy(x => Math.Abs(x.Step - Last.Step / 2))!;

        /// <summary>The last reading.</summary>
        public Sample Last => Samples[^1];

        /// <summary>The result as a JSON object.</summary>
        public Dictionary<string, object?> ToJson() => new()
        {
            ["name"] = Case.Name,
            ["side"] = HandWritten ? "hand-written" : "gen",
            ["description"] = Case.Description,
            ["warmup_steps"] = Warmup,
            ["steps"] = Last.Step,
            ["seconds"] = Seconds,
            ["first"] = Fields(First),
            ["middle"] = Fields(Middle),
            ["last"] = Fields(Last),
            ["live_tensors_max"] = Samples.Max(s => s.LiveTensors),
            ["samples"] = Samples.Select(Fields).ToArray(),
        };

        private static Dictionary<string, object?> Fields(Sample s) => new()
        {
            ["step"] = s.Step,
            ["rss_mib"] = s.ResidentBytes / 1048576.0,
            ["peak_rss_mib"] = s.PeakResidentBytes / 1048576.0,
            ["rss_bytes"] = s.ResidentBytes,
            ["peak_rss_bytes"] = s.PeakResidentBytes,
            ["live_tensors"] = s.LiveTensors,
        };

        /// <summary>Reads back what <see cref="ToJson"/> wrote.</summary>
        public static Result FromJson(JsonElement e) => new(
            Catalog.Find(e.GetProperty("name").GetString()!),
            e.GetProperty("samples").EnumerateArray().Select(x => new Sample(
                x.GetProperty("step").GetInt64(),
                x.GetProperty("rss_bytes").GetInt64(),
                x.GetProperty("peak_rss_bytes").GetInt64(),
                x.GetProperty("live_tensors").GetInt64())).ToArray(),
            e.GetProperty("warmup_steps").GetInt32(),
            e.GetProperty("seconds").GetDouble(),
            e.GetProperty("side").GetString() == "hand-written");
    }

    /// <summary>
    /// Runs <see cref="Run"/> for one side of a case in a fresh process of this program, so that the peak resident
    /// memory it reports is that side's own and not a high-water mark left by whatever ran before in the process.
    /// </summary>
    public static Result RunInOwnProcess(SpeedCase c, string device, int threads, int warmup, int steps, int every, bool handWritten)
    {
        var json = Path.Combine(Path.GetTempPath(), $"gen-bench-memory-{Environment.ProcessId}-{c.Name}-{(handWritten ? "hand" : "gen")}.json");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Memory).Assembly.Location); // run as `dotnet Gen.Bench.dll`
        }

        foreach (var a in new[] { "memory", "--cases", c.Name, "--side", handWritten ? "hand" : "gen", "--device", device, "--threads", threads.ToString(CultureInfo.InvariantCulture),
                     "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture), "--every", every.ToString(CultureInfo.InvariantCulture), "--json", json })
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"memory {c.Name}: could not start {start.FileName}");
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"memory {c.Name} ({(handWritten ? "hand-written" : "Gen")}): the measuring process exited with code {child.ExitCode}");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        File.Delete(json);
        return Result.FromJson(document.RootElement);
    }

    /// <summary>
    /// Runs <paramref name="warmup"/> steps, reads, then <paramref name="steps"/> steps reading every
    /// <paramref name="every"/>, and prints the readings as it goes.
    /// </summary>
    public static Result Run(SpeedCase c, torch.Device device, int warmup, int steps, int every, bool handWritten = false)
    {
        Console.WriteLine($"memory {c.Name} ({(handWritten ? "hand-written" : "Gen")}): {c.Description}; {steps} steps, read every {every}");
        var clock = Stopwatch.StartNew();
        var build = handWritten ? c.HandWritten ?? throw new ArgumentException($"{c.Name} has no hand-written twin") : c.Gen;
        using var gen = build(device, 1);
        Timing.Warm(gen.Run, device, warmup);
        var samples = new List<Sample> { Read(0, collect: true) };
        Print(samples[^1]);
        for (int i = 1; i <= steps; i++)
        {
            gen.Run();
            if (i % every == 0 || i == steps)
            {
                Timing.Drain(device);
                samples.Add(Read(i, collect: i == steps));
                Print(samples[^1]);
            }
        }

        return new Result(c, samples, warmup, clock.Elapsed.TotalSeconds, handWritten);
    }

    private static void Print(Sample s) =>
        Console.WriteLine($"  step {s.Step,6}: rss {s.ResidentBytes / 1048576.0,8:F1} MiB, peak {s.PeakResidentBytes / 1048576.0,8:F1} MiB, live tensors {s.LiveTensors,6}");

    // The first and last readings follow a full collection (finalizers run), so that tensors the program no longer
    // reaches but the collector has not yet finalized count at neither end; the readings between are as they come.
    private static Sample Read(long step, bool collect = false)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        var (rss, hwm) = ProcStatus();
        return new Sample(step, rss, hwm, torch.Tensor.TotalCount);
    }

    // /proc/self/status on Linux (VmRSS, VmHWM in kB); the Process counters elsewhere.
    private static (long Rss, long Hwm) ProcStatus()
    {
        const string path = "/proc/self/status";
        if (File.Exists(path))
        {
            long Field(string[] lines, string name) =>
                1024 * long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            var lines = File.ReadAllLines(path);
            return (Field(lines, "VmRSS:"), Field(lines, "VmHWM:"));
        }

        using var p = Process.GetCurrentProcess();
        return (p.WorkingSet64, p.PeakWorkingSet64);
    }
}
