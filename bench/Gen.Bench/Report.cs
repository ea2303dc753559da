using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// The report command: every group in one process (memory, the matrix-multiply rate, training step and
/// log-likelihood of each case against hand-written TorchSharp, sampling), written to <c>speed.md</c> and
/// <c>speed.json</c>.
/// </summary>
internal static class Report
{
    /// <summary>What to run and where to write.</summary>
    /// <param name="Quick">A few minutes on two cores: fewer and shorter rounds, shorter memory run, smaller sampling batches.</param>
    /// <param name="OutDirectory">Where speed.md and speed.json go.</param>
    /// <param name="Commit">The commit to record, or null to ask git.</param>
    /// <param name="Note">A remark printed in both files (for example that the machine was shared), or null.</param>
    /// <param name="Cases">The speed cases.</param>
    /// <param name="MemoryCases">The cases followed over a long run.</param>
    /// <param name="DeviceName">The device as given on the command line, for the memory runs' own processes.</param>
    /// <param name="HostCases">The cases whose arithmetic is negligible, so that their step time is the host's work.</param>
    /// <param name="DebianPyTorch">
    /// Rows of bench/gpu/twins.py run on this machine with Debian's python3-torch (a JSON file), or null: shown beside
    /// Gen's times as what a Debian user's PyTorch does, not as an anchor.
    /// </param>
    public sealed record Options(bool Quick, string OutDirectory, string? Commit, string? Note, IReadOnlyList<SpeedCase> Cases, IReadOnlyList<SpeedCase> MemoryCases, string DeviceName, IReadOnlyList<SpeedCase> HostCases, string? DebianPyTorch = null);

    private const long MatmulSize = 2048;

    // Gen/hand-written ratios above this get a per-phase breakdown in the report.
    private const double SlowRatio = 1.05;

    public static int Run(torch.Device device, string[] args, Options o)
    {
        var machine = Machine.Describe(args, o.Commit);
        Console.WriteLine($"{(o.Quick ? "quick" : "full")} report on {machine.Cpu}, {machine.Cores} cores, {machine.Threads} torch threads; load {machine.LoadAverageAtStart}");
        var settings = o.Quick ? new TimingSettings(1, 0.5, 3, null, 0.5, true) : new TimingSettings(3, 3.0, 11, null, 2.0, true);

        // Memory in processes of its own, Gen and the hand-written twin each: peak resident memory is a high-water mark
        // of the whole process, so a side run after anything else would report that thing's peak.
        // The warm-up lets the allocators and the .NET heap reach their working size (a few hundred steps), so that
        // what grows after it is growth.
        var memory = o.MemoryCases
            .SelectMany(c => new[] { false, true }.Select(hand =>
                Memory.RunInOwnProcess(c, o.DeviceName, machine.Threads, o.Quick ? 250 : 1000, o.Quick ? 500 : 10_000, o.Quick ? 50 : 500, hand)))
            .ToList();

        // The matrix-multiply rate before and after the cases, pooled: drift on a shared machine shows as a spread.
        var before = MatmulRate.Measure(device, MatmulSize, 2, o.Quick ? 5 : 11);
        Console.WriteLine($"matmul: {before.Format()}");
        var cases = new List<CaseResult>();
        foreach (var c in o.Cases)
        {
            Console.WriteLine($"{c.Name}: {c.Description}");
            var r = CaseResult.Measure(c, device, settings);
            Console.WriteLine($"  {r.Losses.Format()}");
            Console.WriteLine($"  train step: {r.Train.Format()}");
            Console.WriteLine($"  log-likelihood: {r.LogProb!.Format()}");
            cases.Add(r);
        }

        var host = new List<CaseResult>();
        foreach (var c in o.HostCases)
        {
            Console.WriteLine($"{c.Name} (host): {c.Description}");
            var r = CaseResult.Measure(c, device, settings);
            Console.WriteLine($"  train step: {r.Train.Format()}");
            host.Add(r);
        }

        var after = MatmulRate.Measure(device, MatmulSize, 1, o.Quick ? 5 : 11);
        Console.WriteLine($"matmul: {after.Format()}");
        var matmul = before.Pool(after);

        // Where a training step's ratio is above 1.05, where its time goes (the breakdown is of the training step).
        var slow = cases.Where(c => !c.Case.TwoPlayers && c.Train.Hand.Length > 0 && Timing.Median(c.Train.Ratios) > SlowRatio);
        var breakdowns = slow.Select(c => Breakdown.Run(c.Case, device, o.Quick ? 3 : 10, o.Quick ? 1 : 2, settings.WarmupSeconds)).ToList();

        var sampling = Sampling.Run(device, Catalog.Sampling(o.Quick), o.Quick ? 1 : 3, o.Quick ? 3 : 10);
        string? loadAtEnd = Machine.LoadAverage();

        Directory.CreateDirectory(o.OutDirectory);
        var md = Path.Combine(o.OutDirectory, o.Quick ? "speed-quick.md" : "speed.md");
        var json = Path.Combine(o.OutDirectory, o.Quick ? "speed-quick.json" : "speed.json");
        File.WriteAllText(md, Markdown(machine, loadAtEnd, o, settings, matmul, before, after, cases, host, breakdowns, sampling, memory));
        File.WriteAllText(json, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["machine"] = machine.ToJson(loadAtEnd),
            ["mode"] = o.Quick ? "quick" : "full",
            ["note"] = o.Note,
            ["device"] = device.ToString(),
            ["timing"] = new Dictionary<string, object?> { ["warmup"] = settings.Warmup, ["warmup_seconds"] = settings.WarmupSeconds, ["rounds"] = settings.Rounds, ["round_seconds"] = settings.RoundSeconds },
            ["matmul"] = new Dictionary<string, object?>
            {
                ["size"] = MatmulSize,
                ["gflops_median"] = matmul.FlopsPerSecond / 1e9,
                ["gflops_best"] = matmul.BestFlopsPerSecond / 1e9,
                ["gflops_before_cases"] = before.FlopsPerSecond / 1e9,
                ["gflops_after_cases"] = after.FlopsPerSecond / 1e9,
                ["seconds"] = matmul.Seconds,
            },
            ["cases"] = cases.Select(c => c.ToJson(device, matmul.FlopsPerSecond)).ToArray(),
            ["host"] = host.Select(c => c.ToJson(device, matmul.FlopsPerSecond)).ToArray(),
            ["debian_pytorch"] = o.DebianPyTorch is null ? null : JsonDocument.Parse(File.ReadAllText(o.DebianPyTorch)).RootElement.Clone(),
            ["breakdowns"] = breakdowns.Select(b => b.ToJson()).ToArray(),
            ["sampling"] = sampling.Select(s => s.ToJson()).ToArray(),
            ["memory"] = memory.Select(m => m.ToJson()).ToArray(),
        }, Json.Options));
        Console.WriteLine($"wrote {md} and {json}");
        return cases.All(c => c.Losses.Agree) ? 0 : 1;
    }

    private static string Markdown(Machine m, string? loadAtEnd, Options o, TimingSettings s, MatmulRate matmul, MatmulRate before, MatmulRate after,
        IReadOnlyList<CaseResult> cases, IReadOnlyList<CaseResult> host, IReadOnlyList<Breakdown.Result> breakdowns, IReadOnlyList<Sampling.Result> sampling, IReadOnlyList<Memory.Result> memory)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double? v, string format) => v is { } x ? x.ToString(format, inv) : "–";
        string Ratio(Comparison c) => c.Hand.Length == 0 ? "–" : $"{F(Timing.Median(c.Ratios), "F3")} [{F(c.Ratios.Min(), "F3")}, {F(c.Ratios.Max(), "F3")}]";

        var sb = new StringBuilder();
        sb.AppendLine("# Gen on the CPU: speed against hand-written TorchSharp").AppendLine();
        sb.AppendLine($"Measured {m.Date:yyyy-MM-dd HH:mm} UTC on {m.Cpu}, {m.Cores} cores ({m.Software}).");
        sb.AppendLine($"Threads: torch.set_num_threads({m.Threads}) for Gen and the hand-written code alike (OMP_NUM_THREADS {(m.OmpNumThreads is null ? "unset" : "= " + m.OmpNumThreads)}); " +
                      $"load average (1, 5, 15 min) {m.LoadAverageAtStart ?? "?"} at the start, {loadAtEnd ?? "?"} at the end.");
        sb.AppendLine($"Commit: {m.Commit}.").AppendLine();
        sb.AppendLine($"Command: `{m.Command}` ({(o.Quick ? "quick mode" : "full mode")}: warm-up {s.Warmup} steps and at least {s.WarmupSeconds:0.#} s, {s.Rounds} paired rounds of about {s.RoundSeconds:0.#} s or at least one step).");
        if (o.Note is not null)
        {
            sb.AppendLine().AppendLine($"**{o.Note}**");
        }

        sb.AppendLine().AppendLine("## The machine's limit").AppendLine();
        sb.AppendLine($"float32 matrix multiply, measured in the same process: **{matmul.FlopsPerSecond / 1e9:F1} GFLOP/s** (median of {matmul.Seconds.Length} products of " +
                      $"{matmul.Size}x{matmul.Size} by {matmul.Size}x{matmul.Size}; {before.FlopsPerSecond / 1e9:F1} before the cases, {after.FlopsPerSecond / 1e9:F1} after; best {matmul.BestFlopsPerSecond / 1e9:F1}). " +
                      "Each case's FLOP fraction is its analytic operation count per step divided by its median time and by this rate.");

        sb.AppendLine().AppendLine("## Training step").AppendLine();
        sb.AppendLine("A step is zero-grad, forward, negative mean log-likelihood, backward and Adam (lr 1e-4) on a fixed batch, float32. Gen trains with " +
                      "Gen.Optimization.FusedAdam; the hand-written TorchSharp twin, built from the same weights (and masks), with torch.optim.Adam. " +
                      "Ratio is Gen's time over the twin's, one per paired round: median [min, max]. \"Losses\" says whether both models give the same " +
                      "loss before and after one step (relative 1e-4).").AppendLine();
        sb.AppendLine("| case | batch | GFLOP/step | Gen ms | hand ms | Gen / hand median [min, max] | FLOP fraction (Gen) | FLOP fraction (hand) | losses |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (var c in cases)
        {
            var fr = c.Fractions(matmul.FlopsPerSecond);
            sb.AppendLine($"| {Label(c.Case)} | {c.Case.Batch} | {F(c.Case.Flops?.TrainStep / 1e9, "F2")} | {F(1e3 * c.Train.GenMedian, "F2")} | {F(c.Train.HandMedian * 1e3, "F2")} | " +
                          $"{Ratio(c.Train)} | {F(fr?.Train, "P1")} | {F(fr?.HandTrain, "P1")} | {(c.Losses.HandFirst is null ? "–" : c.Losses.Agree ? "equal" : "DIFFER")} |");
        }

        if (host.Count > 0)
        {
            sb.AppendLine().AppendLine("## Host overhead").AppendLine();
            sb.AppendLine("Training steps of models so small that their arithmetic is a sliver of the step (the arithmetic share is the FLOP count " +
                          "over the matrix-multiply rate, divided by the step's time): what is left is the work of issuing the kernels, the " +
                          "host time a GPU step of a small model pays too. Target: Gen at most 1.0 of the twin.").AppendLine();
            sb.AppendLine("| case | batch | Gen ms | hand ms | Gen / hand median [min, max] | arithmetic share (Gen) | losses |");
            sb.AppendLine("|---|---:|---:|---:|---|---:|---|");
            foreach (var c in host)
            {
                var fr = c.Fractions(matmul.FlopsPerSecond);
                sb.AppendLine($"| {Label(c.Case)} | {c.Case.Batch} | {F(1e3 * c.Train.GenMedian, "F3")} | {F(c.Train.HandMedian * 1e3, "F3")} | " +
                              $"{Ratio(c.Train)} | {F(fr?.Train, "P2")} | {(c.Losses.HandFirst is null ? "–" : c.Losses.Agree ? "equal" : "DIFFER")} |");
            }
        }

        if (o.DebianPyTorch is not null)
        {
            using var rows = JsonDocument.Parse(File.ReadAllText(o.DebianPyTorch));
            var timed = cases.Concat(host).ToList();
            sb.AppendLine().AppendLine("## What a Debian user's PyTorch does (not an anchor)").AppendLine();
            sb.AppendLine("The PyTorch twins of bench/gpu/twins.py (same architectures, batches, Adam and timing protocol) run on this machine with " +
                          "Debian 12's python3-torch and libopenblas0-pthread, just before this report and with the same thread count. That build " +
                          "is a generic-BLAS, -O2 one, several times slower than the libtorch Gen runs on, so it says what a user who installs " +
                          "PyTorch from Debian gets, not how fast Gen's own code is: the engine-level anchor is the hand-written TorchSharp twin above.").AppendLine();
            sb.AppendLine("| case | PyTorch version | threads | Debian PyTorch ms | Gen ms (this report) | Gen / Debian PyTorch |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var row in rows.RootElement.EnumerateArray())
            {
                string name = row.GetProperty("name").GetString()!;
                double pytorch = row.GetProperty("pytorch_step_ms_median").GetDouble();
                var gen = timed.FirstOrDefault(c => c.Case.Name == name);
                string threads = row.TryGetProperty("threads", out var t) ? t.GetInt32().ToString(inv) : "?";
                sb.AppendLine($"| {name} | {row.GetProperty("torch").GetString()} | {threads} | {F(pytorch, "F2")} | {F(gen is null ? null : 1e3 * gen.Train.GenMedian, "F2")} | " +
                              $"{F(gen is null ? null : 1e3 * gen.Train.GenMedian / pytorch, "F3")} |");
            }
        }

        sb.AppendLine().AppendLine("## Log-likelihood alone").AppendLine();
        sb.AppendLine("The same models' log p(x) of the batch under no_grad (forward only); for the VAE, the one-sample ELBO, its training objective.").AppendLine();
        sb.AppendLine("| case | batch | GFLOP | Gen ms | hand ms | Gen / hand median [min, max] | FLOP fraction (Gen) | FLOP fraction (hand) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|");
        foreach (var c in cases.Where(c => c.LogProb is not null))
        {
            var fr = c.Fractions(matmul.FlopsPerSecond);
            sb.AppendLine($"| {Label(c.Case)} | {c.Case.Batch} | {F(c.Case.Flops?.Forward / 1e9, "F2")} | {F(1e3 * c.LogProb!.GenMedian, "F2")} | {F(c.LogProb.HandMedian * 1e3, "F2")} | " +
                          $"{Ratio(c.LogProb)} | {F(fr?.LogProb, "P1")} | {F(fr?.HandLogProb, "P1")} |");
        }

        sb.AppendLine().AppendLine("What the FLOP counts include: 2·M·N·K for every linear layer (masked layers counted dense, as the kernel computes them). " +
                                   "Backward: the weight gradient of every layer (as much again as its forward) and the input gradient of every layer whose " +
                                   "input depends on a parameter (as much again), so the first layer to read the data has none. Not counted: " +
                                   "activations, masks, the likelihood and the optimizer (elementwise, small next to the products).");

        if (cases.Any(c => c.Fractions(matmul.FlopsPerSecond) is { } fr && new[] { fr.Train, fr.HandTrain, fr.LogProb, fr.HandLogProb }.Any(x => x > 1)))
        {
            sb.AppendLine().AppendLine("A fraction above 100 % cannot be: the machine's rate changed between the matrix-multiply measurements and the case " +
                                       "(other jobs on shared cores). Read the fractions of this run as rough.");
        }

        if (breakdowns.Count > 0)
        {
            sb.AppendLine().AppendLine($"## Where the time goes (cases whose training-step ratio is above {SlowRatio})").AppendLine();
            sb.AppendLine("Median ms per phase of a training step, the device drained after each phase, Gen and hand-written in alternation.").AppendLine();
            sb.AppendLine($"| case | | {string.Join(" | ", Breakdown.PhaseNames)} |");
            sb.AppendLine($"|---|---|{string.Concat(Breakdown.PhaseNames.Select(_ => "---:|"))}");
            foreach (var b in breakdowns)
            {
                sb.AppendLine($"| {b.Case.Name} ({b.Steps} steps) | Gen | {string.Join(" | ", b.Gen.Select(t => F(1e3 * t, "F2")))} |");
                if (b.Hand != null)
                {
                    sb.AppendLine($"| | hand-written | {string.Join(" | ", b.Hand.Select(t => F(1e3 * t, "F2")))} |");
                }
            }
        }

        sb.AppendLine().AppendLine("## Sampling (Gen)").AppendLine();
        sb.AppendLine("Each `-full-passes` case is the model above it sampled by hand through its public API with the whole network for every " +
                      "feature or pixel (the way the models sampled before their sequential passes); \"against full passes\" divides a model's " +
                      "samples per second by its full-pass twin's.").AppendLine();
        sb.AppendLine("| case | model | passes per draw | batch | samples/s | against full passes | s per draw | draws |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in sampling)
        {
            var naive = sampling.FirstOrDefault(n => n.Case.Name == r.Case.Name + "-full-passes");
            sb.AppendLine($"| {r.Case.Name} | {r.Case.Description} | {r.Case.Passes} | {r.Case.Batch} | {F(r.SamplesPerSecond, "G4")} | " +
                          $"{(naive is null ? "" : F(r.SamplesPerSecond / naive.SamplesPerSecond, "F1") + "×")} | {F(Timing.Median(r.Seconds), "F3")} | {r.Seconds.Length} |");
        }

        sb.AppendLine().AppendLine("## Memory over a long run (training steps, Gen against hand-written)").AppendLine();
        sb.AppendLine("Resident memory (VmRSS), its peak (VmHWM, as Process.PeakWorkingSet64) and live TorchSharp tensors (torch.Tensor.TotalCount: created, " +
                      "not yet disposed, whole process) after the warm-up steps, half-way and at the end; the first and last readings follow a full " +
                      "garbage collection, and the JSON file has the readings between. Each side ran in a process of its own, so each peak is that " +
                      "side's. Flat is the target: equal half-way and last readings mean nothing grows once the allocators have warmed up; and Gen's " +
                      "peak at most 1.1 times the twin's.").AppendLine();
        sb.AppendLine("| case | side | warm-up | steps | s | RSS MiB first → half-way → last | peak RSS MiB first → last | peak / twin's | live tensors first → half-way → last (max) |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---|---:|---|");
        foreach (var r in memory)
        {
            string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", inv);
            var twin = memory.FirstOrDefault(m => m.Case.Name == r.Case.Name && m.HandWritten);
            string ratio = r.HandWritten || twin is null ? "" : F((double)r.Last.PeakResidentBytes / twin.Last.PeakResidentBytes, "F2");
            sb.AppendLine($"| {Label(r.Case)} | {(r.HandWritten ? "hand-written" : "Gen")} | {r.Warmup} | {r.Last.Step} | {r.Seconds:F0} | {Mib(r.First.ResidentBytes)} → {Mib(r.Middle.ResidentBytes)} → {Mib(r.Last.ResidentBytes)} | " +
                          $"{Mib(r.First.PeakResidentBytes)} → {Mib(r.Last.PeakResidentBytes)} | {ratio} | {r.First.LiveTensors} → {r.Middle.LiveTensors} → {r.Last.LiveTensors} ({r.Samples.Max(x => x.LiveTensors)}) |");
        }

        return sb.ToString();
    }

    private static string Label(SpeedCase c)
    {
        int comma = c.Description.LastIndexOf(", batch", StringComparison.Ordinal);
        return $"{c.Name}: {(comma > 0 ? c.Description[..comma] : c.Description)}";
    }
}
