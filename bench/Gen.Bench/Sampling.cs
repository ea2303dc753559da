using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Bench;

/// <summary>Samples per second of Gen models.</summary>
internal static class Sampling
{
    /// <summary>What one sampling case measured.</summary>
    /// <param name="Case">The case.</param>
    /// <param name="Seconds">Seconds of each timed draw of <see cref="SamplingCase.Batch"/> samples.</param>
    public sealed record Result(SamplingCase Case, double[] Seconds)
    {
        /// <summary>Samples per second at the median draw time.</summary>
        public double SamplesPerSecond => Case.Batch / Timing.Median(Seconds);

        /// <summary>The result as a JSON object.</summary>
        public Dictionary<string, object?> ToJson() => new()
        {
            ["name"] = Case.Name,
            ["description"] = Case.Description,
            ["passes"] = Case.Passes,
            ["batch"] = Case.Batch,
            ["draws"] = Seconds.Length,
            ["seconds_per_draw_median"] = Timing.Median(Seconds),
            ["samples_per_second"] = SamplesPerSecond,
        };
    }

    /// <summary>
    /// Times <paramref name="sequentialReps"/> draws of each case that draws feature by feature, and one untimed then
    /// <paramref name="onePassReps"/> timed draws of the others.
    /// </summary>
    public static List<Result> Run(torch.Device device, IEnumerable<SamplingCase> cases, int sequentialReps, int onePassReps)
    {
        var results = new List<Result>();
        foreach (var c in cases)
        {
            Console.WriteLine($"sampling {c.Name}: {c.Description}; {c.Passes}; batch {c.Batch}");
            using var sampler = c.Build(device, 1);
            using var g = Seed.Generator(7);
            if (!c.Sequential)
            {
                Timing.Warm(() => sampler.Draw(c.Batch, g), device, 1);
            }

            int reps = c.Sequential ? sequentialReps : onePassReps;
            var seconds = Enumerable.Range(0, reps).Select(_ => Timing.Round(() => sampler.Draw(c.Batch, g), device, 1)).ToArray();
            var r = new Result(c, seconds);
            Console.WriteLine($"  {r.SamplesPerSecond:G4} samples/s ({1e3 * Timing.Median(seconds):F1} ms per draw of {c.Batch}, {reps} draws)");
            results.Add(r);
        }

        return results;
    }

    /// <summary>
    /// Writes <c>sampling.md</c> and <c>sampling.json</c> to <paramref name="directory"/>: the machine, the date, the
    /// command and each case's samples per second, with the sequential samplers beside the full-pass baselines run in
    /// the same process.
    /// </summary>
    public static void Write(string directory, Machine machine, IReadOnlyList<Result> results)
    {
        System.IO.Directory.CreateDirectory(directory);
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Sampling speed").AppendLine();
        md.AppendLine($"{machine.Date:yyyy-MM-dd HH:mm} UTC, {machine.Cpu}, {machine.Cores} cores, {machine.Threads} torch threads, load {machine.LoadAverageAtStart}; commit {machine.Commit}; `{machine.Command}`; {machine.Software}.").AppendLine();
        md.AppendLine("Samples per second at the median draw. `made784` draws through the sequential pass (each hidden unit computed once, " +
                      "when the features it reads are drawn); `made784-full-passes` is plain ancestral sampling written by hand against the " +
                      "public API (the whole network for every feature), in the same process. `maf784` solves each MAF block feature by " +
                      "feature the same way. `nade784` adds one column of its hidden pre-activations per feature; the PixelCNNs run their network " +
                      "once, cut into pixel steps (each layer's output at a pixel computed from the outputs kept for the pixels before it; the gated " +
                      "model's vertical stack a row at a time). Each `-full-passes` row is the same model sampled by hand through its public " +
                      "API with the whole network for every feature or pixel.").AppendLine();
        md.AppendLine("| case | model | passes per draw | batch | samples/s | s per draw | draws |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(System.FormattableString.Invariant($"| {r.Case.Name} | {r.Case.Description} | {r.Case.Passes} | {r.Case.Batch} | {r.SamplesPerSecond:G4} | {Timing.Median(r.Seconds):F3} | {r.Seconds.Length} |"));
        }

        System.IO.File.WriteAllText(System.IO.Path.Combine(directory, "sampling.md"), md.ToString());
        var json = new Dictionary<string, object?>
        {
            ["machine"] = machine,
            ["sampling"] = results.Select(r => r.ToJson()).ToArray(),
        };
        System.IO.File.WriteAllText(System.IO.Path.Combine(directory, "sampling.json"), System.Text.Json.JsonSerializer.Serialize(json, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
